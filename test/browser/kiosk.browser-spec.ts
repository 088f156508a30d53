import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { stackSettings, stackUrls } from '@roomkey/common';
import { LockSimulator } from '../../apps/access/src/sim/lock-simulator';
import { eventually } from '../support/apps';
import { ADMIN, kioskToken, login, memberToken } from '../support/auth';
import { fakeCameraVideo } from '../support/camera';
import { photo } from '../support/face';
import { zbarDecode } from '../support/zbar';
import { E2E_LOG_DIR, RunningSystem, startSystem } from '../e2e/system';
import { Gateway } from '../e2e/world';
import { launch, screenshot } from './browser';

/**
 * The door kiosk in Chromium against the whole system: it signs in with its device secret,
 * shows the door's rotating code, and in pass mode reads a member's pass and face from the
 * (fake) camera and shows the decision.
 */
let sys: RunningSystem;
let browser: Browser;
let page: Page;
let sim: LockSimulator;
let gw: Gateway;
const world = { roomId: '', doorId: '', kioskToken: '', setup: '' };
let member: { userId: string; token: string };

beforeAll(async () => {
  sys = await startSystem({ clients: true });
  gw = new Gateway(sys.gateway);
  const admin = (await login(sys.gateway, ADMIN.email, ADMIN.password)).accessToken;
  const site = await gw.create('/v1/sites', admin, { name: 'Kiosk site', timeZone: 'UTC' });
  const { room, lock, door } = await gw.roomWithDoor(admin, site.id, 'Kiosk room');
  const kiosk = await kioskToken(sys.gateway, admin, [door.id]);
  member = await memberToken(sys.gateway, admin);
  await gw.create('/v1/permissions', admin, { roomId: room.id, userId: member.userId });
  await gw.enrol(member.token, ['person_a_obama_1.jpg', 'person_a_obama_2.jpg']);
  sim = new LockSimulator(
    lock.id,
    Buffer.from(lock.secret, 'base64'),
    stackUrls(stackSettings()).mqtt,
  );
  await sim.start();
  Object.assign(world, { roomId: room.id, doorId: door.id, kioskToken: kiosk.token });
  world.setup = Buffer.from(
    JSON.stringify({
      deviceId: kiosk.deviceId,
      secret: kiosk.secret,
      doorId: door.id,
      roomId: room.id,
    }),
  ).toString('base64url');

  // The member holds their pass up to the kiosk's camera, next to their face.
  const pass = await gw.call('GET', '/v1/me/pass', member.token);
  expect(pass.status).toBe(200);
  const video = await fakeCameraVideo(
    photo('person_a_obama_3.jpg'),
    (pass.body as { payload: string }).payload,
    path.join(E2E_LOG_DIR, 'kiosk-camera.y4m'),
  );
  browser = await launch({ fakeCamera: video });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${sys.clients!.kiosk}/#setup=${world.setup}`);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await sim?.stop();
  await sys?.stop();
});

it('shows the door code, which zbarimg reads as a code the door accepts now', async () => {
  const qr = page.getByRole('img', { name: 'Scan this code with the roomkey app' });
  await qr.waitFor({ timeout: 30_000 });
  await screenshot(page, 'kiosk-door-code');
  const seconds = Number(await page.getByTestId('countdown').textContent());
  expect(seconds).toBeGreaterThan(0);
  expect(seconds).toBeLessThanOrEqual(30);

  const decoded = await zbarDecode(await qr.screenshot());
  expect(decoded).toMatch(/^RK1\.R\./);
  // Currently valid: the member's phone sends it with their face and is let in.
  const sent = await gw.request(
    member.token,
    { roomId: world.roomId, doorId: world.doorId, qr: decoded },
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
});
