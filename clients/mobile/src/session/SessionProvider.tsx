import {
  ApiError,
  NetworkError,
  roomkeyClient,
  unwrap,
  type Session,
  type TokenStore,
} from '@roomkey/sdk';
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { gatewayUrl } from './gateway-url';
import { createTokenStore } from './token-store';

export interface SessionValue {
  session: Session;
  signedIn: boolean;
  /** The last call found no network or no gateway: the banner says so until one succeeds. */
  offline: boolean;
  signIn(email: string, password: string): Promise<void>;
  register(displayName: string, email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  /** Runs a call to the API and keeps the offline banner true to what happened. */
  call<T>(run: () => Promise<T>): Promise<T>;
}

const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession needs a SessionProvider');
  return value;
}

export interface SessionProviderProps {
  children: ReactNode;
  /** The gateway; by default from the app config (see gateway-url.ts). */
  baseUrl?: string;
  tokens?: TokenStore;
  fetch?: typeof fetch;
}

export function SessionProvider({ children, baseUrl, tokens, fetch }: SessionProviderProps) {
  const store = useMemo(() => tokens ?? createTokenStore(), [tokens]);
  const [signedIn, setSignedIn] = useState(() => store.get() !== null);
  const [offline, setOffline] = useState(false);

  const session = useMemo(
    () =>
      roomkeyClient({
        baseUrl: baseUrl ?? gatewayUrl(),
        tokens: store,
        fetch,
        onSignedOut: () => setSignedIn(false),
      }),
    [baseUrl, store, fetch],
  );

  const call = useCallback(async <T,>(run: () => Promise<T>): Promise<T> => {
    try {
      const result = await run();
      setOffline(false);
      return result;
    } catch (err) {
      setOffline(err instanceof NetworkError);
      throw err;
    }
  }, []);

  const signIn = useCallback(
    async (email: string, password: string) => {
      const pair = await call(() =>
        unwrap(session.api.POST('/v1/auth/login', { body: { email, password } })),
      );
      store.set({ accessToken: pair.accessToken, refreshToken: pair.refreshToken });
      setSignedIn(true);
    },
    [call, session, store],
  );

  const register = useCallback(
    async (displayName: string, email: string, password: string) => {
      await call(() =>
        unwrap(session.api.POST('/v1/auth/register', { body: { displayName, email, password } })),
      );
      await signIn(email, password);
    },
    [call, session, signIn],
  );

  const signOut = useCallback(async () => {
    const refreshToken = store.get()?.refreshToken;
    try {
      if (refreshToken) {
        await unwrap(session.api.POST('/v1/auth/logout', { body: { refreshToken } }));
      }
    } catch (err) {
      // Signed out on this phone all the same; the refresh token expires on its own.
      if (!(err instanceof NetworkError || err instanceof ApiError)) throw err;
    } finally {
      store.set(null);
      setSignedIn(false);
    }
  }, [session, store]);

  const value = useMemo(
    () => ({ session, signedIn, offline, signIn, register, signOut, call }),
    [session, signedIn, offline, signIn, register, signOut, call],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
