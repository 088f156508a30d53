import { roomkeyClient, memoryTokenStore } from '@roomkey/sdk';
import { FakeGateway, json } from '../test/fake-gateway';
import { followDecision, readDecisionStream, type AccessView } from './decision-feed';

const ID = '8d7c6b5a-4321-4abc-9def-0123456789ab';
const view = (status: AccessView['status'], reasons: string[] = []): AccessView => ({
  requestId: ID,
  status,
  reasons,
  requestedAt: '2026-12-04T10:00:00Z',
  decidedAt: status === 'pending' ? null : '2026-12-04T10:00:01Z',
});

function sseResponse(text: string): Response {
  const bytes = new TextEncoder().encode(text);
  let sent = false;
  const reader = {
    read: async () =>
      sent ? { done: true, value: undefined } : ((sent = true), { done: false, value: bytes }),
    cancel: async () => undefined,
  };
  return { ok: true, status: 200, body: { getReader: () => reader } } as unknown as Response;
}

describe('following the decision', () => {
  it('reads the event stream: the current state at once, then the decision', async () => {
    const seen: string[] = [];
    const res = sseResponse(
      `: hello\n\nevent: status\ndata: ${JSON.stringify(view('pending'))}\n\n` +
        `event: decision\ndata: ${JSON.stringify(view('denied', ['face-spoof']))}\n\n`,
    );
    const decided = await readDecisionStream(res, (v) => seen.push(v.status));
    expect(seen).toEqual(['pending', 'denied']);
    expect(decided?.reasons).toEqual(['face-spoof']);
  });

  it('long-polls where the platform cannot stream, until the request is decided', async () => {
    const gateway = new FakeGateway().on('GET /v1/access-requests/{id}', (_s, n) =>
      json(200, n < 3 ? view('pending') : view('granted')),
    );
    const tokens = memoryTokenStore();
    tokens.set({ accessToken: 't' });
    const session = roomkeyClient({
      baseUrl: 'http://gateway.test',
      tokens,
      fetch: gateway.fetch as typeof fetch,
    });
    const statuses: string[] = [];
    const decided = await followDecision({
      session,
      requestId: ID,
      stream: false,
      isCancelled: () => false,
      onView: (v) => statuses.push(v.status),
    });
    expect(decided?.status).toBe('granted');
    expect(statuses).toEqual(['pending', 'pending', 'granted']);
    const polls = gateway.requests(`GET /v1/access-requests/${ID}`);
    expect(polls).toHaveLength(3);
    expect(polls[0]!.query.get('wait')).toBe('25');
    expect(polls[0]!.headers.get('authorization')).toBe('Bearer t');
  });
});
