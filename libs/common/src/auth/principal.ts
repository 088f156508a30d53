import { AccessClaims, TokenRole } from '@roomkey/contracts';

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
}

export function principalFromClaims(claims: AccessClaims): Principal {
  const device = claims.roles.includes('device');
  return {
    kind: device ? 'device' : 'user',
    id: claims.sub,
    roles: device ? ['device'] : claims.roles,
    doors: device ? (claims.doors ?? []) : [],
    tokenId: claims.jti,
  };
}
