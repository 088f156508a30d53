import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { DoorSecretRotated } from '@roomkey/contracts';
import { isDuplicateKey, Keyring } from '@roomkey/common';
import { QR_KEYRING } from '../config';
import type { PassKey } from '../domain/codes';
import { DoorSecretRow, PassKeyRow } from '../repositories/schemas';

const SECRET_BYTES = 32;
const FIRST_PASS_KEY = 'K1';

export const doorAad = (doorId: string) => `door-secret:${doorId}`;
const passKeyAad = (keyId: string) => `pass-key:${keyId}`;

/**
 * Door secrets and pass keys: random 256-bit values, sealed in MongoDB and opened only in
 * memory. They never leave the service, not even to an admin.
 */
@Injectable()
export class Secrets implements OnModuleInit {
  private readonly logger = new Logger('qr');
  /** Pass keys never change once made, so an opened one can be kept. */
  private readonly passKeys = new Map<string, Buffer>();

  constructor(
    @InjectModel(DoorSecretRow.name) private readonly doors: Model<DoorSecretRow>,
    @InjectModel(PassKeyRow.name) private readonly keys: Model<PassKeyRow>,
    @Inject(QR_KEYRING) private readonly keyring: Keyring,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.currentPassKey();
  }

  /** The door's current secret, or undefined when the door has none yet. */
  async doorSecret(doorId: string): Promise<Buffer | undefined> {
    const row = await this.doors.findById(doorId).lean();
    return row ? this.keyring.open(row.secret, doorAad(doorId)) : undefined;
  }

  /** The door's secret, made on first use (a kiosk registered for the door asks for a code). */
  async doorSecretOrNew(doorId: string): Promise<Buffer> {
    const existing = await this.doorSecret(doorId);
    if (existing) return existing;
    const now = new Date();
    try {
      await this.doors.create({
        _id: doorId,
        secret: this.keyring.seal(randomBytes(SECRET_BYTES), doorAad(doorId)),
        version: 1,
        createdAt: now,
        rotatedAt: now,
      });
      this.logger.log(`made the first QR secret of door ${doorId}`);
    } catch (err) {
      // Another instance made it at the same moment: theirs stands.
      if (!isDuplicateKey(err)) throw err;
    }
    return (await this.doorSecret(doorId))!;
  }

  /** A new secret for the door: codes made with the old one stop working at once. */
  async rotateDoorSecret(doorId: string): Promise<DoorSecretRotated> {
    const now = new Date();
    const row = await this.doors
      .findOneAndUpdate(
        { _id: doorId },
        {
          $set: {
            secret: this.keyring.seal(randomBytes(SECRET_BYTES), doorAad(doorId)),
            rotatedAt: now,
          },
          $inc: { version: 1 },
          $setOnInsert: { createdAt: now },
        },
        { upsert: true, new: true },
      )
      .lean();
    this.logger.log(`rotated the QR secret of door ${doorId} (version ${row!.version})`);
    return { doorId, version: row!.version, rotatedAt: now.toISOString() };
  }

  /** The key that signs new passes: the newest, made on first start. */
  async currentPassKey(): Promise<PassKey> {
    let row = await this.keys.findOne().sort({ createdAt: -1 }).lean();
    if (!row) {
      try {
        await this.keys.create({
          _id: FIRST_PASS_KEY,
          secret: this.keyring.seal(randomBytes(SECRET_BYTES), passKeyAad(FIRST_PASS_KEY)),
          createdAt: new Date(),
        });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      row = await this.keys.findById(FIRST_PASS_KEY).lean();
    }
    return { id: row!._id, secret: this.open(row!) };
  }

  /** A pass key by the id a pass carries, or undefined when there is no such key. */
  async passKey(keyId: string): Promise<Buffer | undefined> {
    const known = this.passKeys.get(keyId);
    if (known) return known;
    const row = await this.keys.findById(keyId).lean();
    return row ? this.open(row) : undefined;
  }

  private open(row: PassKeyRow): Buffer {
    const known = this.passKeys.get(row._id);
    if (known) return known;
    const secret = this.keyring.open(row.secret, passKeyAad(row._id));
    this.passKeys.set(row._id, secret);
    return secret;
  }
}
