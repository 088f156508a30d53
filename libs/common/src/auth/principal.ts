import { AccessClaims, TokenRole } from '@roomkey/contracts';
import { DomainError } from '../errors';

/** Who is calling, as a verified access token says. */
export interface Principal {
  kind: 'user' | 'device';
  /** The user id or the device id (the token's `sub`). */
  id: string;
  roles: TokenRole[];
  /** For devices: the doors this device serves. Empty for users. */
  doors: string[];
  /** The token's `jti`. */
  tokenId: string;
  /** When the person last signed in with their password (ms since the epoch), if known. */
  authTime?: number;
}

export function principalFromClaims(claims: AccessClaims): Principal {
  const device = claims.roles.includes('device');
  return {
    kind: device ? 'device' : 'user',
    id: claims.sub,
    roles: device ? ['device'] : claims.roles,
    doors: device ? (claims.doors ?? []) : [],
    tokenId: claims.jti,
    ...(!device && claims.auth_time !== undefined ? { authTime: claims.auth_time * 1000 } : {}),
  };
}

/**
 * For what a stolen access token must not do on its own (changing the face that opens doors):
 * the person signed in with their password at most `maxAgeS` seconds ago.
 */
export function assertRecentSignIn(caller: Principal, maxAgeS: number, now = Date.now()): void {
  if (caller.kind === 'user' && caller.authTime !== undefined) {
    if (now - caller.authTime <= maxAgeS * 1000) return;
  }
  throw new DomainError(
    'RECENT_SIGN_IN_REQUIRED',
    `sign in again with your password (at most ${maxAgeS} s before this) to do this`,
    403,
  );
}
