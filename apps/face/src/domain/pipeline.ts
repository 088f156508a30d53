import type { Detection } from './detection';
import { CaptureMode, FaceProblem, GatePolicy, pickFace } from './gates';
import { Point, RawImage, similarityTransform, warpAffine } from './geometry';
import type {
  DecodeProblem,
  FaceDetector,
  FaceEmbedder,
  ImageDecoder,
  LivenessChecker,
  LivenessScores,
} from './ports';
import { laplacianVariance, meanChroma } from './quality';

/** Where the five landmarks go in a 112x112 face (the ArcFace template). */
export const ALIGNED_SIZE = 112;
export const ALIGN_TEMPLATE: readonly Point[] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

/**
 * Greyscale and IR (night-mode) captures. The liveness models call almost every greyscale
 * face an attack (their real score falls to 0.003-0.68 on the shared live photos), so such a
 * capture is judged on another rule: it is a `spoof` when the models' second attack class is
 * at least `spoofThreshold`. That refuses the shared screen replay but not the shared print
 * (docs/face.md); so it applies only to the capture modes listed, a camera the system
 * controls, and a greyscale capture from anywhere else is a `spoof` without further ado.
 */
export interface GreyscalePolicy {
  /** An image whose mean chroma (`meanChroma`, 0..255) is at most this is greyscale. */
  maxChroma: number;
  /** Where greyscale captures are judged; elsewhere they are refused as `spoof`. */
  modes: readonly CaptureMode[];
  /** The detection score a greyscale face needs (greyscale faces score about 0.01 lower). */
  minDetectionScore: number;
  /** The second attack class's score (0..1) at or above which a greyscale face is a `spoof`. */
  spoofThreshold: number;
}

/**
 * The sharpness gate: every shared photo blurred by a Gaussian sigma of 2% of the face's width
 * scores under it, every one blurred by 1% or not at all above (docs/face-threshold.md).
 */
export const DEFAULT_MIN_SHARPNESS = 60;

export const DEFAULT_GREYSCALE: GreyscalePolicy = {
  maxChroma: 4,
  modes: ['kiosk'],
  minDetectionScore: 0.88,
  spoofThreshold: 0.99,
};

export interface PipelineOptions {
  gates: GatePolicy;
  /** Variance of the Laplacian of the aligned face below which it is `too-blurry`. */
  minSharpness: number;
  /** Real score (0..1) below which a colour face is a `spoof`; null switches liveness off. */
  livenessThreshold: number | null;
  greyscale: GreyscalePolicy;
}

/** Which rule judged liveness: the colour one (the real score) or the greyscale one. */
export type LivenessPath = 'colour' | 'greyscale';

export type Stage = 'decode' | 'detect' | 'align' | 'liveness' | 'embed';
export type Timings = Partial<Record<Stage, number>>;

export interface FaceFound {
  ok: true;
  embedding: Float32Array;
  face: Detection;
  sharpness: number;
  /** When liveness was checked: the models' scores and the rule that judged them. */
  liveness?: LivenessScores & { path: LivenessPath };
  timings: Timings;
}
export interface FaceRefused {
  ok: false;
  problem: FaceProblem;
  /** For `bad-image`: what is wrong with the bytes. */
  detail?: DecodeProblem;
  /** For `spoof`: the rule that judged it. */
  livenessPath?: LivenessPath;
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
        timings[stage] = (timings[stage] ?? 0) + performance.now() - start;
      }
    };
    const refuse = (problem: FaceProblem, detail?: DecodeProblem): FaceRefused => ({
      ok: false,
      problem,
      ...(detail ? { detail } : {}),
      timings,
    });
    const spoof = (livenessPath: LivenessPath): FaceRefused => ({
      ...refuse('spoof'),
      livenessPath,
    });

    const image = await timed('decode', () => this.decoder.decode(bytes));
    if (typeof image === 'string') return refuse('bad-image', image);
    const { gates, greyscale: grey, livenessThreshold } = this.options;
    // Part of decoding: how the image is to be read.
    const greyscale = await timed('decode', () => meanChroma(image) <= grey.maxChroma);
    const detections = await timed('detect', () => this.detector.detect(image));
    const policy = greyscale ? { ...gates, minDetectionScore: grey.minDetectionScore } : gates;
    const face = pickFace(detections, mode, policy);
    if (typeof face === 'string') return refuse(face);
    const aligned = await timed('align', () => alignFace(image, face));
    const sharpness = laplacianVariance(aligned);
    if (sharpness < this.options.minSharpness) return refuse('too-blurry');
    let liveness: FaceFound['liveness'];
    if (livenessThreshold !== null) {
      const path: LivenessPath = greyscale ? 'greyscale' : 'colour';
      if (greyscale && !grey.modes.includes(mode)) return spoof(path);
      const scores = await timed('liveness', () => this.liveness.scores(image, face));
      const live = greyscale
        ? scores.attacks[1] < grey.spoofThreshold
        : scores.real >= livenessThreshold;
      if (!live) return spoof(path);
      liveness = { ...scores, path };
    }
    const embedding = await timed('embed', () => this.embedder.embed(aligned));
    return {
      ok: true,
      embedding,
      face,
      sharpness,
      ...(liveness ? { liveness } : {}),
      timings,
    };
  }
}
