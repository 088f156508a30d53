import type { Keyring } from '@roomkey/common';
import type { ChainKeys } from '../domain/chain';

/** The provider of the chain's keys (`ChainKeys`). */
export const CHAIN_KEYS = Symbol('CHAIN_KEYS');

/**
 * The chain's HMAC keys, from the keyring in AUDIT_CHAIN_KEYRING (the first key chains new
 * rows, every key checks the rows chained under it). Each is derived from its keyring key with
 * HKDF under a label of its own, so that a key also put in another keyring, where it seals with
 * AES-GCM, is never the same bytes for both uses.
 */
export function chainKeys(keyring: Keyring): ChainKeys {
  const derived = new Map(
    keyring.keyIds().map((id) => [id, keyring.derivedKey(id, 'roomkey audit chain v1')!]),
  );
  return { currentKeyId: keyring.currentKeyId, key: (id) => derived.get(id) };
}
