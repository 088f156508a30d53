import type { TokenStore, Tokens } from '@roomkey/sdk';

const KEY = 'roomkey.tokens';

/**
 * In a browser there is no secure store: the tokens stay in sessionStorage, for this tab only,
 * and go when it closes (the admin web does the same).
 */
export function createTokenStore(): TokenStore {
  const storage = globalThis.sessionStorage as Storage | undefined;
  let current: Tokens | null = null;
  try {
    current = JSON.parse(storage?.getItem(KEY) ?? 'null') as Tokens | null;
  } catch {
    current = null;
  }
  return {
    get: () => current,
    set(tokens) {
      current = tokens;
      if (tokens) storage?.setItem(KEY, JSON.stringify(tokens));
      else storage?.removeItem(KEY);
    },
  };
}
