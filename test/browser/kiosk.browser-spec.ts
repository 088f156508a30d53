import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { eventually } from '../support/apps';
import { fakeCameraVideo } from '../support/camera';
import { photo } from '../support/face';
import { zbarDecode } from '../support/zbar';
import { E2E_LOG_DIR, RunningSystem, startSystem } from '../e2e/system';
import { oneDoor } from '../e2e/world';
import { cspRefusals, expectSecurityHeaders, launch, screenshot } from './browser';

/**
 * The door kiosk in Chromium against the whole system: it signs in with its device secret,
 * shows the door's rotating code, and in pass mode reads a member's pass and face from the
 * (fake) camera and shows the decision.
 */
let sys: RunningSystem;
let browser: Browser;
let page: Page;
let door: Awaited<ReturnType<typeof oneDoor>>;
let refused: string[];
let pageHeaders: Record<string, string>;

beforeAll(async () => {
  sys = await startSystem({ clients: true });
  door = await oneDoor(sys.gateway);
  const setup = Buffer.from(
    JSON.stringify({
      deviceId: door.kiosk.deviceId,
      secret: door.kiosk.secret,
      doorId: door.door.id,
      roomId: door.room.id,
    }),
  ).toString('base64url');

  // The member holds their pass up to the kiosk's camera, next to their face.
  const pass = await door.gw.call('GET', '/v1/me/pass', door.member.token);
  expect(pass.status).toBe(200);
  const video = await fakeCameraVideo(
    photo('person_a_obama_3.jpg'),
    (pass.body as { payload: string }).payload,
    path.join(E2E_LOG_DIR, 'kiosk-camera.y4m'),
  );
  browser = await launch({ fakeCamera: video });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  refused = cspRefusals(page);
  const res = await page.goto(`${sys.clients!.kiosk}/#setup=${setup}`);
  pageHeaders = res!.headers();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await door?.sim.stop();
  await sys?.stop();
});

it('shows the door code, which zbarimg reads as a code the door accepts now', async () => {
  const qr = page.getByRole('img', { name: 'Scan this code with the roomkey app' });
  await qr.waitFor({ timeout: 30_000 });
  await screenshot(page, 'kiosk-door-code');
  // Right at a rotation it reads 0 until the next code has arrived, a fraction of a second.
  const seconds = await eventually(
    async () => {
      const shown = Number(await page.getByTestId('countdown').textContent());
      return shown > 0 ? shown : undefined;
    },
    5_000,
    'a running countdown',
  );
  expect(seconds).toBeLessThanOrEqual(30);

  const decoded = await zbarDecode(await qr.screenshot());
  expect(decoded).toMatch(/^RK1\.R\./);
  // Currently valid: the member's phone sends it with their face and is let in.
  const { gw, member } = door;
  const sent = await gw.request(
    member.token,
    { roomId: door.room.id, doorId: door.door.id, qr: decoded },
    photo('person_a_obama_3.jpg'),
  );
  expect(sent.status).toBe(202);
  const decided = await eventually(
    async () => (await gw.decision(member.token, sent.requestId!)) ?? undefined,
    30_000,
    'the decision on the scanned code',
  );
  expect(decided).toMatchObject({ status: 'granted', reasons: [] });
});

it('keeps the device secret where no script on the page can read it', async () => {
  await page
    .getByRole('img', { name: 'Scan this code with the roomkey app' })
    .waitFor({ timeout: 30_000 });
  // Everything a script on the page can read: both storages, cookies, the address and the
  // names of its IndexedDB databases. (A string: the tests are not compiled with the DOM's types.)
  const readable = await page.evaluate<string>(`(async () => {
    const storage = (s) => Array.from({ length: s.length }, (_, i) => s.key(i) + '=' + s.getItem(s.key(i)));
    const databases = (await indexedDB.databases()).map((d) => d.name);
    return [...storage(localStorage), ...storage(sessionStorage), document.cookie, location.href, ...databases].join('\\n');
  })()`);
  expect(readable).toContain(door.kiosk.deviceId); // where it stands is kept
  expect(readable).not.toContain(door.kiosk.secret);
});

it('serves the kiosk with a CSP without inline scripts, no framing and nosniff', () => {
  expectSecurityHeaders(pageHeaders);
  expect(pageHeaders['content-security-policy']).toContain('wasm-unsafe-eval');
});

it('reads a pass and a face from the camera in pass mode and shows the decision', async () => {
  await page.getByRole('button', { name: 'I have a pass' }).click();
  const result = page.locator('[data-decision]');
  await result.waitFor({ timeout: 60_000 });
  await screenshot(page, 'kiosk-pass-decision');
  expect(await result.getAttribute('data-decision')).toBe('granted');
  await expect(page.getByText('Welcome. The door is open.').isVisible()).resolves.toBe(true);
  // Then back to the door code by itself.
  await page
    .getByRole('img', { name: 'Scan this code with the roomkey app' })
    .waitFor({ timeout: 15_000 });
  // Its policy refused nothing the kiosk does: the code, the camera, the QR reader, the request.
  expect(refused).toEqual([]);
});
