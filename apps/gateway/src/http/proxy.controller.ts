import { All, Controller, Inject, Req, Res } from '@nestjs/common';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Request, Response } from 'express';
import { DomainError, NotFoundError, Public, requestIdOf } from '@roomkey/common';
import { callUpstream } from '../adapters/upstream';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { forwardingTable } from './routes';

/** What the gateway forwards; anything else (TRACE, CONNECT, ...) is a 405. */
const FORWARDED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Headers that travel back from an app to the client. */
const RESPONSE_HEADERS = [
  'content-type',
  'content-disposition',
  'cache-control',
  'retry-after',
  'www-authenticate',
];

/** Which app serves each path, from the routes the apps declare (http/routes.ts). */
const FORWARDED = forwardingTable();

/**
 * Routes that belong to one app are forwarded to it as they are, with the caller's token, the
 * request id and the client address; the app checks the token itself.
 */
@Public()
@Controller()
export class ProxyController {
  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  @All([...FORWARDED.keys()])
  proxy(@Req() req: Request, @Res() res: Response): Promise<void> {
    const upstream = FORWARDED.get((req.route as { path: string }).path);
    if (!upstream) throw new NotFoundError('NOT_FOUND', 'no such resource');
    return this.forward(req, res, this.config[upstream.url], upstream.what);
  }

  private async forward(req: Request, res: Response, base: string, what: string): Promise<void> {
    if (!FORWARDED_METHODS.includes(req.method)) {
      throw new DomainError(
        'METHOD_NOT_ALLOWED',
        `${req.method} is not allowed here`,
        405,
        undefined,
        {
          allow: FORWARDED_METHODS.join(', '),
        },
      );
    }
    // GET, HEAD and DELETE carry no body, whatever their content-type says.
    const bodyless = ['GET', 'HEAD', 'DELETE'].includes(req.method);
    const contentType = req.headers['content-type'] ?? '';
    const multipart = !bodyless && /^multipart\/form-data\b/i.test(contentType);
    if (multipart && !/;\s*boundary=/i.test(contentType)) {
      throw new DomainError(
        'MALFORMED_MULTIPART',
        'a multipart/form-data body needs a boundary in its content-type',
        400,
      );
    }
    const hasBody = !multipart && !bodyless && req.body !== undefined;
    const headers: Record<string, string> = {
      'x-request-id': requestIdOf(req),
      'x-forwarded-for': req.ip ?? req.socket.remoteAddress ?? '',
    };
    if (req.headers.authorization) headers.authorization = req.headers.authorization;
    if (hasBody) headers['content-type'] = 'application/json';
    // An upload (face photos) is passed through as it arrives, never buffered here.
    if (multipart) headers['content-type'] = req.headers['content-type']!;
    const target = new URL(req.originalUrl, base);
    // Dot segments (also percent-encoded) would leave the forwarded routes: refuse them.
    if (target.pathname !== req.path) {
      throw new NotFoundError('NOT_FOUND', 'no such resource');
    }
    const upstream = await callUpstream(target, {
      method: req.method,
      headers,
      body: hasBody
        ? JSON.stringify(req.body)
        : multipart
          ? (Readable.toWeb(req) as ReadableStream)
          : undefined,
      ...(multipart ? { duplex: 'half' } : {}),
      timeoutMs: this.config.UPSTREAM_TIMEOUT_MS,
      what,
      deadline: 'start',
    });
    for (const name of RESPONSE_HEADERS) {
      const value = upstream.headers.get(name);
      if (value !== null) res.setHeader(name, value);
    }
    res.status(upstream.status);
    if (!upstream.body) {
      res.end();
      return;
    }
    // Passed on as it comes (a CSV export can be long); a client that leaves stops the upstream.
    await pipeline(Readable.fromWeb(upstream.body as WebReadableStream), res).catch(
      (err: unknown) => {
        if (!res.writableFinished) res.destroy(err as Error);
      },
    );
  }
}
