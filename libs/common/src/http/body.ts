import { json, NextFunction, Request, RequestHandler, Response } from 'express';
import { requestIdOf } from '../logging/logging.module';

const ACCEPTED = /^(application\/([a-z0-9.+-]+\+)?json|multipart\/form-data)\b/i;

function reject(req: Request, res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ code, message, requestId: requestIdOf(req) });
}

/**
 * A request that carries a body must say it is JSON (or a multipart upload): anything else is a
 * 415 before any handler runs, instead of a body silently parsed as empty.
 */
export function requireJsonBody(req: Request, res: Response, next: NextFunction): void {
  const hasBody =
    Number(req.headers['content-length'] ?? 0) > 0 ||
    req.headers['transfer-encoding'] !== undefined;
  if (!hasBody || ['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(req.method)) return next();
  if (ACCEPTED.test(req.headers['content-type'] ?? '')) return next();
  reject(req, res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
}

/**
 * The JSON body parser and the answers to its failures: a body that is not a JSON object or
 * array is MALFORMED_JSON (400), one over the limit PAYLOAD_TOO_LARGE (413). Handled here
 * because Nest would turn the parser's errors into a generic 400 that echoes the parser message.
 */
export function jsonBody(
  limit: string,
): Array<
  RequestHandler | ((err: unknown, req: Request, res: Response, next: NextFunction) => void)
> {
  return [
    json({ limit, strict: true }),
    (err: unknown, req: Request, res: Response, next: NextFunction) => {
      const type = (err as { type?: unknown })?.type;
      if (type === 'entity.parse.failed') {
        return reject(req, res, 400, 'MALFORMED_JSON', 'the request body is not a JSON object');
      }
      if (type === 'entity.too.large') {
        return reject(req, res, 413, 'PAYLOAD_TOO_LARGE', `the request body is over ${limit}`);
      }
      if (typeof type === 'string') {
        return reject(req, res, 400, 'BAD_REQUEST', 'the request body could not be read');
      }
      next(err);
    },
  ];
}
