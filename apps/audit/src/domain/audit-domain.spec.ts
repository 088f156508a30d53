import { busiestWindow } from '../projections/alerts.projection';
import { singleEventAlerts } from './alert-rules';
import { accessRequestView } from './access-request-view';
import { redactPayload } from './redact';
import {
  canonicalJson,
  ChainedRow,
  ChainKeys,
  ChainWalk,
  GENESIS,
  keyedRowHash,
  unkeyedRowHash,
} from './chain';

describe('redactPayload', () => {
  it('never keeps the sealed image of a face capture, nor of its dead letter', () => {
    const capture = {
      captureId: 'c',
      requestId: 'r',
      image: { ciphertext: 'AAAA' },
      contentType: 'image/jpeg',
    };
    expect(JSON.stringify(redactPayload('face.captured.v1', capture))).not.toContain('AAAA');
    expect(redactPayload('face.captured.v1', capture)).toMatchObject({
      captureId: 'c',
      requestId: 'r',
    });
    expect(
      JSON.stringify(redactPayload('face.captured.v1.dlq', { value: 'AAAA', error: 'e' })),
    ).not.toContain('AAAA');
  });

  it('keeps a burst of frames as their count, types and times, never their sealed bytes', () => {
    const frame = (atMs: number) => ({
      image: { ciphertext: 'AAAA' },
      contentType: 'image/jpeg',
      atMs,
    });
    const burst = { requestId: 'r', challengeId: 'n', frames: [frame(0), frame(600)] };
    expect(JSON.stringify(redactPayload('face.captured.v2', burst))).not.toContain('AAAA');
    expect(redactPayload('face.captured.v2', burst)).toEqual({
      requestId: 'r',
      challengeId: 'n',
      frames: [
        { contentType: 'image/jpeg', atMs: 0 },
        { contentType: 'image/jpeg', atMs: 600 },
      ],
    });
    expect(
      JSON.stringify(redactPayload('face.captured.v2.dlq', { value: 'AAAA', error: 'e' })),
    ).not.toContain('AAAA');
    // Frames not shaped as the contract says are not kept either.
    for (const frames of [{ image: 'AAAA' }, 'AAAA', [['AAAA']]]) {
      expect(JSON.stringify(redactPayload('face.captured.v2', { frames }))).not.toContain('AAAA');
    }
  });

  it('keeps only the kind of a scanned code, never the code itself', () => {
    const pass = 'RK1.V.K1.A0B1C2D3E4F54A6B8C7D9E0F1A2B3C4D.0123456789ABCDEF0123';
    const kept = redactPayload('access.requested.v1', { requestId: 'r', qr: pass });
    expect(kept).toEqual({ requestId: 'r', qr: 'RK1.V.… (62 characters)' });
    expect(redactPayload('access.requested.v1', { qr: 'https://example.org/x' })).toEqual({
      qr: '… (21 characters)',
    });
    expect(
      JSON.stringify(redactPayload('access.requested.v1.dlq', { value: btoa(pass), error: 'e' })),
    ).not.toContain(btoa(pass));
  });

  it('keeps other payloads as they are', () => {
    expect(redactPayload('qr.checked.v1', { outcome: 'valid' })).toEqual({ outcome: 'valid' });
  });
});

describe('accessRequestView', () => {
  const t = new Date('2026-01-01T00:00:00Z');
  const requested = { topic: 'access.requested.v1', occurredAt: t, payload: {} };
  const decided = (decision: string) => ({
    topic: 'access.decided.v1',
    occurredAt: t,
    payload: {
      requestId: '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b',
      decision,
      reasons: ['lockdown'],
      latencyMs: 3,
    },
  });

  it('is unknown without events, pending with the request, decided with the first decision', () => {
    expect(accessRequestView('r', [])).toBeNull();
    expect(accessRequestView('r', [requested])).toMatchObject({
      status: 'pending',
      decidedAt: null,
    });
    expect(
      accessRequestView('r', [requested, decided('denied'), decided('granted')]),
    ).toMatchObject({
      status: 'denied',
      reasons: ['lockdown'],
    });
  });
});

describe('the hash chain', () => {
  const LOG = '6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';
  const k1 = Buffer.alloc(32, 1);
  const k2 = Buffer.alloc(32, 2);
  const keysOf = (keys: Record<string, Buffer>, current = Object.keys(keys)[0]!): ChainKeys => ({
    currentKeyId: current,
    key: (id) => keys[id],
  });
  const row = (i: number) => ({
    id: String(i),
    eventId: `e${i}`,
    topic: 't',
    partition: 0,
    offset: String(i),
    key: null,
    type: 'x',
    occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
    correlationId: 'c',
    causationId: null,
    producer: 'p',
    traceId: null,
    payload: { b: 1, a: [i, { y: 2, x: 1 }] } as unknown,
  });
  /** Rows 1..n, each chained as `how(i)` says: unkeyed, or under a key id of `KEYS`. */
  const KEYS: Record<string, Buffer> = { k1, k2 };
  const chain = (n: number, how: (i: number) => string | null = () => 'k1', logId = LOG) => {
    const rows: ChainedRow[] = [];
    let prev = GENESIS;
    for (let i = 1; i <= n; i++) {
      const r = row(i);
      const keyId = how(i);
      const hash =
        keyId === null ? unkeyedRowHash(prev, r) : keyedRowHash(KEYS[keyId]!, logId, prev, r);
      rows.push({ ...r, prevHash: prev, hash, chainKeyId: keyId });
      prev = hash;
    }
    return rows;
  };
  /** The first break a walk over the rows finds. */
  const firstBreak = (rows: ChainedRow[], keys = keysOf(KEYS), logId = LOG) => {
    const walk = new ChainWalk(keys, logId);
    for (const r of rows) {
      const broken = walk.next(r);
      if (broken) return broken;
    }
    return undefined;
  };
  /** Rows from `from` on recomputed by someone without the key, the way `hash` says. */
  const rechain = (
    rows: ChainedRow[],
    from: number,
    hash: (prev: string, r: ChainedRow) => string,
    keyId: string | null,
  ) => {
    let prev = rows[from - 2]?.hash ?? GENESIS;
    return rows.map((r, i) => {
      if (i + 1 < from) return r;
      const redone = { ...r, prevHash: prev, chainKeyId: keyId };
      redone.hash = hash(prev, redone);
      prev = redone.hash;
      return redone;
    });
  };

  it('does not depend on key order', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3, { f: 1, e: 0 }] } })).toBe(
      '{"a":{"c":[3,{"e":0,"f":1}],"d":2},"b":1}',
    );
  });

  it('finds no break in an intact chain, and the first edited or orphaned row otherwise', () => {
    expect(firstBreak(chain(5))).toBeUndefined();
    const edited = chain(5);
    edited[2] = { ...edited[2]!, payload: { b: 2 } };
    expect(firstBreak(edited)).toEqual({ id: '3', problem: 'edited' });
    const gap = chain(5).filter((r) => r.id !== '2');
    expect(firstBreak(gap)).toEqual({ id: '3', problem: 'missing-before' });
  });

  it('refuses a row edited and the chain recomputed without the key', () => {
    const edited = chain(5);
    edited[2] = { ...edited[2]!, payload: { b: 2 } };
    // Plain SHA-256, the row still naming its key: its hash is no HMAC under that key.
    expect(firstBreak(rechain(edited, 3, unkeyedRowHash, 'k1'))).toEqual({
      id: '3',
      problem: 'edited',
    });
    // Plain SHA-256 as if from before the chain had keys: not after a keyed row.
    expect(firstBreak(rechain(edited, 3, unkeyedRowHash, null))).toEqual({
      id: '3',
      problem: 'unkeyed',
    });
    // An HMAC under a key of one's own, under the real key's id or a new one.
    const wrong = (prev: string, r: ChainedRow) => keyedRowHash(Buffer.alloc(32, 9), LOG, prev, r);
    expect(firstBreak(rechain(edited, 3, wrong, 'k1'))).toEqual({ id: '3', problem: 'edited' });
    expect(firstBreak(rechain(edited, 3, wrong, 'mine'))).toEqual({
      id: '3',
      problem: 'unknown-key',
    });
  });

  it('binds the log id: the same rows under another log id do not verify', () => {
    expect(firstBreak(chain(3), keysOf(KEYS), '00000000-0000-4000-8000-000000000000')).toEqual({
      id: '1',
      problem: 'edited',
    });
  });

  it('checks each row under the key it names, so a key can rotate', () => {
    const rotated = chain(6, (i) => (i <= 3 ? 'k1' : 'k2'));
    expect(firstBreak(rotated, keysOf({ k2, k1 }))).toBeUndefined();
    expect(firstBreak(rotated, keysOf({ k2 }))).toEqual({ id: '1', problem: 'unknown-key' });
  });

  it('checks rows from before the chain had keys as plain SHA-256, held by the first keyed row', () => {
    const upgraded = chain(6, (i) => (i <= 3 ? null : 'k1'));
    expect(firstBreak(upgraded)).toBeUndefined();
    // An unkeyed row edited and the unkeyed rows recomputed: the first keyed row no longer
    // follows, and cannot be made to without the key.
    const edited = [...upgraded];
    edited[1] = { ...edited[1]!, payload: { b: 2 } };
    const recomputed = rechain(edited, 2, unkeyedRowHash, null).slice(0, 3);
    expect(firstBreak([...recomputed, ...upgraded.slice(3)])).toEqual({
      id: '4',
      problem: 'missing-before',
    });
  });
});

describe('busiestWindow', () => {
  const at = (s: number) => ({ occurred_at: new Date(1_000_000 + s * 1000), s });
  const seconds = (events: { s: number }[]) => events.map((e) => e.s);

  it('finds the fullest window that contains the event, whatever order events came in', () => {
    // The event at 250 arrives last, though the one at 290 is later: the window [10, 310)
    // holds all five.
    const events = [at(10), at(100), at(200), at(250), at(290)];
    expect(seconds(busiestWindow(events, new Date(1_000_000 + 250_000), 300_000))).toEqual([
      10, 100, 200, 250, 290,
    ]);
  });

  it('never counts what lies a whole window away', () => {
    const events = [at(0), at(300), at(301)];
    expect(seconds(busiestWindow(events, new Date(1_000_000 + 300_000), 300_000))).toEqual([
      300, 301,
    ]);
    expect(busiestWindow([], new Date(), 1000)).toEqual([]);
  });
});

describe('the alert rules', () => {
  const user = '0b8f2f8e-4a7e-4d51-9a3e-2f1d8c6b7a10';

  it('raise a spoof alert for a spoof and a replayed or mixed burst, not for a clumsy turn', () => {
    const on = (p: Record<string, unknown>) =>
      singleEventAlerts('face.checked.v1', { userId: user, outcome: 'spoof', ...p });
    const spoof = [{ type: 'spoof', severity: 'high', subject: `user:${user}` }];
    expect(on({ liveness: 'passive' })).toEqual(spoof);
    expect(on({ liveness: 'active', challenge: 'challenge-used' })).toEqual(spoof);
    expect(on({ liveness: 'active', challenge: 'faces-differ' })).toEqual(spoof);
    expect(on({ liveness: 'active', challenge: 'wrong-pose' })).toEqual([]);
    expect(on({ liveness: 'active', challenge: 'challenge-expired' })).toEqual([]);
  });

  it('raise an alert on every face enrolment, louder when it was not a match', () => {
    const on = (p: Record<string, unknown>) =>
      singleEventAlerts('face.enrolment.v1', { userId: user, ...p });
    expect(on({ kind: 'enrolled', via: 'matched' })).toEqual([
      { type: 'face-enrolled', severity: 'low', subject: `user:${user}` },
    ]);
    expect(on({ kind: 'enrolled', via: 'approved' })).toEqual([
      { type: 'face-enrolled', severity: 'medium', subject: `user:${user}` },
    ]);
    expect(on({ kind: 'pending', reason: 'no-match' })).toEqual([
      { type: 'face-enrolment-pending', severity: 'medium', subject: `user:${user}` },
    ]);
    expect(on({ kind: 'erased' })).toEqual([]);
  });
});
