import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The code shown at a door: `RK1.R.<door>.<step>.<mac>`, all in the QR alphanumeric alphabet
 * (digits, upper-case letters and `.`) so it fits a version-4 QR code at level M.
 *
 * - `RK1`: format and version; `R`: a room (door) code.
 * - door: the door's UUID as 32 upper-case hex digits.
 * - step: the 30-second time step (Unix seconds / 30), in decimal.
 * - mac: HMAC-SHA256 under the door's secret over everything before it, truncated to 80 bits
 *   (20 hex digits).
 */
export const STEP_SECONDS = 30;
/** Steps accepted either side of the verifier's own. */
export const DRIFT_STEPS = 1;
export const MAX_PAYLOAD_LENGTH = 512;

const MAC_BYTES = 10;
const PREFIX = 'RK1';
const ROOM_CODE = /^RK1\.R\.([0-9A-F]{32})\.(\d{1,12})\.([0-9A-F]{20})$/;
const PRINTABLE = /^[\x21-\x7e]+$/;

export type CodeProblem =
  'malformed' | 'unknown-format' | 'bad-signature' | 'expired' | 'not-yet-valid';

export interface RoomCode {
  doorId: string;
  step: number;
  mac: Buffer;
  /** What the MAC covers. */
  signed: string;
}

export const stepAt = (at: Date): number => Math.floor(at.getTime() / 1000 / STEP_SECONDS);

/** Seconds until the code shown at `at` changes. */
export const secondsToNextStep = (at: Date): number =>
  STEP_SECONDS - (Math.floor(at.getTime() / 1000) % STEP_SECONDS);

const doorHex = (doorId: string) => doorId.replace(/-/g, '').toUpperCase();
const doorUuid = (hex: string) =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`.toLowerCase();

const mac = (secret: Buffer, signed: string) =>
  createHmac('sha256', secret).update(signed).digest().subarray(0, MAC_BYTES);

export function roomCode(doorId: string, secret: Buffer, at: Date): string {
  const signed = `${PREFIX}.R.${doorHex(doorId)}.${stepAt(at)}`;
  return `${signed}.${mac(secret, signed).toString('hex').toUpperCase()}`;
}

/**
 * Reads a scanned payload without trusting it: too long, unprintable or unparsable is
 * `malformed`; another format or version is `unknown-format`. Never throws.
 */
export function parseRoomCode(payload: string): RoomCode | CodeProblem {
  if (payload.length === 0 || payload.length > MAX_PAYLOAD_LENGTH || !PRINTABLE.test(payload)) {
    return 'malformed';
  }
  if (!payload.startsWith(`${PREFIX}.`)) return 'unknown-format';
  if (!payload.startsWith(`${PREFIX}.R.`)) return 'unknown-format';
  const m = ROOM_CODE.exec(payload);
  if (!m) return 'malformed';
  const [, hex, step, macHex] = m as unknown as [string, string, string, string];
  return {
    doorId: doorUuid(hex),
    step: Number(step),
    mac: Buffer.from(macHex, 'hex'),
    signed: payload.slice(0, payload.lastIndexOf('.')),
  };
}

/**
 * The MAC first (constant-time), then the time step within ±1 of the verifier's: a tampered
 * code is `bad-signature` whatever its step.
 */
export function verifyRoomCode(code: RoomCode, secret: Buffer, at: Date): 'valid' | CodeProblem {
  if (!timingSafeEqual(code.mac, mac(secret, code.signed))) return 'bad-signature';
  const now = stepAt(at);
  if (code.step < now - DRIFT_STEPS) return 'expired';
  if (code.step > now + DRIFT_STEPS) return 'not-yet-valid';
  return 'valid';
}
