import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { z } from 'zod';
import { ConfigError } from '../config/parse';

/** Bytes sealed with AES-256-GCM under a named key (the shape of `SealedBytes` in the contracts). */
export interface Sealed {
  keyId: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

const KeySpec = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}:[A-Za-z0-9+/]{43}=$/, 'keyId:<32 bytes in base64>');

/**
 * A set of AES-256-GCM keys: the first seals, all of them open, so a key can rotate without
 * re-sealing everything at once. Written as `id1:base64key,id2:base64key`.
 */
export class Keyring {
  private readonly keys = new Map<string, Buffer>();
  readonly currentKeyId: string;

  constructor(spec: string) {
    const entries = spec.split(',').map((s) => KeySpec.parse(s.trim()));
    for (const entry of entries) {
      const [id, key] = entry.split(':') as [string, string];
      this.keys.set(id, Buffer.from(key, 'base64'));
    }
    this.currentKeyId = entries[0]!.split(':')[0]!;
  }

  /** The ids of the keys, the current one first. */
  keyIds(): string[] {
    return [...this.keys.keys()];
  }

  /**
   * A key for another use than sealing (an HMAC, say), derived from key `id` with HKDF-SHA256
   * under `purpose`: never the same bytes as the key that seals, nor as another purpose's.
   */
  derivedKey(id: string, purpose: string): Buffer | undefined {
    const key = this.keys.get(id);
    return key && Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), purpose, 32));
  }

  /** `aad` binds the ciphertext to its context (a row id, a purpose) without being secret. */
  seal(plain: Buffer, aad: string): Sealed {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentKeyId)!, iv);
    cipher.setAAD(Buffer.from(aad));
    const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
    return {
      keyId: this.currentKeyId,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      ciphertext: ciphertext.toString('base64'),
    };
  }

  /** Throws when the key is unknown or the bytes, tag or context were tampered with. */
  open(sealed: Sealed, aad: string): Buffer {
    const key = this.keys.get(sealed.keyId);
    if (!key) throw new Error(`unknown key id ${sealed.keyId}`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([
      decipher.update(Buffer.from(sealed.ciphertext, 'base64')),
      decipher.final(),
    ]);
  }
}

/** A config variable holding a keyring; `Keyring` checks each entry. */
export const keyringEnv = () =>
  z.string().refine((s) => s.split(',').every((e) => KeySpec.safeParse(e.trim()).success), {
    message: 'keyId:<32 bytes in base64>, comma-separated, first one seals',
  });

/**
 * The keyring a config variable names. Without it the app refuses to start, unless development
 * keys are asked for by name (`ROOMKEY_DEV_KEYS=1`): then it falls back to a fixed key that is
 * public by construction (derived from a known phrase), so that a laptop needs no setup and
 * nobody mistakes it for a secret.
 */
export function keyringOrDevelopment(
  app: string,
  variable: string,
  spec: string | undefined,
  devKeys: boolean,
): Keyring {
  if (spec) return new Keyring(spec);
  if (!devKeys) {
    throw new ConfigError(app, [
      `${variable}: required (or ROOMKEY_DEV_KEYS=1 for the public development keys)`,
    ]);
  }
  new Logger(app).warn(
    `${variable} is not set: using the PUBLIC DEVELOPMENT keyring (ROOMKEY_DEV_KEYS=1); never in production`,
  );
  const key = createHash('sha256').update('roomkey development only').digest('base64');
  return new Keyring(`dev:${key}`);
}
