import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { ADMIN, login, memberToken } from '../support/auth';
import { photo } from '../support/face';
import { RunningSystem, startSystem } from '../e2e/system';
import { Gateway } from '../e2e/world';
import { cspRefusals, expectSecurityHeaders, launch, screenshot } from './browser';

/**
 * The admin web in Chromium against the whole system: an admin signs in, sets up a room with
 * its door and lock, lets members in on a schedule, invites a visitor, watches an alert arrive
 * live, and exports the access log.
 */
let sys: RunningSystem;
let browser: Browser;
let page: Page;
let gw: Gateway;
let admin: string;
let refused: string[];
const tag = Date.now().toString(36);
const ROOM = `Lab ${tag}`;

beforeAll(async () => {
  sys = await startSystem({ clients: true });
  gw = new Gateway(sys.gateway);
  // The API as the admin, for what the tests set up or check behind the browser's back.
  admin = (await login(sys.gateway, ADMIN.email, ADMIN.password)).accessToken;
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  refused = cspRefusals(page);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await sys?.stop();
});

const form = (name: string) => page.getByRole('form', { name });
const go = (link: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link }).click();

it('signs the admin in, and refuses a wrong password and a member with a clear message', async () => {
  const res = await page.goto(sys.clients!.admin);
  expectSecurityHeaders(res!.headers());
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').getByText('INVALID_CREDENTIALS').waitFor();
  await screenshot(page, 'admin-sign-in-refused');
  // A member has the right password but no business here.
  const email = `member-${tag}@roomkey.test`;
  const made = await gw.call('POST', '/v1/users', admin, {
    email,
    password: 'a member passphrase for tests',
    displayName: 'A Member',
    roles: ['member'],
  });
  expect(made.status).toBe(201);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('a member passphrase for tests');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('The admin web is for admin and security staff.').waitFor();
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await page.getByText('Attempts (24 h)').waitFor();
  await screenshot(page, 'admin-dashboard');
});

it('creates and edits a site, a room, a lock (its secret shown once), a door and a kiosk', async () => {
  await go('Places & devices');
  await form('New site').getByLabel('Name').fill(`Site ${tag}`);
  await form('New site').getByRole('button', { name: 'Create' }).click();
  await page.getByRole('cell', { name: `Site ${tag}`, exact: true }).waitFor();

  await form('New room').getByLabel('Name').fill(ROOM);
  await form('New room')
    .getByLabel('Site')
    .selectOption({ label: `Site ${tag}` });
  await form('New room').getByRole('button', { name: 'Create' }).click();
  await page.getByRole('cell', { name: ROOM, exact: true }).waitFor();

  await form('New lock').getByLabel('Name').fill(`${ROOM} lock`);
  await form('New lock').getByRole('button', { name: 'Create' }).click();
  const secret = await page.getByTestId('secret').textContent();
  expect(Buffer.from(secret!, 'base64').length).toBeGreaterThanOrEqual(32);
  await screenshot(page, 'admin-lock-secret');
  await page.getByRole('button', { name: 'I have copied it' }).click();
  await expect(page.getByTestId('secret').count()).resolves.toBe(0);

  await form('New door').getByLabel('Name').fill(`${ROOM} door`);
  await form('New door').getByLabel('Room').selectOption({ label: ROOM });
  await form('New door')
    .getByLabel('Lock')
    .selectOption({ label: `${ROOM} lock` });
  await form('New door').getByRole('button', { name: 'Create' }).click();
  await page.getByRole('cell', { name: `${ROOM} door`, exact: true }).waitFor();

  // Renamed afterwards, and moved to another time zone.
  await page.getByRole('button', { name: `Edit ${ROOM} lock` }).click();
  const edit = form(`Edit lock ${ROOM} lock`);
  await edit.getByLabel('Name').fill(`${ROOM} main lock`);
  await edit.getByRole('button', { name: 'Save' }).click();
  await page
    .getByRole('cell', { name: `${ROOM} main lock`, exact: true })
    .first()
    .waitFor();
  await page.getByRole('button', { name: `Edit Site ${tag}` }).click();
  await form(`Edit site Site ${tag}`).getByLabel('Time zone').selectOption('Europe/Berlin');
  await form(`Edit site Site ${tag}`).getByRole('button', { name: 'Save' }).click();
  await page
    .getByRole('row')
    .filter({ hasText: `Site ${tag}` })
    .getByText('Europe/Berlin')
    .waitFor();

  // A kiosk for the door: its secret and setup link are shown once; then it is renamed.
  const kiosk = form('Register a kiosk');
  await kiosk.getByLabel('Name').fill(`${ROOM} kiosk`);
  await kiosk.getByLabel('Door').selectOption({ label: `${ROOM} door` });
  await kiosk.getByRole('button', { name: 'Create' }).click();
  expect(await page.getByTestId('secret').textContent()).toMatch(/^rkd_/);
  const link = await page.getByRole('link', { name: /#setup=/ }).getAttribute('href');
  const setup = JSON.parse(Buffer.from(link!.split('#setup=')[1], 'base64url').toString());
  expect(Object.keys(setup).sort()).toEqual([
    'activeLiveness',
    'deviceId',
    'doorId',
    'roomId',
    'secret',
  ]);
  // The door was made with the form's default: passive liveness at its kiosk.
  expect(setup.activeLiveness).toBe(false);
  await screenshot(page, 'admin-kiosk-secret');
  await page.getByRole('button', { name: 'I have copied it' }).click();
  await page.getByRole('button', { name: `Edit ${ROOM} kiosk` }).click();
  await form(`Edit kiosk ${ROOM} kiosk`).getByLabel('Name').fill(`${ROOM} tablet`);
  await form(`Edit kiosk ${ROOM} kiosk`).getByRole('button', { name: 'Save' }).click();
  await page.getByRole('cell', { name: `${ROOM} tablet`, exact: true }).waitFor();
  await screenshot(page, 'admin-places');

  const doors = (await gw.call('GET', '/v1/doors', admin)).body as Array<{ name: string }>;
  expect(doors.map((d) => d.name)).toContain(`${ROOM} door`);
});

it('lets members into the room on weekdays with the schedule editor', async () => {
  await go('Permissions');
  const f = form('New permission');
  await f.getByLabel('Room').selectOption({ label: ROOM });
  await f.getByLabel('Who').selectOption({ label: 'member' });
  await f.getByRole('button', { name: 'Add a window' }).click();
  await f.getByRole('group', { name: 'Window 1' }).getByLabel('From').fill('07:00');
  await f.getByRole('group', { name: 'Window 1' }).getByLabel('Until midnight').check();
  await f.getByRole('button', { name: 'Create' }).click();
  const row = page.getByRole('row').filter({ hasText: ROOM });
  await row.getByText('mon tue wed thu fri 07:00–24:00').waitFor();
  await screenshot(page, 'admin-permissions');
});

it('creates a visitor pass and shows its print view with the QR', async () => {
  await go('Visitor passes');
  const f = form('New visitor pass');
  await f.getByLabel('Visitor’s name').fill(`Ada ${tag}`);
  await f.getByLabel(`${ROOM} door`).check();
  await f.getByRole('button', { name: 'Create' }).click();
  await page.getByRole('img', { name: `QR code of the pass for Ada ${tag}` }).waitFor();
  await page.getByRole('link', { name: 'Print view' }).click();
  await page.getByText('Hold this code up to the door kiosk’s camera').waitFor();
  await screenshot(page, 'admin-visitor-pass-print');
});

it('shows a repeated-denials alert live, and acknowledges it', async () => {
  await go('Alerts');
  await page.locator('[data-state="live"]').waitFor({ timeout: 30_000 });
  // Someone tries five times with a code that is not valid, each time once told no (a caller
  // has at most FACE_MAX_PHOTOS_PER_CALLER photos waiting for a decision).
  const rooms = (await gw.call('GET', '/v1/rooms', admin)).body as Array<{
    id: string;
    name: string;
  }>;
  const roomId = rooms.find((r) => r.name === ROOM)!.id;
  const doors = (await gw.call('GET', '/v1/doors', admin)).body as Array<{
    id: string;
    name: string;
  }>;
  const doorId = doors.find((d) => d.name === `${ROOM} door`)!.id;
  const member = await memberToken(sys.gateway, admin);
  for (let i = 0; i < 5; i++) {
    const sent = await gw.request(
      member.token,
      { roomId, doorId, qr: 'RK1.R.not-a-real-code' },
      photo('person_a_obama_3.jpg'),
    );
    expect(sent.status).toBe(202);
    expect(await gw.decision(member.token, sent.requestId!)).toMatchObject({ status: 'denied' });
  }
  const alert = page.locator('li[data-type="repeated-denials"]').filter({ hasText: member.userId });
  await alert.waitFor({ timeout: 60_000 }).catch(async (err: Error) => {
    // Which side missed it: the audit log, or the page?
    await screenshot(page, 'admin-alerts-missing');
    const open = await gw.call('GET', '/v1/alerts?limit=20', admin);
    const decisions = await gw.call('GET', `/v1/access-log?userId=${member.userId}`, admin);
    throw new Error(
      `${err.message}\nfeed: ${await page.locator('[data-state]').getAttribute('data-state')}` +
        `\nalerts: ${JSON.stringify(open.body)}\nthe member's decisions: ${JSON.stringify(decisions.body)}`,
    );
  });
  await screenshot(page, 'admin-alerts');
  await alert.getByRole('button', { name: 'Acknowledge' }).click();
  await alert.getByText('acknowledged').waitFor();
});

it('finds people by part of their name or email', async () => {
  await go('Users');
  await page.getByLabel('Search').fill(ADMIN.email.slice(0, 5).toUpperCase());
  await page.getByRole('cell', { name: ADMIN.email, exact: true }).waitFor();
  await page.getByLabel('Search').fill('nobody-has-this-name');
  await page.getByText('Nobody matches.').waitFor();
  await page.getByLabel('Search').fill('');
  await page.getByRole('cell', { name: ADMIN.email, exact: true }).waitFor();
  await screenshot(page, 'admin-users');
});

it('filters the access log and exports it as CSV', async () => {
  await go('Access log');
  await page.getByLabel('Decision').selectOption('denied');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page
    .getByRole('cell', { name: 'denied', exact: true })
    .first()
    .waitFor({ timeout: 30_000 });
  await screenshot(page, 'admin-access-log');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  const csv = readFileSync((await download.path())!, 'utf8')
    .trim()
    .split('\n');
  expect(csv[0]).toContain('requestId');
  expect(csv.length).toBeGreaterThanOrEqual(6);
  expect(csv.slice(1).every((line) => line.includes('denied'))).toBe(true);
});

it('refused nothing the admin web did under its Content-Security-Policy', () => {
  expect(refused).toEqual([]);
});
