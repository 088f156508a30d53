import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { decode } from 'jsonwebtoken';
import { DomainError } from '@roomkey/common';
import { RevocationFeed } from '../adapters/revocation-feed';
import { Revocations } from '../domain/revocations';

/**
 * Refuses, on every route the gateway serves or forwards, an access token whose account was
 * disabled, deleted or given other roles, or whose device was revoked, after the token was
 * issued. The token is only read here, not verified: this guard can only refuse, and the token
 * guard (or the app a route is forwarded to) verifies what it lets through.
 */
@Injectable()
export class RevokedTokenGuard implements CanActivate {
  constructor(
    private readonly feed: RevocationFeed,
    private readonly revocations: Revocations,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    if (ctx.getType() !== 'http') return true;
    const header = ctx.switchToHttp().getRequest<Request>().headers.authorization;
    const token = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
    if (!token) return true;
    if (!this.feed.ready) {
      throw new DomainError(
        'REVOCATIONS_UNAVAILABLE',
        'the gateway is still learning which sessions were ended; try again in a moment',
        503,
        undefined,
        { 'Retry-After': '1' },
      );
    }
    const claims = decode(token, { json: true });
    if (typeof claims?.sub !== 'string' || typeof claims.iat !== 'number') return true;
    if (this.revocations.refuses(claims.sub, claims.iat)) {
      throw new DomainError(
        'TOKEN_INVALID',
        'the access token is malformed, expired, not yet valid or not issued for this API',
        401,
        undefined,
        { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
      );
    }
    return true;
  }
}
