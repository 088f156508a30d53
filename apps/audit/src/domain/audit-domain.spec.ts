import { busiestWindow } from '../projections/alerts.projection';
import { accessRequestView } from './access-request-view';
import { redactPayload } from './redact';
import { canonicalJson, firstBreak, GENESIS, rowHash } from './chain';

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
  const chain = (n: number) => {
    const rows = [];
    let prev = GENESIS;
    for (let i = 1; i <= n; i++) {
      const r = row(i);
      const hash = rowHash(prev, r);
      rows.push({ ...r, prevHash: prev, hash });
      prev = hash;
    }
    return rows;
  };

  it('does not depend on key order', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3, { f: 1, e: 0 }] } })).toBe(
      '{"a":{"c":[3,{"e":0,"f":1}],"d":2},"b":1}',
    );
  });

  it('finds no break in an intact chain, and the first edited or orphaned row otherwise', () => {
    expect(firstBreak(chain(5))).toMatchObject({ checked: 5 });
    expect(firstBreak(chain(5)).broken).toBeUndefined();
    const edited = chain(5);
    edited[2] = { ...edited[2]!, payload: { b: 2 } };
    expect(firstBreak(edited).broken).toEqual({ id: '3', problem: 'edited' });
    const gap = chain(5).filter((r) => r.id !== '2');
    expect(firstBreak(gap).broken).toEqual({ id: '3', problem: 'missing-before' });
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
