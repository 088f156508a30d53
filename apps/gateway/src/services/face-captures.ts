import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { faceCapturedV1 } from '@roomkey/contracts';
import { DomainError, Keyring, Publishable, publishable } from '@roomkey/common';

export const CAPTURE_KEYRING = Symbol('CAPTURE_KEYRING');

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
 * nowhere else: not in a log, not in a database.
 */
@Injectable()
export class FaceCaptures {
  constructor(@Inject(CAPTURE_KEYRING) private readonly keyring: Keyring) {}

  /**
   * Checks and seals a photo for a request (refusing what is not an image before anything is
   * published) and returns its capture id and the event that puts it on the topic.
   */
  prepare(
    requestId: string,
    image: Buffer,
    channel: 'mobile' | 'kiosk',
  ): { captureId: string; event: Publishable } {
    const contentType = imageTypeOf(image);
    if (!contentType) {
      throw new DomainError('IMAGE_TYPE_UNSUPPORTED', 'send the face as a JPEG, PNG or WebP', 415);
    }
    const captureId = randomUUID();
    const sealed = this.keyring.seal(image, `face-capture:${requestId}`);
    return {
      captureId,
      event: publishable(faceCapturedV1, {
        key: requestId,
        correlationId: requestId,
        payload: { captureId, requestId, image: sealed, contentType, channel },
      }),
    };
  }
}
