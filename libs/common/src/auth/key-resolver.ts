import { createPublicKey } from 'node:crypto';
import { Jwks } from '@roomkey/contracts';
import type { TokenConfig } from '../config/fragments';
import { SpacedRefresh } from './spaced-refresh';

export const KEY_RESOLVER = Symbol('KEY_RESOLVER');

/** Finds the public key (PEM) a token names in its `kid` header; rejects when it does not know it. */
export interface KeyResolver {
  publicKey(kid: string): Promise<string>;
}

/** How often the key set may be fetched for kids it does not know, and when it is renewed. */
const REFETCH_GAP_MS = 1000;
const MAX_AGE_MS = 10 * 60 * 1000;
const FETCH_TIMEOUT_MS = 3000;

/**
 * Keys from the auth app's JWKS, held as a whole set. A known kid is answered from memory (the
 * set is renewed in the background when older than ten minutes). A token naming a kid not in
 * the set waits for the next fetch, which starts at most once a second whoever asks: tokens
 * with made-up kids cost one fetch a second between them, and a real key rotated in a moment
 * ago is learnt by that fetch, never refused because made-up ones came first.
 */
export class JwksKeyResolver implements KeyResolver {
  private keys = new Map<string, string>();
  private loadedAt = 0;
  private readonly refresh: SpacedRefresh;

  constructor(private readonly config: Pick<TokenConfig, 'JWKS_URL'>) {
    this.refresh = new SpacedRefresh(() => this.load(), REFETCH_GAP_MS);
  }

  async publicKey(kid: string): Promise<string> {
    const known = this.keys.get(kid);
    if (known !== undefined) {
      if (Date.now() - this.loadedAt > MAX_AGE_MS && !this.refresh.busy) {
        this.refresh.since(Date.now()).catch(() => undefined);
      }
      return known;
    }
    await this.refresh.since(Date.now());
    const key = this.keys.get(kid);
    if (key === undefined) throw new Error('unknown signing key');
    return key;
  }

  private async load(): Promise<void> {
    const startedAt = Date.now();
    const res = await fetch(this.config.JWKS_URL, {
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      headers: { accept: 'application/json' },
    });
    if (!res.ok) throw new Error(`the key set answered ${res.status}`);
    const set = Jwks.parse(await res.json());
    const keys = new Map<string, string>();
    for (const jwk of set.keys) {
      const pem = createPublicKey({ key: jwk, format: 'jwk' }).export({
        type: 'spki',
        format: 'pem',
      });
      keys.set(jwk.kid, pem.toString());
    }
    this.keys = keys;
    this.loadedAt = startedAt;
  }
}
