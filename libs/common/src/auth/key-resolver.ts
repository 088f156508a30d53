import { JwksClient } from 'jwks-rsa';
import type { TokenConfig } from '../config/fragments';

export const KEY_RESOLVER = Symbol('KEY_RESOLVER');

/** Finds the public key (PEM) a token names in its `kid` header; rejects when it does not know it. */
export interface KeyResolver {
  publicKey(kid: string): Promise<string>;
}

/**
 * Keys from the auth app's JWKS, cached for ten minutes. A token naming an unknown key makes
 * one refetch (at most ten a minute), which is how a freshly rotated key is learnt.
 */
export class JwksKeyResolver implements KeyResolver {
  private readonly client: JwksClient;

  constructor(config: TokenConfig) {
    this.client = new JwksClient({
      jwksUri: config.JWKS_URL,
      cache: true,
      cacheMaxAge: 10 * 60 * 1000,
      rateLimit: true,
      jwksRequestsPerMinute: 10,
      timeout: 3000,
    });
  }

  async publicKey(kid: string): Promise<string> {
    const key = await this.client.getSigningKey(kid);
    return key.getPublicKey();
  }
}
