import sharp from 'sharp';
import { readPhotoHeader } from '@roomkey/common';
import type { DecodedImage, DecodeProblem, ImageDecoder } from '../domain/ports';

export interface DecoderLimits {
  /** Largest upload accepted, in bytes. */
  maxBytes: number;
  /** Largest image accepted, in pixels, read from the header before any decoding. */
  maxPixels: number;
  /** The longer side of the working image; larger images are shrunk (on load, for JPEG). */
  workingSize: number;
}

const FORMATS = new Set(['jpeg', 'png', 'webp']);

/**
 * Decodes with sharp (libvips): JPEG, PNG and WebP only; EXIF orientation applied; alpha
 * flattened onto white; shrunk to the working size. The pixel limit is checked from the
 * header, so a decompression bomb is refused before it is decompressed.
 */
export class SharpDecoder implements ImageDecoder {
  constructor(private readonly limits: DecoderLimits) {}

  async decode(bytes: Buffer): Promise<DecodedImage | DecodeProblem> {
    if (bytes.length === 0) return 'not-an-image';
    if (bytes.length > this.limits.maxBytes) return 'too-large';
    const header = await readPhotoHeader(bytes);
    if (!header) return 'not-an-image';
    if (!FORMATS.has(header.format)) return 'unsupported-format';
    if (header.width * header.height > this.limits.maxPixels) return 'too-large';
    try {
      const { data, info } = await sharp(bytes, {
        limitInputPixels: this.limits.maxPixels,
        failOn: 'truncated',
        pages: 1,
      })
        .rotate()
        .resize({
          width: this.limits.workingSize,
          height: this.limits.workingSize,
          fit: 'inside',
          withoutEnlargement: true,
        })
        .flatten({ background: '#ffffff' })
        .toColourspace('srgb')
        .raw()
        .toBuffer({ resolveWithObject: true });
      if (info.channels !== 3) return 'not-an-image';
      return {
        data: new Uint8Array(data.buffer, data.byteOffset, data.length),
        width: info.width,
        height: info.height,
        format: header.format as DecodedImage['format'],
      };
    } catch {
      return 'not-an-image';
    }
  }
}
