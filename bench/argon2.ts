import { performance } from 'node:perf_hooks';
import * as argon2 from 'argon2';

/**
 * What one sign-in costs the auth app: argon2id hash and verify at the default cost
 * (19 MiB, 2 passes, 1 lane). Run: npx tsx bench/argon2.ts
 */
async function main(): Promise<void> {
  const options: argon2.HashOptions = {
    type: argon2.argon2id,
    memoryCost: 19456,
    timeCost: 2,
    parallelism: 1,
  };
  const hash = await argon2.hash('warm up the pool', options);
  const times: number[] = [];
  for (let i = 0; i < 30; i++) {
    const start = performance.now();
    await argon2.verify(hash, 'warm up the pool');
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
  console.log(
    `argon2id verify (19 MiB, t=2, p=1), ${times.length} runs: p50 ${pct(0.5).toFixed(1)} ms, p90 ${pct(0.9).toFixed(1)} ms`,
  );
  const parallel = performance.now();
  await Promise.all(Array.from({ length: 8 }, () => argon2.verify(hash, 'warm up the pool')));
  console.log(`8 verifications at once: ${(performance.now() - parallel).toFixed(0)} ms in all`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
