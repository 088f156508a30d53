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
