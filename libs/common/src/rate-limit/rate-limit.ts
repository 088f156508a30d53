import { createHash } from 'node:crypto';
import { z } from 'zod';
import { DomainError } from '../errors';

/** At most `limit` takes per key in each fixed window of `windowS` seconds. */
export interface RateRule {
  /** Names the counter (and the rule in messages): `access-request:caller`. */
  name: string;
  limit: number;
  windowS: number;
}

/** One of a counter's slots, taken; `n` is how many were taken with it. */
export interface RateSlot {
  n: number;
  release(): Promise<void>;
}

/**
 * Where counts live. `take` is atomic: of concurrent takes, at most `limit` succeed, also
 * across instances sharing the store.
 */
export interface RateCounterStore {
  take(id: string, limit: number, expiresAt: Date): Promise<RateSlot | null>;
}

export interface RateTake {
  allowed: boolean;
  /** Whole seconds until the window ends: the Retry-After of a refusal. */
  retryAfterS: number;
  /** Gives the slot back (a take that turned out not to count, such as a right password). */
  refund(): Promise<void>;
}

/** The 429 of a per-caller limit: a stable code and Retry-After. */
export const rateLimited = (
  retryAfterS: number,
  code = 'RATE_LIMITED',
  message = 'too many requests of this kind from this caller; try again later',
) => new DomainError(code, message, 429, undefined, { 'Retry-After': String(retryAfterS) });

/**
 * Fixed-window counters. A counter's id names the rule, a hash of the key (an address or an id
 * is not stored as it is) and the window, so a new window starts at zero without a reset step
 * that could race.
 */
export class RateLimiter {
  constructor(private readonly store: RateCounterStore) {}

  async take(rule: RateRule, key: string, now = new Date()): Promise<RateTake> {
    const windowMs = rule.windowS * 1000;
    const start = Math.floor(now.getTime() / windowMs) * windowMs;
    const end = new Date(start + windowMs);
    const digest = createHash('sha256').update(key).digest('base64url').slice(0, 22);
    const id = `${rule.name}:${digest}:${start.toString(36)}`;
    const slot = await this.store.take(id, rule.limit, end);
    return {
      allowed: slot !== null,
      retryAfterS: Math.max(1, Math.ceil((end.getTime() - now.getTime()) / 1000)),
      refund: slot ? () => slot.release() : () => Promise.resolve(),
    };
  }

  /** Takes a slot under every rule (each with its key), or throws 429 RATE_LIMITED. */
  async enforce(takes: [RateRule, string][], now = new Date()): Promise<void> {
    for (const [rule, key] of takes) {
      const taken = await this.take(rule, key, now);
      if (!taken.allowed) throw rateLimited(taken.retryAfterS);
    }
  }
}

/**
 * A limit in the environment as `<count>/<seconds>`, e.g. `30/60`: 30 per minute per caller.
 */
export const rateEnv = (name: string, fallback: string) =>
  z
    .string()
    .regex(/^\d{1,9}\/\d{1,7}$/, 'must be <count>/<seconds>, e.g. 30/60')
    .default(fallback)
    .transform((s, ctx): RateRule => {
      const [limit, windowS] = s.split('/').map(Number) as [number, number];
      if (limit < 1 || windowS < 1) {
        ctx.addIssue({ code: 'custom', message: 'count and seconds must be at least 1' });
        return z.NEVER;
      }
      return { name, limit, windowS };
    });
