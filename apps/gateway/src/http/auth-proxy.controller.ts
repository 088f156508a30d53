import { All, Controller, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { NotFoundError, Public, requestIdOf } from '@roomkey/common';
import { callUpstream } from '../adapters/upstream';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';

/** Headers that travel back from the auth app to the client. */
const RESPONSE_HEADERS = ['content-type', 'cache-control', 'retry-after', 'www-authenticate'];

/**
 * Accounts, sessions, devices and keys are the auth app's: the gateway forwards these routes
 * as they are, with the caller's token, the request id and the client address, and the auth app
 * checks the token itself. The routes are documented in the OpenAPI document (openapi.ts).
 */
@ApiExcludeController()
@Public()
@Controller()
export class AuthProxyController {
  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  @All([
    'v1/auth/*path',
    'v1/me',
    'v1/users',
    'v1/users/*path',
    'v1/devices',
    'v1/devices/*path',
    '.well-known/jwks.json',
  ])
  async forward(@Req() req: Request, @Res() res: Response): Promise<void> {
    const hasBody = !['GET', 'HEAD', 'DELETE'].includes(req.method) && req.body !== undefined;
    const headers: Record<string, string> = {
      'x-request-id': requestIdOf(req),
      'x-forwarded-for': req.ip ?? req.socket.remoteAddress ?? '',
    };
    if (req.headers.authorization) headers.authorization = req.headers.authorization;
    if (hasBody) headers['content-type'] = 'application/json';
    const target = new URL(req.originalUrl, this.config.AUTH_URL);
    // Dot segments (also percent-encoded) would leave the forwarded routes: refuse them.
    if (target.pathname !== req.path) {
      throw new NotFoundError('NOT_FOUND', 'no such resource');
    }
    const upstream = await callUpstream(target, {
      method: req.method,
      headers,
      body: hasBody ? JSON.stringify(req.body) : undefined,
      timeoutMs: this.config.UPSTREAM_TIMEOUT_MS,
      what: 'the account service',
    });
    for (const name of RESPONSE_HEADERS) {
      const value = upstream.headers.get(name);
      if (value !== null) res.setHeader(name, value);
    }
    res.status(upstream.status).send(Buffer.from(await upstream.arrayBuffer()));
  }
}
