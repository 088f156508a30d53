import { z } from 'zod';
import { DomainError } from '../errors';
import { MemoryCounterStore } from './memory-counter';
import { rateEnv, RateLimiter } from './rate-limit';

const rule = { name: 'test', limit: 3, windowS: 60 };
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 10, 0, s));

describe('RateLimiter', () => {
  it('allows the limit per key and window, then refuses with the seconds to the window end', async () => {
    const limiter = new RateLimiter(new MemoryCounterStore());
    for (let i = 0; i < 3; i++) expect((await limiter.take(rule, 'a', at(10))).allowed).toBe(true);
    const refused = await limiter.take(rule, 'a', at(15));
    expect(refused).toMatchObject({ allowed: false, retryAfterS: 45 });
    expect((await limiter.take(rule, 'b', at(15))).allowed).toBe(true);
    // The next window starts from zero.
    expect((await limiter.take(rule, 'a', at(60))).allowed).toBe(true);
  });

  it('gives a slot back on refund, never below zero', async () => {
    const limiter = new RateLimiter(new MemoryCounterStore());
    const first = await limiter.take(rule, 'a', at(1));
    await first.refund();
    await first.refund();
    for (let i = 0; i < 3; i++) expect((await limiter.take(rule, 'a', at(2))).allowed).toBe(true);
    expect((await limiter.take(rule, 'a', at(3))).allowed).toBe(false);
  });

  it('enforce throws 429 RATE_LIMITED with Retry-After', async () => {
    const limiter = new RateLimiter(new MemoryCounterStore());
    const one = { ...rule, limit: 1 };
    await limiter.enforce([[one, 'k']], at(0));
    const err = await limiter.enforce([[one, 'k']], at(20)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({
      code: 'RATE_LIMITED',
      status: 429,
      headers: { 'Retry-After': '40' },
    });
  });

  it('keeps the memory store bounded', async () => {
    const store = new MemoryCounterStore(10);
    const limiter = new RateLimiter(store);
    for (let i = 0; i < 50; i++) await limiter.take(rule, `k${i}`, at(0));
    expect((store as unknown as { counts: Map<string, unknown> }).counts.size).toBeLessThanOrEqual(
      10,
    );
  });
});

describe('rateEnv', () => {
  const schema = z.object({ R: rateEnv('r', '30/60') });
  it('reads <count>/<seconds>, with a default', () => {
    expect(schema.parse({}).R).toEqual({ name: 'r', limit: 30, windowS: 60 });
    expect(schema.parse({ R: '5/900' }).R).toEqual({ name: 'r', limit: 5, windowS: 900 });
  });
  it.each(['5', '0/60', '5/0', 'five/60', '-1/60'])('refuses %s', (v) => {
    expect(schema.safeParse({ R: v }).success).toBe(false);
  });
});
