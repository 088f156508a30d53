import { accessRequestView } from './access-request-view';
import { redactPayload } from './redact';

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
