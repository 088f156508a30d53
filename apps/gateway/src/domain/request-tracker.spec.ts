import { RequestTracker } from './request-tracker';

describe('RequestTracker', () => {
  const at = new Date('2026-01-01T00:00:00Z');

  it('says pending for an accepted request, then the first decision, which never changes', () => {
    const t = new RequestTracker(10);
    t.accepted('r1', at);
    expect(t.get('r1')).toMatchObject({ status: 'pending', requestedAt: at.toISOString() });
    t.decided('r1', 'denied', ['expired'], at);
    t.decided('r1', 'granted', [], at);
    expect(t.get('r1')).toMatchObject({
      status: 'denied',
      reasons: ['expired'],
      requestedAt: at.toISOString(),
    });
  });

  it('forgets the oldest entries beyond its capacity', () => {
    const t = new RequestTracker(2);
    t.accepted('a', at);
    t.accepted('b', at);
    t.decided('a', 'granted', [], at); // touching a makes b the oldest
    t.accepted('c', at);
    expect(t.get('b')).toBeUndefined();
    expect(t.get('a')?.status).toBe('granted');
    expect(t.size).toBe(2);
  });
});
