import { memoryTokenStore, roomkeyClient, type Session } from '@roomkey/sdk';

/**
 * What a kiosk needs to know, from the setup link the admin web shows once when it registers
 * the kiosk: its device id and secret, and the door (and its room) it stands by. Kept in the
 * tablet's localStorage; the secret is traded for short-lived access tokens.
 */
export interface KioskSetup {
  deviceId: string;
  secret: string;
  doorId: string;
  roomId: string;
}

const KEY = 'roomkey.kiosk';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseSetup(value: unknown): KioskSetup | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  const ok =
    [v.deviceId, v.doorId, v.roomId].every((x) => typeof x === 'string' && UUID.test(x)) &&
    typeof v.secret === 'string' &&
    v.secret.length > 0;
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

/** The setup in the address (the admin's link) wins over what is stored. */
export function loadSetup(): KioskSetup | null {
  const fromLink = location.hash.includes('#setup=') ? setupFromLink(location.hash) : null;
  if (fromLink) {
    saveSetup(fromLink);
    history.replaceState(null, '', location.pathname);
    return fromLink;
  }
  try {
    return parseSetup(JSON.parse(localStorage.getItem(KEY) ?? 'null'));
  } catch {
    return null;
  }
}

export function saveSetup(setup: KioskSetup | null): void {
  if (setup) localStorage.setItem(KEY, JSON.stringify(setup));
  else localStorage.removeItem(KEY);
}

/** The kiosk's API session: the device secret is traded for an access token when needed. */
export function deviceSession(setup: KioskSetup): Session {
  return roomkeyClient({
    tokens: memoryTokenStore(),
    renew: async (api) => {
      const { data } = await api.POST('/v1/auth/device-token', {
        body: { deviceId: setup.deviceId, secret: setup.secret },
      });
      return data ? { accessToken: data.accessToken } : null;
    },
  });
}
