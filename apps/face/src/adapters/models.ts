import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
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
