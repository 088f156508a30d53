import type { TokenStore, Tokens } from '@roomkey/sdk';
import * as SecureStore from 'expo-secure-store';

const KEY = 'roomkey.tokens';

const parse = (text: string | null): Tokens | null => {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as Tokens;
    return typeof value.accessToken === 'string' ? value : null;
  } catch {
    return null;
  }
};

/**
 * On a phone the tokens live in the keychain (iOS) or the keystore (Android) through
 * expo-secure-store, so a session survives the app being closed and no other app can read it.
 */
export function createTokenStore(): TokenStore {
  let current = parse(SecureStore.getItem(KEY));
  return {
    get: () => current,
    set(tokens) {
      current = tokens;
      if (tokens) SecureStore.setItem(KEY, JSON.stringify(tokens));
      else void SecureStore.deleteItemAsync(KEY).catch(() => undefined);
    },
  };
}
