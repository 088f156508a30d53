import type { Detection } from './detection';
import type { RawImage } from './geometry';

/** Why an upload is not an image we can use; all of them are the face problem `bad-image`. */
export type DecodeProblem = 'not-an-image' | 'unsupported-format' | 'too-large';

/** An RGB image at the pipeline's working size, upright (EXIF orientation applied). */
export interface DecodedImage extends RawImage {
  format: 'jpeg' | 'png' | 'webp';
}

export interface ImageDecoder {
  decode(bytes: Buffer): Promise<DecodedImage | DecodeProblem>;
}

/** Faces in an RGB image, after non-maximum suppression, best first. */
export interface FaceDetector {
  detect(image: RawImage): Promise<Detection[]>;
}

/** A 112x112 aligned RGB face to an L2-normalised embedding. */
export interface FaceEmbedder {
  readonly modelId: string;
  embed(aligned: RawImage): Promise<Float32Array>;
}

/** How likely the face is a live person in front of the camera, 0..1. */
export interface LivenessChecker {
  readonly modelId: string;
  realScore(image: RawImage, face: Detection): Promise<number>;
}
