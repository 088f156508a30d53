import { Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { DomainError, isDuplicateKey, RateLimiter, rateLimited, RateRule } from '@roomkey/common';
import { AUTH_CONFIG, AuthConfig } from '../config';
import { lockDurationMs, LockPolicy, retryAfterSeconds } from '../domain/lockout';
import { sha256 } from '../domain/secrets';
import { LoginAttempt } from '../repositories/schemas';

const accountLocked = (until: Date, now: Date) =>
  new DomainError('ACCOUNT_LOCKED', 'too many failed sign-ins; try again later', 429, undefined, {
    'Retry-After': String(retryAfterSeconds(until, now)),
  });

/** A password check that was allowed to happen; say how it went. */
export interface PasswordCheck {
  /** The password was right: the account's count starts again, the address gets its slot back. */
  succeeded(): Promise<void>;
  /** The password was wrong; returns until when the account is locked, if this check locked it. */
  failed(): Promise<Date | null>;
}

/**
 * Brute-force defence for every password check (sign-in, password change), shared by every
 * auth instance through MongoDB rather than process memory, so that the limits hold however
 * many instances run. A check takes its slot before the password is verified, in one atomic
 * update, and gives it back only if the password was right: parallel guesses cannot all pass a
 * "not locked yet" read before the first failure is recorded.
 *
 * Per account (by email, whether or not it has an account, so a lock says nothing about
 * existence): LOGIN_LOCK_THRESHOLD checks in a row without success lock it, for longer each time.
 * Per client address: LOGIN_IP_LIMIT failures in a window.
 */
@Injectable()
export class LoginThrottle {
  private readonly policy: LockPolicy;
  private readonly addressRule: RateRule;
  constructor(
    @InjectModel(LoginAttempt.name) private readonly attempts: Model<LoginAttempt>,
    @Inject(AUTH_CONFIG) config: AuthConfig,
    private readonly limiter: RateLimiter,
  ) {
    this.policy = {
      threshold: config.LOGIN_LOCK_THRESHOLD,
      baseMs: config.LOGIN_LOCK_BASE_S * 1000,
      maxMs: config.LOGIN_LOCK_MAX_S * 1000,
    };
    this.addressRule = {
      name: 'sign-in-failures:address',
      limit: config.LOGIN_IP_LIMIT,
      windowS: config.LOGIN_IP_WINDOW_S,
    };
  }

  /**
   * Takes a slot for one password check, or throws 429: TOO_MANY_ATTEMPTS for the address,
   * ACCOUNT_LOCKED for the account.
   */
  async begin(emailKey: string, ip: string, now = new Date()): Promise<PasswordCheck> {
    const address = await this.limiter.take(this.addressRule, ip, now);
    if (!address.allowed) {
      throw rateLimited(
        address.retryAfterS,
        'TOO_MANY_ATTEMPTS',
        'too many failed sign-ins from this address; try again later',
      );
    }
    let lockedUntil: Date | null;
    try {
      lockedUntil = await this.takeAccountSlot(accountKey(emailKey), now);
    } catch (err) {
      await address.refund();
      throw err;
    }
    return {
      succeeded: async () => {
        await this.attempts.deleteOne({ _id: accountKey(emailKey) });
        await address.refund();
      },
      failed: () => Promise.resolve(lockedUntil),
    };
  }

  /** Clears the account's count and lock history (a password reset). */
  async clear(emailKey: string): Promise<void> {
    await this.attempts.deleteOne({ _id: accountKey(emailKey) });
  }

  /** Forgets counters untouched for a day whose lock is over. */
  async sweep(now = new Date()): Promise<void> {
    await this.attempts.deleteMany({
      updatedAt: { $lt: new Date(now.getTime() - 86400_000) },
      $or: [{ lockedUntil: null }, { lockedUntil: { $lt: now } }],
    });
  }

  /**
   * Counts a check against the account while it is below the threshold and not locked. The
   * check that reaches the threshold locks the account at once; if its password turns out
   * right, `succeeded` deletes the row and the lock with it. Returns that lock, if any.
   */
  private async takeAccountSlot(id: string, now: Date): Promise<Date | null> {
    for (let attempt = 0; attempt < 3; attempt++) {
      let row: LoginAttempt | null = null;
      try {
        row = await this.attempts
          .findOneAndUpdate(
            {
              _id: id,
              failures: { $lt: this.policy.threshold },
              $or: [{ lockedUntil: null }, { lockedUntil: { $lte: now } }],
            },
            {
              $inc: { failures: 1 },
              $set: { updatedAt: now },
              $setOnInsert: { lockouts: 0, lockedUntil: null, windowStart: now },
            },
            { upsert: true, new: true, setDefaultsOnInsert: false },
          )
          .lean();
      } catch (err) {
        // The row exists but is full or locked (the upsert's insert hit its id), or two first
        // checks raced to create it.
        if (!isDuplicateKey(err)) throw err;
      }
      if (row) {
        return row.failures >= this.policy.threshold ? this.lock(row, now) : null;
      }
      const current = await this.attempts.findById(id).lean();
      if (current?.lockedUntil && current.lockedUntil > now) {
        throw accountLocked(current.lockedUntil, now);
      }
      if (current && current.failures >= this.policy.threshold) {
        // Full but not locked: the lock of the last check is a moment away, or never came
        // (its instance stopped). Lock now; a second lock of the same row changes nothing.
        throw accountLocked((await this.lock(current, now)) ?? new Date(now.getTime() + 1000), now);
      }
    }
    throw accountLocked(new Date(now.getTime() + 1000), now);
  }

  /** Locks a full row; the lock's end, or null when another check locked it first. */
  private async lock(row: LoginAttempt, now: Date): Promise<Date | null> {
    const until = new Date(now.getTime() + lockDurationMs(row.lockouts, this.policy));
    const locked = await this.attempts.updateOne(
      { _id: row._id, failures: { $gte: this.policy.threshold } },
      { $set: { failures: 0, lockedUntil: until, updatedAt: now }, $inc: { lockouts: 1 } },
    );
    return locked.modifiedCount === 1 ? until : null;
  }
}

const accountKey = (emailKey: string) => `acct:${sha256(emailKey)}`;
