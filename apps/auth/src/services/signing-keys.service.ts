import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { Jwks } from '@roomkey/contracts';
import { Keyring, KeyResolver, repeatEvery, SpacedRefresh } from '@roomkey/common';
import { AUTH_CONFIG, AuthConfig } from '../config';
import { needsRotation, publishedKeys, signingKey } from '../domain/signing-keys';
import { SigningKeyRow } from '../repositories/schemas';

export const SIGNING_KEYRING = Symbol('SIGNING_KEYRING');

/** Kids this instance does not know reload the key set at most this often between them. */
const RELOAD_GAP_MS = 1000;

interface LoadedKey {
  kid: string;
  createdAt: Date;
  publicJwk: Jwks['keys'][number];
  publicPem: string;
  privatePem: string;
}

/**
 * The ES256 signing keys, shared by every auth instance through MongoDB. The newest key signs;
 * older keys stay in the JWKS until every token they signed has expired, then are deleted.
 * Each instance reloads the set every minute and makes a new key when the newest is due.
 */
@Injectable()
export class SigningKeys implements KeyResolver, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SigningKeys.name);
  private keys: LoadedKey[] = [];
  private stop = () => undefined as void;
  private readonly reload = new SpacedRefresh(() => this.load(), RELOAD_GAP_MS);

  constructor(
    @InjectModel(SigningKeyRow.name) private readonly rows: Model<SigningKeyRow>,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    @Inject(SIGNING_KEYRING) private readonly keyring: Keyring,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.rows.init();
    await this.maintain();
    const every = Math.min(60_000, (this.config.SIGNING_KEY_ROTATE_AFTER_S * 1000) / 4);
    this.stop = repeatEvery(every, this.logger, 'signing key upkeep', () => this.maintain()).stop;
  }

  onApplicationShutdown(): void {
    this.stop();
  }

  /** Reload, rotate when due, delete keys nobody needs any more. */
  async maintain(now = new Date()): Promise<void> {
    await this.load();
    if (needsRotation(this.keys, now, this.config.SIGNING_KEY_ROTATE_AFTER_S * 1000)) {
      await this.rotate(now);
    }
    const keep = new Set(this.published(now).map((k) => k.kid));
    const stale = this.keys.filter((k) => !keep.has(k.kid)).map((k) => k.kid);
    if (stale.length > 0) {
      await this.rows.deleteMany({ _id: { $in: stale } });
      this.keys = this.keys.filter((k) => keep.has(k.kid));
    }
  }

  /** Makes a new key that signs from now on; the previous one stays published. */
  async rotate(now = new Date()): Promise<string> {
    const kid = randomUUID();
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' });
    await this.rows.create({
      _id: kid,
      publicJwk: { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y!, kid, alg: 'ES256', use: 'sig' },
      privateKey: this.keyring.seal(Buffer.from(pem), `signing-key:${kid}`),
      createdAt: now,
    });
    this.logger.log(`new signing key ${kid}`);
    await this.load();
    return kid;
  }

  /** The key that signs now. */
  current(): { kid: string; privatePem: string } {
    const key = signingKey(this.keys);
    if (!key) throw new Error('no signing key loaded');
    return key;
  }

  jwks(now = new Date()): Jwks {
    return { keys: this.published(now).map((k) => k.publicJwk) };
  }

  /**
   * KeyResolver for this app's own token checks: no HTTP round trip to itself. A kid not loaded
   * here may be a key another instance made a moment ago: the lookup waits for the next reload,
   * which runs at most once per second however many tokens ask, so made-up kids never crowd out
   * a real one.
   */
  async publicKey(kid: string): Promise<string> {
    let key = this.published(new Date()).find((k) => k.kid === kid);
    if (!key && !this.keys.some((k) => k.kid === kid)) {
      await this.reload.since(Date.now());
      key = this.published(new Date()).find((k) => k.kid === kid);
    }
    if (!key) throw new Error('unknown signing key');
    return key.publicPem;
  }

  private published(now: Date): LoadedKey[] {
    const longest = Math.max(this.config.ACCESS_TOKEN_TTL_S, this.config.DEVICE_TOKEN_TTL_S);
    return publishedKeys(this.keys, now, (longest + this.config.TOKEN_CLOCK_TOLERANCE_S) * 1000);
  }

  /** Reads the key set; a key is immutable, so only keys new to this instance are unsealed. */
  private async load(): Promise<void> {
    const rows = await this.rows.find().lean();
    const known = new Map(this.keys.map((k) => [k.kid, k]));
    this.keys = rows.map((row) => {
      const loaded = known.get(row._id);
      if (loaded) return loaded;
      const privatePem = this.keyring.open(row.privateKey, `signing-key:${row._id}`).toString();
      return {
        kid: row._id,
        createdAt: row.createdAt,
        publicJwk: row.publicJwk as LoadedKey['publicJwk'],
        publicPem: createPublicKey(privatePem).export({ type: 'spki', format: 'pem' }).toString(),
        privatePem,
      };
    });
  }
}
