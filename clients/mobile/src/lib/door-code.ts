/**
 * A door's rotating code as its kiosk shows it: `RK1.R.<door>.<step>.<mac>`, the door as 32
 * upper-case hex digits, the step as Unix seconds / 30, the MAC as 20 hex digits. The phone only
 * reads it and sends it on: the gateway checks the MAC and the time.
 */
export interface DoorCode {
  /** The text exactly as scanned: what the access request sends as `qr`. */
  payload: string;
  /** The door's id as a UUID. */
  doorId: string;
  step: number;
}

export type DoorCodeResult = { ok: true; code: DoorCode } | { ok: false; message: string };

export const NOT_A_DOOR_CODE = 'That is not a roomkey door code';

const ROOM_CODE = /^RK1\.R\.([0-9A-F]{32})\.(\d{1,12})\.([0-9A-F]{20})$/;

const uuidOf = (hex: string): string =>
  [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)]
    .join('-')
    .toLowerCase();

export function parseDoorCode(scanned: string): DoorCodeResult {
  const text = scanned.trim();
  const m = ROOM_CODE.exec(text);
  if (!m) return { ok: false, message: NOT_A_DOOR_CODE };
  return { ok: true, code: { payload: text, doorId: uuidOf(m[1]!), step: Number(m[2]) } };
}
