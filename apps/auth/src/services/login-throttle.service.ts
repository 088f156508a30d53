import { Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { DomainError } from '@roomkey/common';
import { AUTH_CONFIG, AuthConfig } from '../config';
import { lockDurationMs, LockPolicy, retryAfterSeconds } from '../domain/lockout';
import { sha256 } from '../domain/secrets';
import { LoginAttempt } from '../repositories/schemas';

const tooMany = (code: string, message: string, until: Date, now: Date) =>
  new DomainError(code, message, 429, undefined, {
    'Retry-After': String(retryAfterSeconds(until, now)),
  });

/**
 * Brute-force defence on sign-in, shared by every auth instance through MongoDB. Counters are
 * kept per email whether or not it has an account, so a lock says nothing about existence.
 */
@Injectable()
export class LoginThrottle {
  private readonly policy: LockPolicy;
  private readonly windowMs: number;

  constructor(
    @InjectModel(LoginAttempt.name) private readonly attempts: Model<LoginAttempt>,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {
    this.policy = {
      threshold: config.LOGIN_LOCK_THRESHOLD,
      baseMs: config.LOGIN_LOCK_BASE_S * 1000,
      maxMs: config.LOGIN_LOCK_MAX_S * 1000,
    };
    this.windowMs = config.LOGIN_IP_WINDOW_S * 1000;
  }

  /** Throws 429 when the address or the account is throttled right now. */
  async check(emailKey: string, ip: string, now = new Date()): Promise<void> {
    const rows = await this.attempts
      .find({ _id: { $in: [accountKey(emailKey), ipKey(ip)] } })
      .lean();
    for (const row of rows) {
      if (row._id.startsWith('ip:')) {
        const windowEnd = new Date(row.windowStart.getTime() + this.windowMs);
        if (windowEnd > now && row.failures >= this.config.LOGIN_IP_LIMIT) {
          throw tooMany(
            'TOO_MANY_ATTEMPTS',
            'too many failed sign-ins from this address; try again later',
            windowEnd,
            now,
          );
        }
      } else if (row.lockedUntil && row.lockedUntil > now) {
        throw tooMany(
          'ACCOUNT_LOCKED',
          'too many failed sign-ins; try again later',
          row.lockedUntil,
          now,
        );
      }
    }
  }

  /** Counts a failure; returns when the account is locked until, if this failure locked it. */
  async failed(emailKey: string, ip: string, now = new Date()): Promise<Date | null> {
    await this.attempts.updateOne(
      { _id: ipKey(ip), windowStart: { $lte: new Date(now.getTime() - this.windowMs) } },
      { $set: { failures: 0, windowStart: now } },
    );
    await this.bump(ipKey(ip), now);
    const account = await this.bump(accountKey(emailKey), now);
    if (account.failures < this.policy.threshold) return null;
    const until = new Date(now.getTime() + lockDurationMs(account.lockouts, this.policy));
    const locked = await this.attempts.updateOne(
      { _id: account._id, failures: account.failures },
      { $set: { failures: 0, lockedUntil: until }, $inc: { lockouts: 1 } },
    );
    return locked.modifiedCount === 1 ? until : null;
  }

  /** A successful sign-in clears the account's failures and lock history. */
  async succeeded(emailKey: string): Promise<void> {
    await this.attempts.deleteOne({ _id: accountKey(emailKey) });
  }

  /** Forgets counters untouched for a day whose lock is over. */
  async sweep(now = new Date()): Promise<void> {
    await this.attempts.deleteMany({
      updatedAt: { $lt: new Date(now.getTime() - 86400_000) },
      $or: [{ lockedUntil: null }, { lockedUntil: { $lt: now } }],
    });
  }

  private async bump(id: string, now: Date) {
    const row = await this.attempts
      .findOneAndUpdate(
        { _id: id },
        {
          $inc: { failures: 1 },
          $set: { updatedAt: now },
          $setOnInsert: { lockouts: 0, lockedUntil: null, windowStart: now },
        },
        { upsert: true, new: true, setDefaultsOnInsert: false },
      )
      .lean();
    return row!;
  }
}

const accountKey = (emailKey: string) => `acct:${sha256(emailKey)}`;
const ipKey = (ip: string) => `ip:${ip}`;
