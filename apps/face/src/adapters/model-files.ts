/**
 * The model files the face app runs, with the sha256 each must have and where a deployment
 * downloads it (`npm run models:download`). Provenance and licences: docs/face.md.
 */
export interface ModelFile {
  /** The configuration name (FACE_<KEY>_MODEL / FACE_<KEY>_SHA256). */
  key: 'DETECTOR' | 'EMBEDDER' | 'LIVENESS_A' | 'LIVENESS_B';
  file: string;
  sha256: string;
  bytes: number;
  url: string;
  licence: string;
}

export const MODEL_FILES: readonly ModelFile[] = [
  {
    // The 2023mar weights, bit for bit, in a graph that takes any size (multiples of 32): a
    // 640x480 frame costs 25 % less than padded to the 2023mar graph's fixed 640x640. The
    // 2023mar file also works (FACE_DETECTOR_MODEL, FACE_DETECTOR_SHA256; see docs/face.md).
    key: 'DETECTOR',
    file: 'face_detection_yunet_2026may.onnx',
    sha256: 'ebafce4e3c118d6554634be5c27ab333b4c047a9a8c3faf1d7cf93101c22f0f0',
    bytes: 229738,
    url: 'https://raw.githubusercontent.com/RuDr8A/RealTime-PPE-Compliance/d876a822bbb20180b9ed7850c1d3229d72883067/face_detection_yunet_2026may.onnx',
    licence: 'MIT (Shiqi Yu)',
  },
  {
    key: 'EMBEDDER',
    file: 'face_recognition_mobilefacenet_foamliu.onnx',
    sha256: 'b7120c095d60094f28a4a54ba6a8bf51b297a6273fb40ef6350dfec1f63d9507',
    bytes: 3998070,
    url: 'https://raw.githubusercontent.com/foamliu/MobileFaceNet/a6cc9032a659b615f477833e1a70b5e7931bcccc/weights/MobileFaceNet.onnx',
    licence: 'Apache-2.0 (foamliu/MobileFaceNet)',
  },
  {
    key: 'LIVENESS_A',
    file: '2.7_80x80_MiniFASNetV2.onnx',
    sha256: '4433e871ef03f6c4c13de1757e63dcd69db14b6d7d9cff2319cb274c0f6dbecb',
    bytes: 1750284,
    url: 'https://raw.githubusercontent.com/marcos4758/Silent-Face-Anti-Spoofing-Tests/1557f99a6ca5d485763cc42d42b614a72a3ede7c/resources/anti_spoof_models/2.7_80x80_MiniFASNetV2.onnx',
    licence: 'Apache-2.0 (Minivision Silent-Face-Anti-Spoofing)',
  },
  {
    key: 'LIVENESS_B',
    file: '4_0_0_80x80_MiniFASNetV1SE.onnx',
    sha256: 'a8e67ffbaf39fa74c3b2ed673b530fcfb2f47379d0f26a52b71c2fc6473ec20f',
    bytes: 1750909,
    url: 'https://raw.githubusercontent.com/marcos4758/Silent-Face-Anti-Spoofing-Tests/1557f99a6ca5d485763cc42d42b614a72a3ede7c/resources/anti_spoof_models/4_0_0_80x80_MiniFASNetV1SE.onnx',
    licence: 'Apache-2.0 (Minivision Silent-Face-Anti-Spoofing)',
  },
];
