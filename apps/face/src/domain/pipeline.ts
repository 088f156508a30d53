import type { Detection } from './detection';
import { CaptureMode, FaceProblem, GatePolicy, pickFace } from './gates';
import { Point, RawImage, similarityTransform, warpAffine } from './geometry';
import type {
  DecodeProblem,
  FaceDetector,
  FaceEmbedder,
  ImageDecoder,
  LivenessChecker,
} from './ports';
import { laplacianVariance } from './quality';

/** Where the five landmarks go in a 112x112 face (the ArcFace template). */
export const ALIGNED_SIZE = 112;
export const ALIGN_TEMPLATE: readonly Point[] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

export interface PipelineOptions {
  gates: GatePolicy;
  /** Variance of the Laplacian of the aligned face below which it is `too-blurry`. */
  minSharpness: number;
  /** Real score (0..1) below which the face is a `spoof`; null switches liveness off. */
  livenessThreshold: number | null;
}

export type Stage = 'decode' | 'detect' | 'align' | 'liveness' | 'embed';
export type Timings = Partial<Record<Stage, number>>;

export interface FaceFound {
  ok: true;
  embedding: Float32Array;
  face: Detection;
  sharpness: number;
  /** The real score, when liveness was checked. */
  liveness?: number;
  timings: Timings;
}
export interface FaceRefused {
  ok: false;
  problem: FaceProblem;
  /** For `bad-image`: what is wrong with the bytes. */
  detail?: DecodeProblem;
  timings: Timings;
}
export type FaceAnalysis = FaceFound | FaceRefused;

/** The 112x112 face, eyes, nose and mouth where the embedder expects them. */
export function alignFace(image: RawImage, face: Detection): RawImage {
  const m = similarityTransform(face.landmarks, ALIGN_TEMPLATE);
  return warpAffine(image, m, ALIGNED_SIZE, ALIGNED_SIZE);
}

/**
 * One face image to one embedding, or the stable reason it cannot be used: decode, detect,
 * pick the face, align, sharpness, liveness, embed. Nothing is kept: the pixels live only in
 * this call.
 */
export class FacePipeline {
  constructor(
    private readonly decoder: ImageDecoder,
    private readonly detector: FaceDetector,
    private readonly embedder: FaceEmbedder,
    private readonly liveness: LivenessChecker,
    private readonly options: PipelineOptions,
  ) {}

  get modelId(): string {
    return this.embedder.modelId;
  }

  async analyse(bytes: Buffer, mode: CaptureMode): Promise<FaceAnalysis> {
    const timings: Timings = {};
    const timed = async <T>(stage: Stage, work: () => Promise<T> | T): Promise<T> => {
      const start = performance.now();
      try {
        return await work();
      } finally {
        timings[stage] = performance.now() - start;
      }
    };
    const refuse = (problem: FaceProblem, detail?: DecodeProblem): FaceRefused => ({
      ok: false,
      problem,
      ...(detail ? { detail } : {}),
      timings,
    });

    const image = await timed('decode', () => this.decoder.decode(bytes));
    if (typeof image === 'string') return refuse('bad-image', image);
    const detections = await timed('detect', () => this.detector.detect(image));
    const face = pickFace(detections, mode, this.options.gates);
    if (typeof face === 'string') return refuse(face);
    const aligned = await timed('align', () => alignFace(image, face));
    const sharpness = laplacianVariance(aligned);
    if (sharpness < this.options.minSharpness) return refuse('too-blurry');
    let liveness: number | undefined;
    if (this.options.livenessThreshold !== null) {
      liveness = await timed('liveness', () => this.liveness.realScore(image, face));
      if (liveness < this.options.livenessThreshold) return refuse('spoof');
    }
    const embedding = await timed('embed', () => this.embedder.embed(aligned));
    return {
      ok: true,
      embedding,
      face,
      sharpness,
      ...(liveness !== undefined ? { liveness } : {}),
      timings,
    };
  }
}
