import { DomainError } from '../errors';

/** What an image's header says about it. */
export interface PhotoHeader {
  /** sharp's name of the format: jpeg, png, webp, gif… */
  format: string;
  width: number;
  height: number;
}

/**
 * The format and size an image's header declares, read without decoding a pixel (sharp's
 * `metadata()` parses the header only), so a decompression bomb costs nothing to look at.
 * Undefined when no header can be read.
 */
export async function readPhotoHeader(bytes: Buffer): Promise<PhotoHeader | undefined> {
  // Loaded here, not at the top: only the apps that take photos load libvips.
  const { default: sharp } = await import('sharp');
  try {
    const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    if (!meta.format || !meta.width || !meta.height) return undefined;
    return { format: meta.format, width: meta.width, height: meta.height };
  } catch {
    return undefined;
  }
}

/**
 * 413 PHOTO_TOO_LARGE: a photo whose header declares more than `maxPixels`. It is refused
 * before it is decoded. `details` says which photo, when there are several.
 */
export function photoTooLarge(maxPixels: number, details?: unknown): DomainError {
  const mp = Math.floor(maxPixels / 100_000) / 10;
  return new DomainError(
    'PHOTO_TOO_LARGE',
    `a photo may have at most ${mp} megapixels: send it smaller (640 px on its longer side is enough)`,
    413,
    details,
  );
}

/** 429 TOO_MANY_PHOTOS: the caller already has as many photos being checked as it may. */
export function tooManyPhotos(perCaller: number, retryAfterS: number): DomainError {
  return new DomainError(
    'TOO_MANY_PHOTOS',
    `at most ${perCaller} of your photos are checked at a time: wait for an answer, then send again`,
    429,
    undefined,
    { 'Retry-After': String(retryAfterS) },
  );
}
