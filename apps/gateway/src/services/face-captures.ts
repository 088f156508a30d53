import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { faceCapturedV1, faceCapturedV2 } from '@roomkey/contracts';
import {
  CallerQuota,
  DomainError,
  Keyring,
  photoTooLarge,
  Publishable,
  publishable,
  readPhotoHeader,
  Release,
  tooManyPhotos,
} from '@roomkey/common';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';

export const CAPTURE_KEYRING = Symbol('CAPTURE_KEYRING');

/**
 * How long a photo counts against its caller at most: past the access deadline (5 s), when the
 * request is decided even if this instance never hears of it.
 */
const PENDING_MS = 10_000;

type ImageType = 'image/jpeg' | 'image/png' | 'image/webp';

/** What the bytes are, by their signature (the declared type is not trusted). */
export function imageTypeOf(bytes: Buffer): ImageType | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    return 'image/jpeg';
  }
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    return 'image/png';
  }
  if (
    bytes.subarray(0, 4).toString('latin1') === 'RIFF' &&
    bytes.subarray(8, 12).toString('latin1') === 'WEBP'
  ) {
    return 'image/webp';
  }
  return undefined;
}

/**
 * Puts the face photo of an access request on face.captured.v1, sealed with AES-256-GCM under
 * the key the gateway shares with the face app, bound to the request id. The photo exists
 * nowhere else: not in a log, not in a database. A caller has at most
 * FACE_MAX_PHOTOS_PER_CALLER photos undecided at once (on this instance); one more is a 429.
 */
@Injectable()
export class FaceCaptures implements OnApplicationShutdown {
  private readonly quota: CallerQuota;
  private readonly pending = new Map<string, { unit: Release; timer: NodeJS.Timeout }>();

  constructor(
    @Inject(CAPTURE_KEYRING) private readonly keyring: Keyring,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    this.quota = new CallerQuota(config.FACE_MAX_PHOTOS_PER_CALLER);
  }

  onApplicationShutdown(): void {
    for (const requestId of [...this.pending.keys()]) this.settled(requestId);
  }

  /**
   * Checks and seals a photo for a request (refusing what is not an image, or is larger than
   * FACE_MAX_PIXELS by its header, before anything is published), counts it against its
   * caller until `settled`, and returns its capture id and the event that puts it on the topic.
   */
  async prepare(
    requestId: string,
    image: Buffer,
    channel: 'mobile' | 'kiosk',
    callerId: string,
  ): Promise<{ captureId: string; event: Publishable }> {
    const contentType = await this.checked(image);
    const captureId = this.counted(requestId, callerId);
    const sealed = this.keyring.seal(image, `face-capture:${requestId}`);
    return {
      captureId,
      event: publishable(faceCapturedV1, {
        key: requestId,
        correlationId: requestId,
        payload: { captureId, requestId, image: sealed, contentType, channel, callerId },
      }),
    };
  }

  /**
   * As `prepare`, for a burst of frames answering an active liveness challenge: every frame is
   * checked, the frames together weigh at most CAPTURE_MAX_BYTES (one Kafka message), each is
   * sealed bound to the request and its place in the burst, and the burst counts as one photo.
   */
  async prepareBurst(
    requestId: string,
    burst: { challengeId: string; frames: Buffer[]; times: number[] },
    channel: 'mobile' | 'kiosk',
    callerId: string,
  ): Promise<{ captureId: string; event: Publishable }> {
    const { challengeId, frames, times } = burst;
    const bytes = frames.reduce((n, f) => n + f.length, 0);
    if (bytes > this.config.CAPTURE_MAX_BYTES) {
      throw new DomainError(
        'BURST_TOO_LARGE',
        `the frames of a burst may weigh ${this.config.CAPTURE_MAX_BYTES} bytes together`,
        413,
      );
    }
    const types: ImageType[] = [];
    for (const frame of frames) types.push(await this.checked(frame));
    const captureId = this.counted(requestId, callerId);
    return {
      captureId,
      event: publishable(faceCapturedV2, {
        key: requestId,
        correlationId: requestId,
        payload: {
          captureId,
          requestId,
          challengeId,
          frames: frames.map((frame, i) => ({
            image: this.keyring.seal(frame, `face-capture:${requestId}:${i}`),
            contentType: types[i]!,
            atMs: times[i]!,
          })),
          channel,
          callerId,
        },
      }),
    };
  }

  /** The image's type, once it is known to be a JPEG, PNG or WebP of an acceptable size. */
  private async checked(image: Buffer): Promise<ImageType> {
    const contentType = imageTypeOf(image);
    const header = contentType && (await readPhotoHeader(image));
    if (!contentType || !header) {
      throw new DomainError('IMAGE_TYPE_UNSUPPORTED', 'send the face as a JPEG, PNG or WebP', 415);
    }
    if (header.width * header.height > this.config.FACE_MAX_PIXELS) {
      throw photoTooLarge(this.config.FACE_MAX_PIXELS);
    }
    return contentType;
  }

  /** Counts the request's photo against its caller (429 past the quota); a new capture id. */
  private counted(requestId: string, callerId: string): string {
    const unit = this.quota.take(callerId);
    if (!unit) throw tooManyPhotos(this.quota.perCaller, PENDING_MS / 2000);
    const timer = setTimeout(() => this.settled(requestId), PENDING_MS);
    timer.unref();
    this.pending.set(requestId, { unit, timer });
    return randomUUID();
  }

  /** The request is decided, or was never sent: its photo no longer counts against its caller. */
  settled(requestId: string): void {
    const entry = this.pending.get(requestId);
    if (!entry) return;
    clearTimeout(entry.timer);
    entry.unit();
    this.pending.delete(requestId);
  }
}
