import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { FaceConfig } from '../config';
import { DEFAULT_DETECTION_SIZE } from '../domain/detection';
import { FacePipeline, PipelineOptions } from '../domain/pipeline';
import { MiniFasNetLiveness } from './minifasnet-liveness';
import { MobileFaceNetEmbedder } from './mobilefacenet-embedder';
import { MODEL_FILES, ModelFile } from './model-files';
import { loadModel, SessionOptions } from './onnx';
import { DecoderLimits, SharpDecoder } from './sharp-decoder';
import { YunetDetector } from './yunet-detector';

export interface ModelSettings extends SessionOptions {
  /** Folder the model files are read from. */
  dir: string;
  /** Longer side of the detector's input, reached by a whole shrink factor (default 320). */
  detectionSize?: number;
  /** Per model, the file name and sha256 to use instead of the defaults. */
  overrides?: Partial<Record<ModelFile['key'], { file?: string; sha256?: string }>>;
}

/** The side of a square input the graph insists on, or null when it takes any size. */
function fixedInputSize(session: ort.InferenceSession): number | null {
  const meta = session.inputMetadata[0];
  const shape = meta && meta.isTensor ? meta.shape : [];
  return typeof shape[2] === 'number' && shape[2] === shape[3] ? shape[2] : null;
}

/** Builds the pipeline: every session created once, here, and reused for every image. */
export async function buildPipeline(
  models: ModelSettings,
  limits: DecoderLimits,
  options: PipelineOptions,
): Promise<FacePipeline> {
  const load = (key: ModelFile['key']) => {
    const spec = MODEL_FILES.find((m) => m.key === key)!;
    const override = models.overrides?.[key] ?? {};
    return loadModel(
      path.resolve(models.dir, override.file ?? spec.file),
      override.sha256 ?? spec.sha256,
      models,
    );
  };
  const [detector, embedder, livenessA, livenessB] = await Promise.all([
    load('DETECTOR'),
    load('EMBEDDER'),
    load('LIVENESS_A'),
    load('LIVENESS_B'),
  ]);
  return new FacePipeline(
    new SharpDecoder(limits),
    new YunetDetector(
      detector,
      options.gates.candidateScore,
      fixedInputSize(detector),
      models.detectionSize ?? DEFAULT_DETECTION_SIZE,
    ),
    new MobileFaceNetEmbedder(embedder),
    new MiniFasNetLiveness([
      { session: livenessA, scale: 2.7 },
      { session: livenessB, scale: 4.0 },
    ]),
    options,
  );
}

const override = (file?: string, sha256?: string) => ({
  ...(file ? { file } : {}),
  ...(sha256 ? { sha256 } : {}),
});

/** The pipeline the face app runs, from its configuration (the app and the bench build it). */
export function pipelineFromConfig(config: FaceConfig): Promise<FacePipeline> {
  return buildPipeline(
    {
      dir: config.FACE_MODEL_DIR,
      intraOpThreads: config.FACE_INTRA_OP_THREADS,
      interOpThreads: config.FACE_INTER_OP_THREADS,
      detectionSize: config.FACE_DETECTION_SIZE,
      overrides: {
        DETECTOR: override(config.FACE_DETECTOR_MODEL, config.FACE_DETECTOR_SHA256),
        EMBEDDER: override(config.FACE_EMBEDDER_MODEL, config.FACE_EMBEDDER_SHA256),
        LIVENESS_A: override(config.FACE_LIVENESS_A_MODEL, config.FACE_LIVENESS_A_SHA256),
        LIVENESS_B: override(config.FACE_LIVENESS_B_MODEL, config.FACE_LIVENESS_B_SHA256),
      },
    },
    {
      maxBytes: config.FACE_MAX_IMAGE_BYTES,
      maxPixels: config.FACE_MAX_PIXELS,
      workingSize: config.FACE_WORKING_SIZE,
    },
    {
      gates: {
        candidateScore: 0.5,
        minDetectionScore: config.FACE_MIN_DETECTION_SCORE,
        minFacePx: config.FACE_MIN_FACE_PX,
        dominance: 2.5,
      },
      minSharpness: config.FACE_MIN_SHARPNESS,
      livenessThreshold: config.FACE_LIVENESS_THRESHOLD,
      greyscale: {
        maxChroma: config.FACE_GREYSCALE_MAX_CHROMA,
        modes: config.FACE_GREYSCALE_CAPTURES,
        minDetectionScore: config.FACE_GREYSCALE_MIN_DETECTION_SCORE,
        spoofThreshold: config.FACE_GREYSCALE_SPOOF_THRESHOLD,
      },
    },
  );
}
