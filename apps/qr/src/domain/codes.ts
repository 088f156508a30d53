import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Everything a roomkey QR code can say, in one format family. Every payload is written in the
 * QR alphanumeric alphabet (digits, upper-case letters and `.`), so it encodes compactly:
 *
 * - room code, shown at a door, changing every 30 s:  `RK1.R.<door>.<step>.<mac>`
 * - personal pass, on a member's phone, for 60 s:     `RK1.P.<key>.<user>.<expires>.<nonce>.<mac>`
 * - visitor pass, printed:                            `RK1.V.<key>.<pass>.<mac>`
 *
 * `RK1` is the format and its version; the letter after it is the kind. UUIDs are written as
 * 32 upper-case hex digits; `step` is Unix seconds / 30; `expires` is Unix seconds; `nonce` is
 * 64 random bits in hex; `key` names the pass key that signed. `mac` is HMAC-SHA256 over
 * everything before it (so the prefix and kind are covered too), truncated to 80 bits.
 * A room code is signed with its door's secret, passes with the service's pass key.
 */
export const STEP_SECONDS = 30;
/** Steps accepted either side of the verifier's own. */
export const DRIFT_STEPS = 1;
/** Longer than any real code; anything longer is refused before it is looked at. */
export const MAX_PAYLOAD_LENGTH = 512;

const MAC_BYTES = 10;
const PREFIX = 'RK1';
const HEX32 = '([0-9A-F]{32})';
const MAC = '([0-9A-F]{20})';
const KEY = '([0-9A-Z]{1,8})';
const FORMATS = {
  R: new RegExp(`^RK1\\.R\\.${HEX32}\\.(\\d{1,12})\\.${MAC}$`),
  P: new RegExp(`^RK1\\.P\\.${KEY}\\.${HEX32}\\.(\\d{1,12})\\.([0-9A-F]{16})\\.${MAC}$`),
  V: new RegExp(`^RK1\\.V\\.${KEY}\\.${HEX32}\\.${MAC}$`),
};
const PRINTABLE = /^[\x21-\x7e]+$/;
export const KEY_ID = /^[0-9A-Z]{1,8}$/;

export type FormatProblem = 'malformed' | 'unknown-format';
export type TimeProblem = 'expired' | 'not-yet-valid';

interface Signed {
  mac: Buffer;
  /** What the MAC covers. */
  signed: string;
}
export interface RoomCode extends Signed {
  kind: 'room';
  doorId: string;
  step: number;
}
export interface PersonalPass extends Signed {
  kind: 'personal';
  keyId: string;
  userId: string;
  /** Unix seconds. */
  expires: number;
  nonce: string;
}
export interface VisitorPass extends Signed {
  kind: 'visitor';
  keyId: string;
  passId: string;
}
export type ScannedCode = RoomCode | PersonalPass | VisitorPass;

/** A key that signs passes; its id travels in the pass. */
export interface PassKey {
  id: string;
  secret: Buffer;
}

export const stepAt = (at: Date): number => Math.floor(at.getTime() / 1000 / STEP_SECONDS);

/** Seconds until the code shown at `at` changes. */
export const secondsToNextStep = (at: Date): number =>
  STEP_SECONDS - (Math.floor(at.getTime() / 1000) % STEP_SECONDS);

const hexOf = (uuid: string) => uuid.replace(/-/g, '').toUpperCase();
const uuidOf = (hex: string) =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`.toLowerCase();

const macOf = (secret: Buffer, signed: string) =>
  createHmac('sha256', secret).update(signed).digest().subarray(0, MAC_BYTES);

const withMac = (secret: Buffer, signed: string) =>
  `${signed}.${macOf(secret, signed).toString('hex').toUpperCase()}`;

export function roomCode(doorId: string, secret: Buffer, at: Date): string {
  return withMac(secret, `${PREFIX}.R.${hexOf(doorId)}.${stepAt(at)}`);
}

/** `nonce`: 16 hex digits, random per pass; it is what the used-pass ledger records. */
export function personalPass(key: PassKey, userId: string, expiresAt: Date, nonce: string): string {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  return withMac(
    key.secret,
    `${PREFIX}.P.${key.id}.${hexOf(userId)}.${expires}.${nonce.toUpperCase()}`,
  );
}

export function visitorPass(key: PassKey, passId: string): string {
  return withMac(key.secret, `${PREFIX}.V.${key.id}.${hexOf(passId)}`);
}

/**
 * Reads a scanned payload without trusting it: too long, unprintable or unparsable is
 * `malformed`; another format, version or kind is `unknown-format`. Never throws.
 */
export function parseCode(payload: string): ScannedCode | FormatProblem {
  if (payload.length === 0 || payload.length > MAX_PAYLOAD_LENGTH || !PRINTABLE.test(payload)) {
    return 'malformed';
  }
  const kind = /^RK1\.([A-Z])\./.exec(payload)?.[1];
  if (kind !== 'R' && kind !== 'P' && kind !== 'V') return 'unknown-format';
  const m = FORMATS[kind].exec(payload);
  if (!m) return 'malformed';
  const signed = payload.slice(0, payload.lastIndexOf('.'));
  const mac = Buffer.from(m[m.length - 1]!, 'hex');
  const g = (i: number) => m[i]!;
  switch (kind) {
    case 'R':
      return { kind: 'room', doorId: uuidOf(g(1)), step: Number(g(2)), mac, signed };
    case 'P':
      return {
        kind: 'personal',
        keyId: g(1),
        userId: uuidOf(g(2)),
        expires: Number(g(3)),
        nonce: g(4),
        mac,
        signed,
      };
    case 'V':
      return { kind: 'visitor', keyId: g(1), passId: uuidOf(g(2)), mac, signed };
  }
}

/** Whether the code was signed with `secret`, compared in constant time. */
export const signedWith = (code: ScannedCode, secret: Buffer): boolean =>
  timingSafeEqual(code.mac, macOf(secret, code.signed));

/** A room code's step against the verifier's clock, ±1 step of drift. */
export function stepProblem(code: RoomCode, at: Date): TimeProblem | undefined {
  const now = stepAt(at);
  if (code.step < now - DRIFT_STEPS) return 'expired';
  if (code.step > now + DRIFT_STEPS) return 'not-yet-valid';
  return undefined;
}

/**
 * The MAC first (constant-time), then the time step: a tampered code is `bad-signature`
 * whatever its step.
 */
export function verifyRoomCode(
  code: RoomCode,
  secret: Buffer,
  at: Date,
): 'valid' | 'bad-signature' | TimeProblem {
  if (!signedWith(code, secret)) return 'bad-signature';
  return stepProblem(code, at) ?? 'valid';
}
