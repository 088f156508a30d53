import { randomBytes, randomUUID } from 'node:crypto';
import * as QRCode from 'qrcode';
import {
  parseCode,
  PassKey,
  personalPass,
  roomCode,
  RoomCode,
  ScannedCode,
  secondsToNextStep,
  signedWith,
  stepAt,
  verifyRoomCode,
  visitorPass,
} from './codes';

const DOOR = '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f';
const secret = randomBytes(32);
// 2026-01-01T00:00:00Z is a step boundary (1767225600 / 30 is whole).
const T0 = new Date(Date.UTC(2026, 0, 1));
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

const parsedAny = (payload: string): ScannedCode => {
  const code = parseCode(payload);
  if (typeof code === 'string') throw new Error(`expected a code, got ${code}`);
  return code;
};
const parsed = (payload: string): RoomCode => {
  const code = parsedAny(payload);
  if (code.kind !== 'room') throw new Error(`expected a room code, got ${code.kind}`);
  return code;
};
/** Every single-character change to the payload after its prefix. */
function* tamperings(payload: string): Generator<[number, string]> {
  for (let i = 6; i < payload.length; i++) {
    if (payload[i] === '.') continue;
    const swapped = payload[i] === '0' ? '1' : '0';
    yield [i, payload.slice(0, i) + swapped + payload.slice(i + 1)];
  }
}

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
    for (const [i, tampered] of tamperings(payload)) {
      const code = parseCode(tampered);
      const verdict =
        typeof code === 'string' || code.kind !== 'room'
          ? code
          : verifyRoomCode(code, secret, at(0));
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
    ['rk1.r.' + '0'.repeat(32), 'unknown-format'],
    ['RK1.P.K1.' + '0'.repeat(32) + '.1.' + '0'.repeat(16), 'malformed'],
    ['RK1.V.K1.' + '0'.repeat(31) + '.' + '0'.repeat(20), 'malformed'],
    ['RK1.V.k1.' + '0'.repeat(32) + '.' + '0'.repeat(20), 'malformed'],
  ])('reads %j as %s without throwing', (payload, problem) => {
    expect(parseCode(payload)).toBe(problem);
  });

  it('fits a version 4 QR code at level M, in the alphanumeric set, whatever the door and MAC', () => {
    for (let i = 0; i < 200; i++) {
      const door = randomUUID();
      const qr = QRCode.create(roomCode(door, randomBytes(32), at(i * 30)), {
        errorCorrectionLevel: 'M',
      });
      expect(qr.version).toBeLessThanOrEqual(4);
      // Alphanumeric characters only; the encoder may pick numeric mode for a run of digits,
      // which is smaller still.
      expect(qr.segments.every((seg) => ['Alphanumeric', 'Numeric'].includes(seg.mode.id))).toBe(
        true,
      );
    }
  });
});

describe('passes', () => {
  const key: PassKey = { id: 'K1', secret: randomBytes(32) };
  const USER = '0b6c1f8e-2d3a-4b5c-9d8e-7f6a5b4c3d2e';
  const PASS = 'a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d';

  it('a personal pass names the user, its expiry and nonce, and is signed', () => {
    const payload = personalPass(key, USER, at(60), '0123456789abcdef');
    const code = parsedAny(payload);
    expect(code).toMatchObject({
      kind: 'personal',
      keyId: 'K1',
      userId: USER,
      expires: T0.getTime() / 1000 + 60,
      nonce: '0123456789ABCDEF',
    });
    expect(signedWith(code, key.secret)).toBe(true);
    expect(signedWith(code, randomBytes(32))).toBe(false);
  });

  it('a visitor pass names the pass and is signed', () => {
    const code = parsedAny(visitorPass(key, PASS));
    expect(code).toMatchObject({ kind: 'visitor', keyId: 'K1', passId: PASS });
    expect(signedWith(code, key.secret)).toBe(true);
  });

  it.each([
    ['personal', () => personalPass(key, USER, at(60), 'fedcba9876543210')],
    ['visitor', () => visitorPass(key, PASS)],
  ])('a %s pass fails on any changed character', (_, make) => {
    for (const [i, tampered] of tamperings(make())) {
      const code = parseCode(tampered);
      const verdict = typeof code === 'string' ? code : signedWith(code, key.secret);
      expect([i, verdict]).toEqual([i, false]);
    }
  });

  it('a room code re-labelled as another kind is not a valid pass', () => {
    const room = roomCode(PASS, key.secret, at(0));
    const relabelled = room
      .replace(/^RK1\.R\./, 'RK1.V.K1.')
      .replace(/\.\d+\.([0-9A-F]{20})$/, '.$1');
    const code = parseCode(relabelled);
    expect(typeof code === 'string' ? code : signedWith(code, key.secret)).toBe(false);
  });

  it.each([
    [
      'personal',
      () =>
        personalPass(
          { id: 'K1', secret: randomBytes(32) },
          randomUUID(),
          at(60),
          randomBytes(8).toString('hex'),
        ),
    ],
    ['visitor', () => visitorPass({ id: 'K1', secret: randomBytes(32) }, randomUUID())],
  ])('a %s pass fits a version 4 QR code at level M, whatever its ids and MAC', (_, make) => {
    for (let i = 0; i < 200; i++) {
      const qr = QRCode.create(make(), { errorCorrectionLevel: 'M' });
      expect(qr.version).toBeLessThanOrEqual(4);
      expect(qr.segments.every((seg) => ['Alphanumeric', 'Numeric'].includes(seg.mode.id))).toBe(
        true,
      );
    }
  });
});
