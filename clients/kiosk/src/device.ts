import {
  ApiError,
  memoryTokenStore,
  NetworkError,
  roomkeyClient,
  type Session,
} from '@roomkey/sdk';

/**
 * What a kiosk is told by the setup link the admin web shows once when it registers the kiosk:
 * its device id and secret, and the door (and its room) it stands by.
 */
export interface KioskSetup {
  deviceId: string;
  secret: string;
  doorId: string;
  roomId: string;
  /** The door requires active liveness: faces answer a head-turn challenge (ADR 028). */
  activeLiveness?: boolean;
}

/**
 * What the page keeps (localStorage): where the kiosk stands, never its secret. The secret is
 * kept by the kiosk's own server in an HttpOnly cookie, out of reach of any script on the page,
 * and traded there for short-lived device tokens (ADR 017).
 */
export type KioskPlace = Omit<KioskSetup, 'secret'>;

const KEY = 'roomkey.kiosk';
const ACTIVE_KEY = 'roomkey.kiosk.active-liveness';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The kiosk server's session routes (scripts/kiosk-session.ts). */
const SESSION = '/kiosk/session';
const TOKEN = '/kiosk/token';

const areIds = (...values: unknown[]) => values.every((x) => typeof x === 'string' && UUID.test(x));

export function parseSetup(value: unknown): KioskSetup | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  const ok =
    areIds(v.deviceId, v.doorId, v.roomId) && typeof v.secret === 'string' && v.secret.length > 0;
  return ok ? (v as unknown as KioskSetup) : null;
}

/**
 * The setup in a setup link (`…#setup=<base64url JSON>`), or in its code alone; null for
 * anything else.
 */
export function setupFromLink(text: string): KioskSetup | null {
  const code = (text.includes('#setup=') ? text.slice(text.indexOf('#setup=') + 7) : text).trim();
  try {
    return parseSetup(JSON.parse(atob(code.replace(/-/g, '+').replace(/_/g, '/'))));
  } catch {
    return null;
  }
}

const stored = (): Record<string, unknown> | null => {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? 'null') as Record<string, unknown> | null;
  } catch {
    return null;
  }
};

/**
 * A setup still to be handed to the kiosk's server: the one in the address (the admin's link),
 * or one stored with its secret by an earlier version of the kiosk.
 */
export function pendingSetup(): KioskSetup | null {
  const fromLink = location.hash.includes('#setup=') ? setupFromLink(location.hash) : null;
  return fromLink ?? parseSetup(stored());
}

/** Where this kiosk stands, once it is set up. */
export function storedPlace(): KioskPlace | null {
  const v = stored();
  return v && areIds(v.deviceId, v.doorId, v.roomId)
    ? { deviceId: v.deviceId as string, doorId: v.doorId as string, roomId: v.roomId as string }
    : null;
}

const post = (path: string, body: unknown) =>
  fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).catch((err: unknown) => {
    throw new NetworkError(err);
  });

async function failure(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => ({}))) as { code?: string; message?: string };
  return new ApiError(res.status, body.code ?? `HTTP_${res.status}`, body.message ?? '');
}

/**
 * Hands the setup's secret to the kiosk's server, which checks it with the API and keeps it;
 * the page keeps only where the kiosk stands. Rejects with the API's refusal (a revoked kiosk, a
 * wrong link) or a NetworkError.
 */
export async function startSession(setup: KioskSetup): Promise<KioskPlace> {
  // The secret leaves the address and the page's storage whatever the answer.
  if (location.hash.includes('#setup=')) history.replaceState(null, '', location.pathname);
  if (parseSetup(stored())) localStorage.removeItem(KEY);
  const res = await post(SESSION, { deviceId: setup.deviceId, secret: setup.secret });
  if (!res.ok) throw await failure(res);
  const place = { deviceId: setup.deviceId, doorId: setup.doorId, roomId: setup.roomId };
  localStorage.setItem(KEY, JSON.stringify(place));
  rememberActiveLiveness(setup.activeLiveness === true);
  return place;
}

/** Whether this kiosk's faces answer a challenge: its door requires active liveness. */
export const activeLiveness = (): boolean => localStorage.getItem(ACTIVE_KEY) === 'true';

/**
 * Remembers whether the door requires active liveness: from the setup link, or from a denial
 * that says so (the door's setting changed since).
 */
export function rememberActiveLiveness(on: boolean): void {
  if (on) localStorage.setItem(ACTIVE_KEY, 'true');
  else localStorage.removeItem(ACTIVE_KEY);
}

/** Forgets the setup here and on the kiosk's server. */
export async function endSession(): Promise<void> {
  localStorage.removeItem(KEY);
  localStorage.removeItem(ACTIVE_KEY);
  await fetch(SESSION, { method: 'DELETE' }).catch(() => undefined);
}

/**
 * The kiosk's API session: a device token comes from the kiosk's server, which trades the
 * secret it keeps. `onLost` is told when the server has no secret, or the API refused it (the
 * kiosk was revoked): the kiosk must be set up again.
 */
export function deviceSession(onLost: () => void): Session {
  return roomkeyClient({
    tokens: memoryTokenStore(),
    renew: async () => {
      const res = await post(TOKEN, {});
      if (res.status === 401) onLost();
      if (!res.ok) return null;
      const { accessToken } = (await res.json()) as { accessToken: string };
      return { accessToken };
    },
  });
}
