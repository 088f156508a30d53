import * as path from 'node:path';
import { z } from 'zod';
import {
  devKeysEnv,
  httpEnv,
  kafkaEnv,
  keyringEnv,
  parseConfig,
  photoEnv,
  postgresEnv,
  rateEnv,
  tokenEnv,
} from '@roomkey/common';
import { MAX_BURST_FRAMES, MAX_BURST_SPAN_MS } from '@roomkey/contracts';
import { DEFAULT_CHALLENGE_POLICY as CHALLENGE } from './domain/challenge';
import { DEFAULT_DETECTION_SIZE } from './domain/detection';
import type { CaptureMode } from './domain/gates';
import { DEFAULT_GREYSCALE, DEFAULT_MIN_SHARPNESS } from './domain/pipeline';

/**
 * Cosine similarity at or above which two faces are the same person. Chosen from measurement
 * on the shared photos: the midpoint of the gap between the lowest same-person score and the
 * highest different-person score (docs/face-threshold.md, bench/face/threshold.ts).
 */
export const DEFAULT_MATCH_THRESHOLD = 0.45;

const int = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);
const fraction = (fallback: number) => z.coerce.number().min(-1).max(1).default(fallback);
const sha256 = z
  .string()
  .regex(/^[0-9a-f]{64}$/i, 'a sha256 in hex')
  .optional();

export const FaceConfigSchema = z.object({
  ...httpEnv(3003),
  ...kafkaEnv('face'),
  ...postgresEnv('roomkey_face'),
  ...tokenEnv(),
  ...devKeysEnv(),
  /** Folder of the model files (`npm run models:download` fills ./models). */
  FACE_MODEL_DIR: z
    .string()
    .default('models')
    .transform((d) => path.resolve(d)),
  FACE_DETECTOR_MODEL: z.string().optional(),
  FACE_DETECTOR_SHA256: sha256,
  FACE_EMBEDDER_MODEL: z.string().optional(),
  FACE_EMBEDDER_SHA256: sha256,
  FACE_LIVENESS_A_MODEL: z.string().optional(),
  FACE_LIVENESS_A_SHA256: sha256,
  FACE_LIVENESS_B_MODEL: z.string().optional(),
  FACE_LIVENESS_B_SHA256: sha256,
  /** onnxruntime threads per inference; 1 measured fastest on 2 cores (bench/face). */
  FACE_INTRA_OP_THREADS: int(1, 64, 1),
  FACE_INTER_OP_THREADS: int(1, 64, 1),
  /** Largest image accepted, in bytes (and in pixels: FACE_MAX_PIXELS). */
  FACE_MAX_IMAGE_BYTES: int(1024, 50_000_000, 8_000_000),
  ...photoEnv(),
  /** Photos held or analysed at once for all callers together; beyond it a capture is dropped. */
  FACE_MAX_PHOTOS_HELD: int(1, 10_000, 100),
  /** Longer side of the working image. */
  FACE_WORKING_SIZE: int(160, 1280, 640),
  /** Longer side the face detector sees: the working image shrunk by a whole factor (ADR 014). */
  FACE_DETECTION_SIZE: int(160, 1280, DEFAULT_DETECTION_SIZE),
  FACE_MATCH_THRESHOLD: fraction(DEFAULT_MATCH_THRESHOLD),
  FACE_MIN_DETECTION_SCORE: z.coerce.number().min(0).max(1).default(0.9),
  FACE_MIN_FACE_PX: int(16, 1000, 40),
  /**
   * Variance of the Laplacian of the aligned face below which it is too blurry: every shared
   * photo blurred by a sigma of 2% of the face's width scores under it (docs/face-threshold.md).
   */
  FACE_MIN_SHARPNESS: z.coerce.number().min(0).default(DEFAULT_MIN_SHARPNESS),
  /** Real score below which a face is a spoof; `off` switches liveness off (not advised). */
  FACE_LIVENESS_THRESHOLD: z
    .union([z.literal('off'), z.coerce.number().min(0).max(1)])
    .default(0.5)
    .transform((v) => (v === 'off' ? null : v)),
  /** Mean chroma (0..255) at or below which a capture is greyscale or IR (docs/face.md). */
  FACE_GREYSCALE_MAX_CHROMA: z.coerce.number().min(0).max(255).default(DEFAULT_GREYSCALE.maxChroma),
  /**
   * Where a greyscale capture is judged by the greyscale liveness rule: `kiosk` (a door camera
   * the system knows), `any`, or `none`. Anywhere else it is refused as a spoof.
   */
  FACE_GREYSCALE_CAPTURES: z
    .enum(['kiosk', 'any', 'none'])
    .default('kiosk')
    .transform(
      (v): CaptureMode[] =>
        ({ kiosk: ['kiosk'], any: ['kiosk', 'selfie'], none: [] })[v] as CaptureMode[],
    ),
  /** The detection score a greyscale face needs. */
  FACE_GREYSCALE_MIN_DETECTION_SCORE: z.coerce
    .number()
    .min(0)
    .max(1)
    .default(DEFAULT_GREYSCALE.minDetectionScore),
  /** The liveness models' second attack class score at or above which a greyscale face is a spoof. */
  FACE_GREYSCALE_SPOOF_THRESHOLD: z.coerce
    .number()
    .min(0)
    .max(1)
    .default(DEFAULT_GREYSCALE.spoofThreshold),
  /**
   * AES-256-GCM keys sealing templates (`id:base64,...`, the first seals; rows sealed with
   * another are re-sealed by a job). Required in production.
   */
  FACE_TEMPLATE_KEYRING: keyringEnv().optional(),
  /** Keys the gateway seals captures with on face.captured.v1 (shared with the gateway). */
  FACE_CAPTURE_KEYRING: keyringEnv().optional(),
  /**
   * Enrolling or replacing one's own face needs a sign-in with the password at most this many
   * seconds before: an access token alone must not change the face that opens doors.
   */
  FACE_ENROL_SIGN_IN_MAX_AGE_S: int(1, 3600, 300),
  /** An enrolment waiting for an admin's approval is dropped after this many days. */
  FACE_ENROL_PENDING_DAYS: int(1, 90, 7),
  /** A template not used for this long is erased (GDPR storage limitation). */
  FACE_RETENTION_DAYS: int(1, 36500, 1095),
  /** How long a capture waits for the QR step's answer before it is dropped (fail secure). */
  FACE_QR_WAIT_MS: int(100, 60_000, 4000),
  /** How often the retention and re-seal jobs run. */
  FACE_UPKEEP_INTERVAL_S: int(10, 86400, 3600),
  /** How long an active liveness challenge may be answered (ADR 028; at most 30 s). */
  FACE_CHALLENGE_TTL_S: int(5, 30, CHALLENGE.ttlMs / 1000),
  /** Degrees a turn must move the yaw from the frontal frame. */
  FACE_CHALLENGE_MIN_YAW: z.coerce.number().min(1).max(60).default(CHALLENGE.minYaw),
  /** Degrees a nod must move the pitch from the frontal frame. */
  FACE_CHALLENGE_MIN_PITCH: z.coerce.number().min(1).max(60).default(CHALLENGE.minPitch),
  /** Degrees the frontal frame may be off frontal. */
  FACE_CHALLENGE_MAX_FRONTAL: z.coerce.number().min(1).max(60).default(CHALLENGE.maxFrontal),
  /**
   * The poses a challenge draws from, comma-separated (at least two of left, right, up, down):
   * e.g. `left,right` where a camera's placement makes nodding awkward.
   */
  FACE_CHALLENGE_POSES: z
    .string()
    .default(CHALLENGE.poses.join(','))
    .transform((s) => [...new Set(s.split(',').map((p) => p.trim()))])
    .pipe(z.array(z.enum(['left', 'right', 'up', 'down'])).min(2)),
  /** Cosine every frame of a burst must reach against its frontal frame. */
  FACE_CHALLENGE_SAME_PERSON: fraction(CHALLENGE.samePerson),
  /** Least and most milliseconds between two frames of a burst, by the client's clock. */
  FACE_CHALLENGE_MIN_GAP_MS: int(0, 10_000, CHALLENGE.minGapMs),
  FACE_CHALLENGE_MAX_GAP_MS: int(
    100,
    MAX_BURST_SPAN_MS / (MAX_BURST_FRAMES - 1),
    CHALLENGE.maxGapMs,
  ),
  /** Challenges per caller, `<count>/<seconds>`: each is a row. */
  RATE_CHALLENGES_PER_CALLER: rateEnv('challenge:caller', '30/60'),
  /** Enrolments per person, `<count>/<seconds>`; over it, 429 RATE_LIMITED with Retry-After. */
  RATE_ENROLMENT_PER_USER: rateEnv('enrolment:user', '10/3600'),
  /** Enrolments per client address. */
  RATE_ENROLMENT_PER_ADDRESS: rateEnv('enrolment:address', '60/3600'),
  /**
   * Which peers may set X-Forwarded-For (Express "trust proxy"): the gateway, which passes the
   * client's address on.
   */
  TRUST_PROXY: z.string().default('loopback'),
});
export type FaceConfig = z.infer<typeof FaceConfigSchema>;

export const FACE_CONFIG = Symbol('FACE_CONFIG');

export const loadFaceConfig = (env: NodeJS.ProcessEnv = process.env) =>
  parseConfig('face', FaceConfigSchema, env);
