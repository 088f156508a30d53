import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import {
  ApiError,
  roomkeyClient,
  unwrap,
  type Schemas,
  type Session,
  type TokenStore,
  type Tokens,
} from '@roomkey/sdk';

/** Signed-in staff: the API session and who they are. */
export interface Staff {
  session: Session;
  me: Schemas['UserView'];
  isAdmin: boolean;
  signOut(): Promise<void>;
  /** Changes the password; this tab continues with the new session the answer brings. */
  changePassword(currentPassword: string, newPassword: string): Promise<void>;
}

const KEY = 'roomkey.admin.tokens';

/** Tokens live for the browser tab only (sessionStorage), never in localStorage. */
const tabTokens: TokenStore = {
  get: () => {
    try {
      return JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Tokens | null;
    } catch {
      return null;
    }
  },
  set: (tokens) =>
    tokens ? sessionStorage.setItem(KEY, JSON.stringify(tokens)) : sessionStorage.removeItem(KEY),
};

const StaffContext = createContext<Staff | null>(null);

export function useStaff(): Staff {
  const staff = useContext(StaffContext);
  if (!staff) throw new Error('useStaff outside a signed-in page');
  return staff;
}

export const useApi = () => useStaff().session.api;

const STAFF_ROLES = ['admin', 'security'];

/** Signs in with email and password; refuses people who are not admin or security. */
export async function signIn(session: Session, email: string, password: string) {
  const pair = await unwrap(session.api.POST('/v1/auth/login', { body: { email, password } }));
  tabTokens.set({ accessToken: pair.accessToken, refreshToken: pair.refreshToken });
  const me = await unwrap(session.api.GET('/v1/me'));
  if (!me.roles.some((r) => STAFF_ROLES.includes(r))) {
    // Not staff: the session just opened is ended, not left behind.
    await session.api
      .POST('/v1/auth/logout', { body: { refreshToken: pair.refreshToken } })
      .catch(() => undefined);
    tabTokens.set(null);
    throw new ApiError(403, 'INSUFFICIENT_ROLE', 'The admin web is for admin and security staff.');
  }
  return me;
}

/** Holds the session; shows `signedOut` until someone signs in, and after the session ends. */
export function StaffProvider({
  signedOut,
  children,
}: {
  signedOut: (onSignedIn: (me: Schemas['UserView']) => void, session: Session) => ReactNode;
  children: ReactNode;
}) {
  const [me, setMe] = useState<Schemas['UserView'] | null>(null);
  const session = useMemo(
    () => roomkeyClient({ tokens: tabTokens, onSignedOut: () => setMe(null) }),
    [],
  );
  // A reload of the tab keeps the session: who is signed in is asked again.
  const [resuming, setResuming] = useState(() => tabTokens.get() !== null);
  useEffect(() => {
    if (!resuming) return;
    unwrap(session.api.GET('/v1/me'))
      .then((user) => user.roles.some((r) => STAFF_ROLES.includes(r)) && setMe(user))
      .catch(() => tabTokens.set(null))
      .finally(() => setResuming(false));
  }, [resuming, session]);
  const staff = useMemo<Staff | null>(
    () =>
      me && {
        session,
        me,
        isAdmin: me.roles.includes('admin'),
        async signOut() {
          const refreshToken = tabTokens.get()?.refreshToken;
          if (refreshToken) {
            await session.api
              .POST('/v1/auth/logout', { body: { refreshToken } })
              .catch(() => undefined);
          }
          tabTokens.set(null);
          setMe(null);
        },
        async changePassword(currentPassword, newPassword) {
          const pair = await unwrap(
            session.api.POST('/v1/me/password', { body: { currentPassword, newPassword } }),
          );
          tabTokens.set({ accessToken: pair.accessToken, refreshToken: pair.refreshToken });
        },
      },
    [me, session],
  );
  if (resuming) return <p className="muted">Loading…</p>;
  if (!staff) return <>{signedOut(setMe, session)}</>;
  return <StaffContext.Provider value={staff}>{children}</StaffContext.Provider>;
}
