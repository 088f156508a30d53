import { createPublicKey, KeyObject } from 'node:crypto';
import { ExecutionContext, Injectable, Provider, Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { decode } from 'jsonwebtoken';
import passport from 'passport';
import { ExtractJwt, Strategy, VerifiedCallback } from 'passport-jwt';
import type { Request } from 'express';
import { AccessClaims } from '@roomkey/contracts';
import type { TokenConfig } from '../config/fragments';
import { DomainError } from '../errors';
import { routeAccess } from './decorators';
import { JwksKeyResolver, KEY_RESOLVER, KeyResolver } from './key-resolver';
import { Principal, principalFromClaims } from './principal';

/** The only signature algorithm accepted. `none`, HS* and RS* tokens are rejected outright. */
export const TOKEN_ALGORITHM = 'ES256';

const STRATEGY = Symbol('TOKEN_STRATEGY');

const unauthenticated = (sent: boolean) =>
  new DomainError(
    sent ? 'TOKEN_INVALID' : 'TOKEN_MISSING',
    sent
      ? 'the access token is malformed, expired, not yet valid or not issued for this API'
      : 'this endpoint needs an access token: Authorization: Bearer <token>',
    401,
    undefined,
    { 'WWW-Authenticate': sent ? 'Bearer error="invalid_token"' : 'Bearer' },
  );

/**
 * Public keys parsed once: verifying with a PEM string parses it again on every request. The
 * few keys in use (the current one and those rotated out but still valid) are kept.
 */
const parsedKeys = new Map<string, KeyObject>();
function parsedKey(pem: string): KeyObject {
  let key = parsedKeys.get(pem);
  if (!key) {
    if (parsedKeys.size >= 32) parsedKeys.clear();
    key = createPublicKey(pem);
    parsedKeys.set(pem, key);
  }
  return key;
}

/**
 * passport-jwt, configured the one way every app uses: the key comes from the token's `kid`
 * (only for ES256 headers), then the signature is verified, then exp/nbf/iss/aud, and only
 * then are the claims read.
 */
function tokenStrategy(config: TokenConfig, resolver: KeyResolver): Strategy {
  return new Strategy(
    {
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKeyProvider: (
        _req: Request,
        rawJwt: string,
        done: (e: unknown, k?: string) => void,
      ) => {
        const header = decode(rawJwt, { complete: true })?.header;
        const kid = header?.kid;
        if (header?.alg !== TOKEN_ALGORITHM || typeof kid !== 'string' || kid.length > 128) {
          done(new Error('token header rejected'));
          return;
        }
        resolver
          .publicKey(kid)
          // passport-jwt hands the key to jsonwebtoken's verify, which takes a KeyObject too;
          // its types only say string or Buffer.
          .then((key) => parsedKey(key) as unknown as string)
          .then(
            (key) => done(null, key),
            (err: unknown) => done(err),
          );
      },
      algorithms: [TOKEN_ALGORITHM],
      issuer: config.TOKEN_ISSUER,
      audience: config.TOKEN_AUDIENCE,
      ignoreExpiration: false,
      jsonWebTokenOptions: { clockTolerance: config.TOKEN_CLOCK_TOLERANCE_S },
    },
    (payload: unknown, done: VerifiedCallback) => {
      const claims = AccessClaims.safeParse(payload);
      if (!claims.success) done(null, false);
      else done(null, principalFromClaims(claims.data));
    },
  );
}

/**
 * Default-deny for HTTP: every route needs a valid token unless marked @Public; @Roles narrows
 * it further. Kafka handlers are not HTTP and pass through.
 */
function tokenGuard(strategyName: string) {
  @Injectable()
  class TokenGuard extends AuthGuard(strategyName) {
    override async canActivate(ctx: ExecutionContext): Promise<boolean> {
      if (ctx.getType() !== 'http') return true;
      const access = routeAccess(ctx.getHandler(), ctx.getClass());
      if (access.token === 'none') return true;
      const req = ctx.switchToHttp().getRequest<Request & { user?: Principal }>();
      if (access.token === 'optional' && req.headers.authorization === undefined) return true;
      await super.canActivate(ctx);
      const needed = access.roles;
      if (needed && !needed.some((r) => req.user?.roles.includes(r))) {
        throw new DomainError(
          'INSUFFICIENT_ROLE',
          `this needs one of the roles: ${needed.join(', ')}`,
          403,
        );
      }
      return true;
    }

    override handleRequest<P>(
      err: unknown,
      user: P | false,
      _info: unknown,
      ctx: ExecutionContext,
    ): P {
      if (err || !user) {
        const req = ctx.switchToHttp().getRequest<Request>();
        throw unauthenticated(req.headers.authorization !== undefined);
      }
      return user;
    }
  }
  return TokenGuard;
}

let strategies = 0;

/**
 * Token checks for an app, as providers for its root module: a passport strategy named after
 * the app instance (several may share a process in tests), a global guard, and a key resolver:
 * the JWKS over HTTP unless the app brings its own (auth reads its own key store).
 */
export function tokenAuthProviders(
  app: string,
  config: TokenConfig,
  resolver?: Type<KeyResolver>,
): Provider[] {
  // Passport's strategies are global: a name per app instance, so that two instances of one
  // app in a process (tests start several) never check tokens with each other's keys.
  const strategyName = `jwt:${app}:${++strategies}`;
  return [
    resolver
      ? { provide: KEY_RESOLVER, useExisting: resolver }
      : { provide: KEY_RESOLVER, useFactory: () => new JwksKeyResolver(config) },
    {
      provide: STRATEGY,
      inject: [KEY_RESOLVER],
      useFactory: (keys: KeyResolver) => {
        const strategy = tokenStrategy(config, keys);
        passport.use(strategyName, strategy);
        return strategy;
      },
    },
    { provide: APP_GUARD, useClass: tokenGuard(strategyName) },
  ];
}
