import { describe, expect, it } from 'vitest';
import { ApiError, memoryTokenStore, NetworkError, roomkeyClient, unwrap } from './index';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A gateway that accepts only `valid` as the access token and rotates refresh tokens. */
function gateway() {
  const state = { valid: 'access-2', refreshes: 0, seen: [] as string[] };
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const path = new URL(request.url).pathname;
    if (path === '/v1/auth/refresh') {
      state.refreshes++;
      const { refreshToken } = (await request.json()) as { refreshToken: string };
      if (refreshToken !== 'refresh-1')
        return json(401, { code: 'REFRESH_TOKEN_INVALID', message: 'no', requestId: 'r' });
      await new Promise((r) => setTimeout(r, 5));
      return json(200, {
        tokenType: 'Bearer',
        accessToken: 'access-2',
        expiresIn: 300,
        refreshToken: 'refresh-2',
        refreshExpiresIn: 3600,
      });
    }
    const auth = request.headers.get('authorization') ?? '';
    state.seen.push(`${request.method} ${path} ${auth}`);
    if (auth !== `Bearer ${state.valid}`)
      return json(401, { code: 'TOKEN_INVALID', message: 'expired', requestId: 'r' });
    if (request.method === 'POST')
      return json(201, { ...((await request.json()) as object), id: 'x' });
    return json(200, {
      id: 'me',
      email: 'a@b.c',
      displayName: 'A',
      roles: ['admin'],
      status: 'active',
      createdAt: '',
      updatedAt: '',
    });
  };
  return { state, fetch };
}

describe('the SDK session', () => {
  it('renews an expired access token once for concurrent requests and sends each again', async () => {
    const gw = gateway();
    const tokens = memoryTokenStore();
    tokens.set({ accessToken: 'access-1', refreshToken: 'refresh-1' });
    const { api } = roomkeyClient({ baseUrl: 'http://gw.test', tokens, fetch: gw.fetch });
    const [a, b, made] = await Promise.all([
      unwrap(api.GET('/v1/me')),
      unwrap(api.GET('/v1/me')),
      unwrap(api.POST('/v1/sites', { body: { name: 'HQ', timeZone: 'UTC' } })),
    ]);
    expect([a.id, b.id]).toEqual(['me', 'me']);
    // The body of a POST refused for its token is sent again whole.
    expect(made).toMatchObject({ name: 'HQ', timeZone: 'UTC' });
    expect(gw.state.refreshes).toBe(1);
    expect(tokens.get()).toEqual({ accessToken: 'access-2', refreshToken: 'refresh-2' });
  });

  it('ends the session when the refresh token is refused, and answers with the API error', async () => {
    const gw = gateway();
    const tokens = memoryTokenStore();
    tokens.set({ accessToken: 'old', refreshToken: 'stolen' });
    let signedOut = 0;
    const { api } = roomkeyClient({
      baseUrl: 'http://gw.test',
      tokens,
      fetch: gw.fetch,
      onSignedOut: () => signedOut++,
    });
    const err = await unwrap(api.GET('/v1/me')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 401, code: 'TOKEN_INVALID' });
    expect(signedOut).toBe(1);
    expect(tokens.get()).toBeNull();
  });

  it('trades a device secret for a token before its first request', async () => {
    const gw = gateway();
    let trades = 0;
    const { api } = roomkeyClient({
      baseUrl: 'http://gw.test',
      tokens: memoryTokenStore(),
      fetch: gw.fetch,
      renew: async () => (trades++, { accessToken: 'access-2' }),
    });
    await unwrap(api.GET('/v1/me'));
    await unwrap(api.GET('/v1/me'));
    expect(trades).toBe(1);
    expect(gw.state.seen).toEqual(['GET /v1/me Bearer access-2', 'GET /v1/me Bearer access-2']);
  });

  it('tells no answer at all from an answer', async () => {
    const { api } = roomkeyClient({
      baseUrl: 'http://gw.test',
      tokens: memoryTokenStore(),
      fetch: () => Promise.reject(new TypeError('fetch failed')),
    });
    await expect(unwrap(api.GET('/v1/me'))).rejects.toBeInstanceOf(NetworkError);
  });
});
