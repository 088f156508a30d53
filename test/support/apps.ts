import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { AppOptions, createApp, startApp } from '@roomkey/common';

/** Builds and starts an app in this process on a free port; returns it with its base URL. */
export async function startTestApp(
  opts: AppOptions,
): Promise<{ app: INestApplication; url: string }> {
  const app = await createApp(opts);
  await startApp(app, { ...opts, config: { ...opts.config, PORT: 0 } });
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

/** Polls until `check` returns a value (not undefined) or the time runs out. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 30000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

export const unique = (prefix: string) =>
  `${prefix}.${Date.now().toString(36)}.${Math.random().toString(36).slice(2, 8)}`;

/** A keyring for test apps: random per run, as a deployment's would be. */
export const testKeyring = () => `test:${randomBytes(32).toString('base64')}`;

/**
 * The keyring the gateway seals photos under and the face app opens them with: one per test
 * file, shared by both as a deployment's would be.
 */
export const TEST_CAPTURE_KEYRING = testKeyring();
