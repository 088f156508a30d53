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

/**
 * What the liveness model sees in a face, each 0..1 and together 1: a live person in front of
 * the camera, or one of its two kinds of attack (upstream does not document which is which).
 */
export interface LivenessScores {
  real: number;
  attacks: readonly [number, number];
}

export interface LivenessChecker {
  readonly modelId: string;
  scores(image: RawImage, face: Detection): Promise<LivenessScores>;
}
