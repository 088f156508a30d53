import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (the stack script installs it); playwright-core never downloads one. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots of each main screen, git-ignored. */
export const SCREENSHOTS = path.resolve(__dirname, '../../.screenshots');

/**
 * Chromium for the tests. `fakeCamera` is a Y4M file its fake camera plays in a loop;
 * `drawnCamera` gives a camera the test draws on instead (`drawnCamera`, `showOnCamera`).
 */
export async function launch(
  options: { fakeCamera?: string; drawnCamera?: boolean } = {},
): Promise<Browser> {
  const args = [
    '--no-sandbox',
    '--disable-dev-shm-usage',
    '--autoplay-policy=no-user-gesture-required',
  ];
  if (options.fakeCamera || options.drawnCamera) {
    args.push('--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream');
  }
  if (options.fakeCamera) args.push(`--use-file-for-fake-video-capture=${options.fakeCamera}`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args });
}

/**
 * A camera that shows what the test last put on it, for a page that needs several pictures in
 * turn. Chromium's fake camera plays a file in a loop: a test must catch the picture it wants as
 * it comes round, and on a busy machine the app may take its photo after the picture has moved
 * on. Here each video stream the page asks for is a canvas's, painted ten times a second with
 * the picture `showOnCamera` gave; Chromium's capture, the <video> element and the app's photo
 * work on it as on a camera's.
 */
export async function drawnCamera(context: BrowserContext): Promise<void> {
  await context.addInitScript(`(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 640;
    canvas.height = 480;
    const ctx = canvas.getContext('2d');
    let picture = null;
    const paint = () => picture && ctx.drawImage(picture, 0, 0, canvas.width, canvas.height);
    setInterval(paint, 100);
    window.__showOnCamera = async (jpegBase64) => {
      const bytes = Uint8Array.from(atob(jpegBase64), (c) => c.charCodeAt(0));
      picture = await createImageBitmap(new Blob([bytes], { type: 'image/jpeg' }));
      paint();
    };
    const devices = navigator.mediaDevices;
    const getUserMedia = devices.getUserMedia.bind(devices);
    devices.getUserMedia = async (constraints) =>
      constraints && constraints.video ? canvas.captureStream(10) : getUserMedia(constraints);
  })()`);
}

/** Puts a JPEG on the page's drawn camera. */
export async function showOnCamera(page: Page, jpeg: Buffer): Promise<void> {
  await page.evaluate(`window.__showOnCamera(${JSON.stringify(jpeg.toString('base64'))})`);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * Every Content-Security-Policy refusal on the page, as Chromium reports it on the console: a
 * page that needs an inline script, or anything else its policy forbids, shows up here.
 */
export function cspRefusals(page: Page): string[] {
  const refused: string[] = [];
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) refused.push(msg.text());
  });
  return refused;
}

/** The headers every page of the clients' servers must carry (ADR 012, docs/security.md). */
export function expectSecurityHeaders(headers: Record<string, string>): void {
  const csp = headers['content-security-policy'] ?? '';
  const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? '';
  expect(scriptSrc).toContain("'self'");
  expect(scriptSrc).not.toContain('unsafe-inline');
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("object-src 'none'");
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');
  // Served over plain HTTP here: Strict-Transport-Security only comes over TLS.
  expect(headers['strict-transport-security']).toBeUndefined();
}
