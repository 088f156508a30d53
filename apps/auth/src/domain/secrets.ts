import { createHash, randomBytes } from 'node:crypto';

/** Hex SHA-256: how random secrets (refresh tokens, device secrets) and emails are kept. */
export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** A random 256-bit value with a recognisable prefix (so secret scanners can spot leaks). */
export const opaqueSecret = (prefix: 'rkr_' | 'rkd_' | 'rkp_') =>
  `${prefix}${randomBytes(32).toString('base64url')}`;
