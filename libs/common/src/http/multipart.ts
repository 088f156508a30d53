import type { Request, Response } from 'express';
import multer, { MulterError } from 'multer';
import { DomainError } from '../errors';

export interface UploadLimits {
  /** The form field the files come in. */
  field: string;
  maxFiles: number;
  /** Per file. */
  maxFileBytes: number;
  /** Other (text) fields allowed, each at most 8 KB. */
  maxFields?: number;
}

export interface Upload {
  files: Buffer[];
  /** Content types as the client declared them (the decoder checks the bytes). */
  types: string[];
  fields: Record<string, string>;
}

/**
 * Reads a multipart/form-data upload into memory (never onto disk: images must not be
 * persisted), with limits answered as stable codes: IMAGE_TOO_LARGE (413), TOO_MANY_IMAGES,
 * UNEXPECTED_FIELD and MALFORMED_MULTIPART (400).
 */
export async function readUpload(
  req: Request,
  res: Response,
  limits: UploadLimits,
): Promise<Upload> {
  if (!/^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '')) {
    throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'send the body as multipart/form-data', 415);
  }
  const parse = multer({
    storage: multer.memoryStorage(),
    limits: {
      files: limits.maxFiles,
      fileSize: limits.maxFileBytes,
      fields: limits.maxFields ?? 10,
      fieldSize: 8192,
      parts: limits.maxFiles + (limits.maxFields ?? 10),
    },
  }).array(limits.field, limits.maxFiles);
  await new Promise<void>((resolve, reject) =>
    parse(req, res, (err: unknown) => (err ? reject(uploadError(err, limits)) : resolve())),
  );
  const files = (req.files as Express.Multer.File[] | undefined) ?? [];
  return {
    files: files.map((f) => f.buffer),
    types: files.map((f) => f.mimetype),
    fields: Object.fromEntries(
      Object.entries((req.body ?? {}) as Record<string, unknown>).filter(
        (e): e is [string, string] => typeof e[1] === 'string',
      ),
    ),
  };
}

function uploadError(err: unknown, limits: UploadLimits): DomainError {
  if (err instanceof MulterError) {
    switch (err.code) {
      case 'LIMIT_FILE_SIZE':
        return new DomainError(
          'IMAGE_TOO_LARGE',
          `each image may be at most ${limits.maxFileBytes} bytes`,
          413,
        );
      case 'LIMIT_FILE_COUNT':
        return new DomainError('TOO_MANY_IMAGES', `send at most ${limits.maxFiles} image(s)`, 400);
      case 'LIMIT_UNEXPECTED_FILE':
        return new DomainError(
          'UNEXPECTED_FIELD',
          `files go in the "${limits.field}" field (at most ${limits.maxFiles})`,
          400,
        );
      default:
        return new DomainError(
          'MALFORMED_MULTIPART',
          'the form has too many or too large fields',
          400,
        );
    }
  }
  return new DomainError('MALFORMED_MULTIPART', 'the multipart body could not be read', 400);
}
