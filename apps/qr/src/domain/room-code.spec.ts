import { randomBytes } from 'node:crypto';
import * as QRCode from 'qrcode';
import {
  parseRoomCode,
  roomCode,
  RoomCode,
  secondsToNextStep,
  stepAt,
  verifyRoomCode,
} from './room-code';

const DOOR = '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f';
const secret = randomBytes(32);
// 2026-01-01T00:00:00Z is a step boundary (1767225600 / 30 is whole).
const T0 = new Date(Date.UTC(2026, 0, 1));
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

const parsed = (payload: string): RoomCode => {
  const code = parseRoomCode(payload);
  if (typeof code === 'string') throw new Error(`expected a code, got ${code}`);
  return code;
};

describe('room codes', () => {
  it('round-trips the door and step and verifies', () => {
    const payload = roomCode(DOOR, secret, at(5));
    expect(payload).toMatch(/^RK1\.R\.[0-9A-F]{32}\.\d+\.[0-9A-F]{20}$/);
    const code = parsed(payload);
    expect(code).toMatchObject({ doorId: DOOR, step: stepAt(at(5)) });
    expect(verifyRoomCode(code, secret, at(5))).toBe('valid');
  });

  it('changes every 30 s, on the boundary', () => {
    expect(roomCode(DOOR, secret, at(29.999))).toBe(roomCode(DOOR, secret, at(0)));
    expect(roomCode(DOOR, secret, at(30))).not.toBe(roomCode(DOOR, secret, at(29.999)));
    expect(secondsToNextStep(at(0))).toBe(30);
    expect(secondsToNextStep(at(29))).toBe(1);
  });

  it('accepts one step of drift either way, and no more', () => {
    const code = parsed(roomCode(DOOR, secret, at(0))); // step s, valid for [0, 30)
    expect(verifyRoomCode(code, secret, at(-30))).toBe('valid'); // verifier one step behind
    expect(verifyRoomCode(code, secret, at(-30.001))).toBe('not-yet-valid');
    expect(verifyRoomCode(code, secret, at(59.999))).toBe('valid'); // one step ahead
    expect(verifyRoomCode(code, secret, at(60))).toBe('expired');
  });

  it('fails on any changed character, and under another secret', () => {
    const payload = roomCode(DOOR, secret, at(0));
    for (let i = 6; i < payload.length; i++) {
      if (payload[i] === '.') continue;
      const swapped = payload[i] === '0' ? '1' : '0';
      const tampered = payload.slice(0, i) + swapped + payload.slice(i + 1);
      const code = parseRoomCode(tampered);
      const verdict = typeof code === 'string' ? code : verifyRoomCode(code, secret, at(0));
      expect([i, verdict]).toEqual([i, 'bad-signature']);
    }
    expect(verifyRoomCode(parsed(payload), randomBytes(32), at(0))).toBe('bad-signature');
  });

  it.each([
    ['', 'malformed'],
    ['x'.repeat(513), 'malformed'],
    ['RK1.R.\u0000', 'malformed'],
    ['RK1.R.ABC DEF', 'malformed'],
    ['RK1.R.XYZ.1.2', 'malformed'],
    ['RK1.R.' + '0'.repeat(32) + '.' + '9'.repeat(13) + '.' + '0'.repeat(20), 'malformed'],
    ['RK2.R.whatever', 'unknown-format'],
    ['https://example.org/', 'unknown-format'],
    ['RK1.Z.' + '0'.repeat(32), 'unknown-format'],
  ])('reads %j as %s without throwing', (payload, problem) => {
    expect(parseRoomCode(payload)).toBe(problem);
  });

  it('fits a version 4 QR code at level M, in alphanumeric mode', () => {
    const qr = QRCode.create(roomCode(DOOR, secret, at(0)), { errorCorrectionLevel: 'M' });
    expect(qr.version).toBeLessThanOrEqual(5);
    expect(qr.segments.map((s) => s.mode.id)).toEqual(['Alphanumeric']);
  });
});
