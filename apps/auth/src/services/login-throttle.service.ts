import { Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { DomainError, isDuplicateKey, RateLimiter, rateLimited, RateRule } from '@roomkey/common';
import { AUTH_CONFIG, AuthConfig } from '../config';
import { lockDurationMs, LockPolicy, retryAfterSeconds } from '../domain/lockout';
import { sha256 } from '../domain/secrets';
import { MongoCounterStore } from '../repositories/rate-counters';
import { LoginAttempt } from '../repositories/schemas';

const DAY_MS = 86400_000;

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
 * many instances run. A check takes a slot before the password is verified (an atomic insert,
 * see MongoCounterStore) and gives it back only if the password was right: parallel guesses
 * cannot all pass a "not locked yet" read before the first failure is recorded.
 *
 * Per account (by email, whether or not it has an account, so a lock says nothing about
 * existence): LOGIN_LOCK_THRESHOLD checks in a row without success lock it, for longer each
 * time. Per client address: LOGIN_IP_LIMIT failures in a window.
 */
@Injectable()
export class LoginThrottle {
  private readonly policy: LockPolicy;
  private readonly addressRule: RateRule;

  constructor(
    @InjectModel(LoginAttempt.name) private readonly attempts: Model<LoginAttempt>,
    @Inject(AUTH_CONFIG) config: AuthConfig,
    private readonly limiter: RateLimiter,
    private readonly counters: MongoCounterStore,
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
        await this.clear(emailKey);
        await address.refund();
      },
      failed: () => Promise.resolve(lockedUntil),
    };
  }

  /** Clears the account's count, lock and lock history (a right password, a reset). */
  async clear(emailKey: string): Promise<void> {
    const id = accountKey(emailKey);
    await this.attempts.deleteOne({ _id: id });
    await this.counters.clear(`${id}:`);
  }

  /** Forgets locks that ended a day ago or more. */
  async sweep(now = new Date()): Promise<void> {
    await this.attempts.deleteMany({
      updatedAt: { $lt: new Date(now.getTime() - DAY_MS) },
      $or: [{ lockedUntil: null }, { lockedUntil: { $lt: now } }],
    });
  }

  /**
   * Counts a check against the account, in the round of its current lock count. The check that
   * fills the round locks the account at once; if its password turns out right, `succeeded`
   * lifts the lock. Returns that lock, if any.
   */
  private async takeAccountSlot(id: string, now: Date): Promise<Date | null> {
    const row = await this.attempts.findById(id).lean();
    if (row?.lockedUntil && row.lockedUntil > now) throw accountLocked(row.lockedUntil, now);
    const round = row?.lockouts ?? 0;
    const slot = await this.counters.take(
      `${id}:r${round}`,
      this.policy.threshold,
      new Date(now.getTime() + DAY_MS),
    );
    if (slot) return slot.n >= this.policy.threshold ? this.lock(id, round, now) : null;
    // The round is full: the check that filled it locks the account a moment from now, or
    // never did (its instance stopped). Locking again gives the same lock.
    throw accountLocked(await this.lock(id, round, now), now);
  }

  /** Ends a round: the account is locked for the round's duration. */
  private async lock(id: string, round: number, now: Date): Promise<Date> {
    const until = new Date(now.getTime() + lockDurationMs(round, this.policy));
    try {
      await this.attempts.updateOne(
        { _id: id, lockouts: { $lte: round } },
        { $set: { lockouts: round + 1, lockedUntil: until, updatedAt: now } },
        { upsert: true },
      );
      return until;
    } catch (err) {
      // A later round's lock is there already (the upsert's insert hit its id): it stands.
      if (!isDuplicateKey(err)) throw err;
      const row = await this.attempts.findById(id).lean();
      return row?.lockedUntil ?? until;
    }
  }
}

const accountKey = (emailKey: string) => `acct:${sha256(emailKey)}`;
