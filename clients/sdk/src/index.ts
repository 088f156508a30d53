import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './schema';

/**
 * The typed client of roomkey's public API. `schema.d.ts` is generated from the gateway's
 * OpenAPI document (`npm run sdk:generate`), so a route or field the gateway no longer has is a
 * compile error in the clients, and `npm test` fails when the document and the gateway differ.
 */
export type { components, paths };
export type Schemas = components['schemas'];
export type Api = Client<paths>;

/** Every error the API answers: a stable code, a message for people, the request id. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Not an answer at all: the network or the gateway is down. */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super('roomkey cannot be reached', { cause });
    this.name = 'NetworkError';
  }
}

/** Where a client keeps its tokens; a browser app keeps them in sessionStorage. */
export interface TokenStore {
  get(): Tokens | null;
  set(tokens: Tokens | null): void;
}
export interface Tokens {
  accessToken: string;
  /** People have one; a device trades its secret for a new access token instead. */
  refreshToken?: string;
}

export const memoryTokenStore = (): TokenStore => {
  let tokens: Tokens | null = null;
  return { get: () => tokens, set: (t) => void (tokens = t) };
};

export interface ClientOptions {
  /** The gateway; '' (the default) is the page's own origin, which forwards /v1 to it. */
  baseUrl?: string;
  tokens: TokenStore;
  /**
   * Gets a new access token when one is refused (401): a person's refresh token, a device's
   * secret. Returns null when that is not possible any more (signed out).
   */
  renew?: (api: Api, tokens: Tokens | null) => Promise<Tokens | null>;
  /** Told when the session is over: the renewal failed. */
  onSignedOut?: () => void;
  fetch?: typeof fetch;
}

/** The answer's data, or an ApiError with the API's code. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new NetworkError(err);
  }
  const { data, error, response } = result;
  if (response.ok) return data as T;
  const body = (error ?? {}) as Partial<Schemas['ErrorBody']>;
  throw new ApiError(
    response.status,
    body.code ?? `HTTP_${response.status}`,
    body.message ?? response.statusText,
    body.requestId,
  );
}

/** A person's tokens are renewed with the refresh token (which rotates). */
export const refreshWithToken: NonNullable<ClientOptions['renew']> = async (api, tokens) => {
  if (!tokens?.refreshToken) return null;
  const { data } = await api.POST('/v1/auth/refresh', {
    body: { refreshToken: tokens.refreshToken },
  });
  return data ? { accessToken: data.accessToken, refreshToken: data.refreshToken } : null;
};

export interface Session {
  api: Api;
  /** The same, untyped, for what openapi-fetch does not cover: event streams and downloads. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

/**
 * The client: sends the access token, and when the API answers 401 renews it once (every
 * request waiting on the same renewal) and sends the request again.
 */
export function roomkeyClient(options: ClientOptions): Session {
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  // Relative to the page's origin in a browser, as `fetch` below is.
  const baseUrl = options.baseUrl ?? globalThis.location?.origin ?? '';
  let renewing: Promise<Tokens | null> | null = null;
  const bare = createClient<paths>({ baseUrl, fetch: doFetch });

  const renew = (): Promise<Tokens | null> => {
    renewing ??= (options.renew ?? refreshWithToken)(bare, options.tokens.get())
      .catch(() => null)
      .then((next) => {
        options.tokens.set(next);
        if (!next) options.onSignedOut?.();
        return next;
      })
      .finally(() => setTimeout(() => (renewing = null), 0));
    return renewing;
  };

  const withToken = (request: Request, token: string | undefined): Request => {
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    return request;
  };
  const authorised = async (request: Request): Promise<Response> => {
    // Cloned before the first try: a body can be read once.
    const retry = request.clone();
    let token = options.tokens.get()?.accessToken;
    // A device has no token before its first request: it trades its secret first.
    if (!token && options.renew) token = (await renew())?.accessToken;
    const first = await doFetch(withToken(request, token));
    const current = options.tokens.get();
    if (first.status !== 401 || !current) return first;
    // Renewed meanwhile by another request: this one only needs the new token.
    const next = current.accessToken !== token ? current : await renew();
    if (!next) return first;
    return doFetch(withToken(retry, next.accessToken));
  };

  return {
    api: createClient<paths>({ baseUrl, fetch: authorised }),
    fetch: (path, init) =>
      authorised(new Request(new URL(path, baseUrl || globalThis.location?.origin), init)),
  };
}
export { describeReason } from './reasons';
export { openAlertFeed, type Alert, type FeedOptions, type FeedState } from './alert-feed';
