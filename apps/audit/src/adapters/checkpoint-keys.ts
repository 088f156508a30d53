import {
  createHash,
  createPrivateKey,
  createPublicKey,
  KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { Logger } from '@nestjs/common';
import { ConfigError } from '@roomkey/common';

/**
 * Checkpoints are signed with Ed25519, not with an HMAC: checking one needs only the public
 * key, so whoever verifies the log (and holds the chain's HMAC key to do so) still cannot make a
 * checkpoint. Keys are written like keyrings: `id:<32 bytes base64>`, the private key's seed
 * for the audit app, the public key for a verifier.
 */

// The DER wrappings of a raw Ed25519 key (RFC 8410), which is how Node takes one.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

const entries = (spec: string) =>
  spec.split(',').map((entry) => {
    const [id, key] = entry.trim().split(':') as [string, string];
    return { id, key: Buffer.from(key, 'base64') };
  });

const privateKey = (seed: Buffer) =>
  createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
const publicKey = (raw: Buffer) =>
  createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });

export class CheckpointSigner {
  private constructor(
    readonly keyId: string,
    private readonly key: KeyObject,
  ) {}

  /** `id:<32-byte seed base64>`. */
  static fromSpec(spec: string): CheckpointSigner {
    const [{ id, key }] = entries(spec) as [{ id: string; key: Buffer }];
    return new CheckpointSigner(id, privateKey(key));
  }

  sign(message: Buffer): string {
    return sign(null, message, this.key).toString('base64');
  }

  /** The public half, written as AUDIT_CHECKPOINT_PUBLIC_KEYS takes it. */
  publicKeySpec(): string {
    const der = createPublicKey(this.key).export({ format: 'der', type: 'spki' });
    return `${this.keyId}:${der.subarray(SPKI_PREFIX.length).toString('base64')}`;
  }
}

export class CheckpointVerifier {
  private constructor(private readonly keys: Map<string, KeyObject>) {}

  /** `id:<32-byte public key base64>,…`: every key that ever signed checkpoints. */
  static fromSpec(spec: string): CheckpointVerifier {
    return new CheckpointVerifier(
      new Map(entries(spec).map(({ id, key }) => [id, publicKey(key)])),
    );
  }

  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  /** False for a signature that does not hold, and for a key not known here. */
  verify(keyId: string, message: Buffer, signature: string): boolean {
    const key = this.keys.get(keyId);
    return !!key && verify(null, message, key, Buffer.from(signature, 'base64'));
  }
}

/** A public development key pair: derived from a known phrase, so nobody takes it for a secret. */
const DEV_SIGNER = CheckpointSigner.fromSpec(
  `dev:${createHash('sha256').update('roomkey audit checkpoints development only').digest('base64')}`,
);

const DEV_KEYS_HINT = 'or ROOMKEY_DEV_KEYS=1 for the public development keys';

/**
 * The audit app's signing key. Without it the app refuses to start, unless development keys
 * are asked for by name: then a public one, said at start, like the development keyrings.
 */
export function signerOrDevelopment(
  app: string,
  spec: string | undefined,
  devKeys: boolean,
): CheckpointSigner {
  if (spec) return CheckpointSigner.fromSpec(spec);
  if (!devKeys) {
    throw new ConfigError(app, [`AUDIT_CHECKPOINT_SIGNING_KEY: required (${DEV_KEYS_HINT})`]);
  }
  new Logger(app).warn(
    'AUDIT_CHECKPOINT_SIGNING_KEY is not set: using the PUBLIC DEVELOPMENT signing key (ROOMKEY_DEV_KEYS=1); never in production',
  );
  return DEV_SIGNER;
}

/**
 * The keys a verifier checks checkpoints with: AUDIT_CHECKPOINT_PUBLIC_KEYS; else the public
 * half of AUDIT_CHECKPOINT_SIGNING_KEY, for a verifier that runs where the app does; else, when
 * asked for by name, the development key.
 */
export function verifierOrDevelopment(
  app: string,
  env: { publicKeys?: string; signingKey?: string; devKeys: boolean },
): CheckpointVerifier {
  if (env.publicKeys) return CheckpointVerifier.fromSpec(env.publicKeys);
  if (env.signingKey) {
    return CheckpointVerifier.fromSpec(CheckpointSigner.fromSpec(env.signingKey).publicKeySpec());
  }
  if (!env.devKeys) {
    throw new ConfigError(app, [`AUDIT_CHECKPOINT_PUBLIC_KEYS: required (${DEV_KEYS_HINT})`]);
  }
  new Logger(app).warn(
    'AUDIT_CHECKPOINT_PUBLIC_KEYS is not set: checking checkpoints with the PUBLIC DEVELOPMENT key (ROOMKEY_DEV_KEYS=1)',
  );
  return CheckpointVerifier.fromSpec(DEV_SIGNER.publicKeySpec());
}
