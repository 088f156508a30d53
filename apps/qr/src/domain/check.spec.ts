import { randomBytes, randomUUID } from 'node:crypto';
import {
  checkCode,
  CheckPolicy,
  CheckRequest,
  CheckStore,
  PassUse,
  VisitorPassRule,
  visitorSubject,
} from './check';
import { PassKey, personalPass, roomCode, visitorPass } from './codes';

/** The store the check runs against in the app, kept in memory: same contract, no database. */
class MemoryStore implements CheckStore {
  doors = new Map<string, Buffer>();
  keys = new Map<string, Buffer>();
  passes = new Map<string, VisitorPassRule>();
  /** subject -> request ids holding a use */
  uses = new Map<string, string[]>();
  disabled = new Set<string>();
  failed = new Map<string, number>();

  doorSecret = async (doorId: string) => this.doors.get(doorId);
  passKey = async (keyId: string) => this.keys.get(keyId);
  visitorPass = async (passId: string) => this.passes.get(passId);
  accountDisabled = async (userId: string) => this.disabled.has(userId);
  failures = async (subject: string) => this.failed.get(subject) ?? 0;
  consume = async (use: PassUse) => {
    const held = this.uses.get(use.subject) ?? [];
    if (held.includes(use.requestId)) return true;
    if (held.length >= use.maxUses) return false;
    this.uses.set(use.subject, [...held, use.requestId]);
    return true;
  };
}

const T0 = new Date(Date.UTC(2026, 0, 1)); // a step boundary
const at = (s: number) => new Date(T0.getTime() + s * 1000);
const POLICY: CheckPolicy = { maxRequestAgeMs: 60_000, useRecordGraceMs: 60_000, maxFailures: 5 };
const DOOR = randomUUID();
const OTHER_DOOR = randomUUID();
const USER = randomUUID();
const key: PassKey = { id: 'K1', secret: randomBytes(32) };

let store: MemoryStore;
beforeEach(() => {
  store = new MemoryStore();
  store.doors.set(DOOR, randomBytes(32));
  store.doors.set(OTHER_DOOR, randomBytes(32));
  store.keys.set(key.id, key.secret);
});

const request = (over: Partial<CheckRequest>): CheckRequest => ({
  requestId: randomUUID(),
  mode: 'room-code',
  qr: 'RK1.R.X',
  at: at(0),
  ...over,
});
/** Checks `over` as if the qr app read it `lag` seconds after it was made. */
const check = (over: Partial<CheckRequest>, lag = 0.2) => {
  const req = request(over);
  return checkCode(req, store, new Date(req.at.getTime() + lag * 1000), POLICY);
};

describe('room codes in the flow', () => {
  const code = (door = DOOR, t = at(0)) => roomCode(door, store.doors.get(door)!, t);

  it('a current code is valid and names its door', async () => {
    expect(await check({ qr: code() })).toEqual({ outcome: 'valid', doorId: DOOR });
    expect(await check({ qr: code(), doorId: DOOR })).toEqual({ outcome: 'valid', doorId: DOOR });
  });

  it('is refused at another door than the one the app names', async () => {
    expect(await check({ qr: code(), doorId: OTHER_DOOR })).toEqual({
      outcome: 'invalid',
      reason: 'wrong-door',
      doorId: OTHER_DOOR,
    });
  });

  it('is accepted one step either side and refused beyond', async () => {
    const qr = code(DOOR, at(0));
    expect(await check({ qr, at: at(59.9) })).toMatchObject({ outcome: 'valid' });
    expect(await check({ qr, at: at(60) })).toMatchObject({ reason: 'expired' });
    expect(await check({ qr, at: at(-30) })).toMatchObject({ outcome: 'valid' });
    expect(await check({ qr, at: at(-30.1) })).toMatchObject({ reason: 'not-yet-valid' });
  });

  it('is unknown-door when the door has no secret, and bad-signature after a rotation', async () => {
    const qr = code();
    store.doors.delete(DOOR);
    expect(await check({ qr })).toMatchObject({ reason: 'unknown-door' });
    store.doors.set(DOOR, randomBytes(32));
    expect(await check({ qr })).toMatchObject({ reason: 'bad-signature' });
  });

  it('a request read long after it was made is expired', async () => {
    expect(await check({ qr: code() }, 61)).toMatchObject({ reason: 'expired' });
  });

  it('a request dated in the future is judged at the reader’s time', async () => {
    const req = request({ qr: code(DOOR, at(0)), at: at(3600) });
    expect(await checkCode(req, store, at(1), POLICY)).toMatchObject({ outcome: 'valid' });
    const stale = request({ qr: code(DOOR, at(-3600)), at: at(3600) });
    expect(await checkCode(stale, store, at(1), POLICY)).toMatchObject({ reason: 'expired' });
  });

  it('a pass is not a room code, and a room code is not a pass', async () => {
    const pass = visitorPass(key, randomUUID());
    expect(await check({ qr: pass })).toMatchObject({ reason: 'unknown-format' });
    expect(await check({ mode: 'pass', doorId: DOOR, qr: code() })).toMatchObject({
      reason: 'unknown-format',
    });
  });

  it.each([
    ['600 characters', 'x'.repeat(600), 'malformed'],
    ['a space', 'RK1.R.not hex', 'malformed'],
    ['a Wi-Fi code', 'WIFI:S:guest;;', 'unknown-format'],
  ])('a payload with %s is %s', async (_, qr, reason) => {
    expect(await check({ qr })).toMatchObject({ outcome: 'invalid', reason });
  });
});

describe('personal passes in the flow', () => {
  const pass = (expires = at(60), signer = key) =>
    personalPass(signer, USER, expires, randomBytes(8).toString('hex'));

  it('is valid once, names the person, at the kiosk’s door', async () => {
    const qr = pass();
    expect(await check({ mode: 'pass', doorId: DOOR, qr })).toEqual({
      outcome: 'valid',
      doorId: DOOR,
      userId: USER,
    });
    expect(await check({ mode: 'pass', doorId: DOOR, qr })).toMatchObject({ reason: 'used-up' });
  });

  it('the same request asked twice is valid twice (redelivery spends nothing)', async () => {
    const req = request({ mode: 'pass', doorId: DOOR, qr: pass() });
    expect(await checkCode(req, store, at(1), POLICY)).toMatchObject({ outcome: 'valid' });
    expect(await checkCode(req, store, at(2), POLICY)).toMatchObject({ outcome: 'valid' });
    expect(store.uses.size).toBe(1);
  });

  it('is refused while its account is disabled', async () => {
    store.disabled.add(USER);
    expect(await check({ mode: 'pass', doorId: DOOR, qr: pass() })).toMatchObject({
      reason: 'account-disabled',
    });
    expect(store.uses.size).toBe(0);
  });

  it('is expired after its time, and bad-signature under an unknown or wrong key', async () => {
    expect(await check({ mode: 'pass', doorId: DOOR, qr: pass(at(-1)) })).toMatchObject({
      reason: 'expired',
    });
    expect(
      await check({
        mode: 'pass',
        doorId: DOOR,
        qr: pass(at(60), { id: 'K9', secret: key.secret }),
      }),
    ).toMatchObject({ reason: 'bad-signature' });
    expect(
      await check({
        mode: 'pass',
        doorId: DOOR,
        qr: pass(at(60), { id: 'K1', secret: randomBytes(32) }),
      }),
    ).toMatchObject({ reason: 'bad-signature' });
  });

  it('needs a door to be checked against', async () => {
    expect(await check({ mode: 'pass', qr: pass() })).toMatchObject({ reason: 'unknown-door' });
  });
});

describe('visitor passes in the flow', () => {
  const rule = (over: Partial<VisitorPassRule> = {}): VisitorPassRule => {
    const r: VisitorPassRule = {
      id: randomUUID(),
      doorIds: [DOOR],
      validFrom: at(-3600),
      validUntil: at(3600),
      maxUses: 1,
      revoked: false,
      ...over,
    };
    store.passes.set(r.id, r);
    return r;
  };
  const scan = (r: VisitorPassRule, over: Partial<CheckRequest> = {}) =>
    check({ mode: 'pass', doorId: DOOR, qr: visitorPass(key, r.id), ...over });

  it('a single-use pass opens once, then is used-up', async () => {
    const r = rule();
    expect(await scan(r)).toEqual({ outcome: 'valid', doorId: DOOR, passId: r.id });
    expect(await scan(r)).toMatchObject({ reason: 'used-up' });
  });

  it('a pass for three uses opens three times', async () => {
    const r = rule({ maxUses: 3 });
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push((await scan(r)).outcome);
    expect(outcomes).toEqual(['valid', 'valid', 'valid', 'invalid']);
  });

  it('names the visitor’s account when it has one', async () => {
    const r = rule({ userId: USER });
    expect(await scan(r)).toMatchObject({ outcome: 'valid', userId: USER });
  });

  it('is refused outside its window, at other doors, and once revoked, without spending a use', async () => {
    const r = rule();
    expect(await scan(r, { at: at(-3601) })).toMatchObject({ reason: 'not-yet-valid' });
    expect(await scan(r, { at: at(3600) })).toMatchObject({ reason: 'expired' });
    expect(await scan(r, { doorId: OTHER_DOOR })).toMatchObject({ reason: 'wrong-door' });
    expect(store.uses.size).toBe(0);
    store.passes.set(r.id, { ...r, revoked: true });
    expect(await scan(r)).toMatchObject({ reason: 'revoked' });
    store.passes.delete(r.id);
    expect(await scan(r)).toMatchObject({ reason: 'revoked' });
  });

  it('is refused once its account is disabled, and after too many denied attempts, without spending a use', async () => {
    const r = rule({ userId: USER, maxUses: 2 });
    store.disabled.add(USER);
    expect(await scan(r)).toMatchObject({ reason: 'account-disabled' });
    store.disabled.delete(USER);
    store.failed.set(visitorSubject(r.id), 5);
    expect(await scan(r)).toMatchObject({ reason: 'too-many-failures' });
    store.failed.set(visitorSubject(r.id), 4);
    expect(await scan(r)).toMatchObject({ outcome: 'valid' });
    expect(store.uses.get(visitorSubject(r.id))).toHaveLength(1);
  });
});
