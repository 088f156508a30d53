import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { eventually } from '../support/apps';
import { ADMIN, kioskToken, login } from '../support/auth';
import { codeStill, photoStill, stillJpeg, THUMB, thumbOf, type Still } from '../support/camera';
import { photo } from '../support/face';
import { RegisteredLock, simulatorOf } from '../support/locks';
import { RunningSystem, startSystem } from '../e2e/system';
import { Gateway } from '../e2e/world';
import { cspRefusals, drawnCamera, launch, screenshot, showOnCamera } from './browser';

/**
 * The mobile app's web build in Chromium at a phone's size, against the whole system, with a
 * camera the test draws on (`drawnCamera`): a member signs in and enrols their face, scans the
 * door kiosk's current code, answers the liveness challenge and is let in; another person with
 * the member's phone is denied.
 *
 * The stills are shared photos filling the frame: Obama facing the camera (obama_1), his head
 * turned to his right (obama_2) and that photo mirrored, turned to his left (as in the face
 * app's active liveness test); for the other person, Paul Rudd's two photos, one of them
 * mirrored. The test puts the still the prompt asks for on the camera and presses "Take photo"
 * once the app's camera shows it, which it tells by shrinking the camera's picture to a
 * thumbnail. Rudd's photos turn 10° from the one that faces the camera most, so the run's face
 * app asks for turns of 5° (the thresholds have tests of their own), left and right only.
 */
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true };
const PASSWORD = 'a member passphrase for the phone';

let sys: RunningSystem;
let gw: Gateway;
let admin: string;
let kiosk: string;
let sim: ReturnType<typeof simulatorOf>;
let doorId: string;
const member = { id: '', email: `phone-${randomBytes(4).toString('hex')}@roomkey.test` };
const browsers: Browser[] = [];
/** Every request a page made to anywhere but this machine. */
const offsite: string[] = [];
/** What each page's Content-Security-Policy refused. */
const refusedByCsp: string[][] = [];

beforeAll(async () => {
  sys = await startSystem({
    clients: true,
    env: {
      gateway: { FACE_PHONE_LIVENESS: 'active' },
      // A browser on a machine busy with other work can take longer than the 8 s the product
      // allows between two photos: the gap is not the point here (the face suites test it).
      face: {
        FACE_CHALLENGE_POSES: 'left,right',
        FACE_CHALLENGE_MIN_YAW: '5',
        FACE_CHALLENGE_MAX_GAP_MS: '20000',
      },
      // Bursts are analysed on a machine busy with other work: the deadline is not the point.
      access: { ACCESS_DEADLINE_MS: '30000' },
    },
  });
  if (!sys.clients?.mobile) throw new Error('the mobile app is not built: npm run mobile:export');
  gw = new Gateway(sys.gateway);
  admin = (await login(sys.gateway, ADMIN.email, ADMIN.password)).accessToken;
  const site = await gw.create('/v1/sites', admin, { name: 'Phone office', timeZone: 'UTC' });
  const { room, lock, door } = await gw.roomWithDoor(admin, site.id!, 'Phone room');
  doorId = door.id!;
  kiosk = (await kioskToken(sys.gateway, admin, [doorId])).token;
  member.id = (
    await gw.create('/v1/users', admin, {
      email: member.email,
      password: PASSWORD,
      displayName: 'Phone Member',
      roles: ['member'],
    })
  ).id!;
  await gw.create('/v1/permissions', admin, { roomId: room.id, userId: member.id });
  sim = simulatorOf(lock as unknown as RegisteredLock);
  await sim.start();
}, 240_000);

afterAll(async () => {
  for (const b of browsers) await b.close();
  await sim?.stop();
  await sys?.stop();
});

afterEach(() => {
  expect(offsite).toEqual([]);
  const refused = refusedByCsp.splice(0).flat();
  expect(refused).toEqual([]);
});

/** A phone with a drawn camera showing `still`, on the app's first screen. */
async function phoneWith(still: Still): Promise<Page> {
  const browser = await launch({ drawnCamera: true });
  browsers.push(browser);
  const context: BrowserContext = await browser.newContext(PHONE);
  await drawnCamera(context);
  const page = await context.newPage();
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (!['data:', 'blob:'].includes(url.protocol) && url.hostname !== '127.0.0.1') {
      offsite.push(req.url());
    }
  });
  refusedByCsp.push(cspRefusals(page));
  await page.goto(sys.clients!.mobile!);
  await showOnCamera(page, await stillJpeg(still));
  return page;
}

async function signIn(page: Page): Promise<void> {
  await page.getByLabel('Email').fill(member.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByTestId('Sign in').click();
  await page.getByTestId('Open a door').waitFor({ timeout: 30_000 });
}

/** The camera's picture now, as a thumbnail (null before the camera plays). */
const cameraThumb = (page: Page) =>
  page.evaluate<number[] | null>(`(() => {
    const video = document.querySelector('video');
    if (!video || video.readyState < 2) return null;
    const canvas = document.createElement('canvas');
    canvas.width = ${THUMB.width};
    canvas.height = ${THUMB.height};
    const ctx = canvas.getContext('2d');
    ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
    const rgba = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    const grey = [];
    for (let i = 0; i < rgba.length; i += 4)
      grey.push(0.299 * rgba[i] + 0.587 * rgba[i + 1] + 0.114 * rgba[i + 2]);
    return grey;
  })()`);

/** The still a thumbnail shows: the nearest of `thumbs`. */
function nearest(thumb: number[], thumbs: Record<string, number[]>): string {
  let best = '';
  let bestDistance = Infinity;
  for (const [name, ref] of Object.entries(thumbs)) {
    const d = ref.reduce((sum, v, i) => sum + (v - thumb[i]!) ** 2, 0);
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return best;
}

/** What the door screen says now, beside its camera: for a test's failure message. */
const doorScreenText = async (page: Page) =>
  (await page.getByTestId(/^(door-status|door-note|door-error|prompt)$/).allTextContents()).join(
    ' | ',
  );

/** Stills by name, each as the JPEG a drawn camera shows and the thumbnail that tells it apart. */
type Scenes = Record<string, { jpeg: Buffer; thumb: number[] }>;
async function scenesOf(stills: Record<string, Still>): Promise<Scenes> {
  const scenes: Scenes = {};
  for (const [name, still] of Object.entries(stills)) {
    scenes[name] = { jpeg: await stillJpeg(still), thumb: await thumbOf(still) };
  }
  return scenes;
}

/**
 * Puts `still` on the camera and presses "Take photo" once the app's camera shows it, unless
 * the request has gone meanwhile (`sent`).
 */
async function showAndTake(page: Page, still: string, scenes: Scenes, sent: () => boolean) {
  const thumbs = Object.fromEntries(Object.entries(scenes).map(([name, s]) => [name, s.thumb]));
  await showOnCamera(page, scenes[still]!.jpeg);
  await eventually(
    async () => {
      const thumb = await cameraThumb(page);
      return thumb && nearest(thumb, thumbs) === still ? true : undefined;
    },
    30_000,
    `the camera showing ${still}`,
  );
  const button = page.getByTestId('Take photo');
  const enabled = async () =>
    (await button.count()) > 0 && (await button.isEnabled({ timeout: 1000 }).catch(() => false));
  const next = await eventually(
    async () => (sent() ? 'sent' : (await enabled()) ? 'take' : undefined),
    30_000,
    'the "Take photo" button',
  ).catch(async (err: Error) => {
    throw new Error(`${err.message}; the screen says: ${await doorScreenText(page)}`);
  });
  if (next === 'take') await button.click({ timeout: 10_000 });
}

/** The door's code as its kiosk shows it now, fetched early in its 30 s so that it lasts. */
async function freshDoorCode(): Promise<string> {
  for (;;) {
    const res = await gw.call('GET', `/v1/kiosk/qr?doorId=${doorId}`, kiosk);
    expect(res.status).toBe(200);
    const { payload, refreshInSeconds } = res.body as { payload: string; refreshInSeconds: number };
    if (refreshInSeconds >= 20) return payload;
    await new Promise((r) => setTimeout(r, (refreshInSeconds + 1) * 1000));
  }
}

const PROMPTS: [RegExp, string][] = [
  [/look straight at the camera/i, 'front'],
  [/turn your head to your left/i, 'left'],
  [/turn your head to your right/i, 'right'],
];

/**
 * At the door with the phone: scans the kiosk's code, follows each prompt of the challenge with
 * the still it asks for, and answers the request's id and the decision shown.
 */
async function openTheDoor(people: { front: Still; left: Still; right: Still }) {
  const code = await codeStill(await freshDoorCode());
  const scenes = await scenesOf({ code, ...people });
  const page = await phoneWith(code);
  await signIn(page);
  await page.getByTestId('Open a door').click();
  await page
    .getByTestId('door-status')
    .filter({ hasText: "Point the camera at the door's code" })
    .waitFor({ timeout: 30_000 });
  const sent = page.waitForResponse(
    (r) => r.url().endsWith('/v1/access-requests') && r.request().method() === 'POST',
    { timeout: 120_000 },
  );
  let done = false;
  void sent.then(
    () => (done = true),
    () => (done = true),
  );
  // A frontal frame, then one per pose asked (two or three), each prompted in turn. A phone too
  // slow between two photos gets a new challenge from the app, as a person would: followed, up
  // to three challenges in all.
  let challenges = 1;
  let lastPhoto = 0;
  for (let taken = 0; !done; taken++) {
    if (taken > 12) throw new Error('more prompts than three challenges have');
    const prompt = page
      .getByTestId('prompt')
      .filter({ hasText: /look straight at the camera|turn your head to your/i });
    const shown = await eventually(
      async () => (done ? 'sent' : (await prompt.count()) > 0 ? 'prompt' : undefined),
      30_000,
      'a prompt or the request',
    );
    if (shown === 'sent') break;
    const text = ((await prompt.textContent()) ?? '').trim();
    const counterText =
      (await page
        .getByText(/^Photo \d+ of \d+$/)
        .first()
        .textContent()) ?? '';
    const photo = Number(/^Photo (\d+)/.exec(counterText)?.[1]);
    if (!photo) throw new Error(`no photo counter beside the prompt "${text}"`);
    if (photo <= lastPhoto) {
      challenges++;
      console.log(`the app started a new challenge (too slow between photos): ${challenges}`);
      if (challenges > 3) throw new Error('three challenges ran out before the photos were taken');
    }
    lastPhoto = photo;
    const counter = page.getByText(`Photo ${photo} of`);
    const still = PROMPTS.find(([re]) => re.test(text))?.[1];
    if (!still) throw new Error(`a prompt the test does not know: ${text}`);
    await showAndTake(page, still, scenes, () => done);
    // The next prompt, or the request, follows.
    await eventually(
      async () => (done || (await counter.count()) === 0 ? true : undefined),
      15_000,
      `the step after "${text}"`,
    );
  }
  const response = await sent;
  expect(response.status()).toBe(202);
  const { requestId } = (await response.json()) as { requestId: string };
  const decision = page.getByTestId('decision');
  await decision.filter({ hasText: /granted|denied/i }).waitFor({ timeout: 90_000 });
  return { page, requestId, shown: (await decision.textContent()) ?? '' };
}

it('signs the member in and enrols their face from the camera, with consent first', async () => {
  const front = await photoStill(photo('person_a_obama_1.jpg'));
  const page = await phoneWith(front);
  await page.getByLabel('Email').waitFor({ timeout: 60_000 });
  await screenshot(page, 'mobile-sign-in');
  await signIn(page);
  await screenshot(page, 'mobile-home');
  await page.getByTestId('My face').click();
  await page.getByText('I agree that roomkey processes my face').click();
  await page.getByTestId('Agree and continue').click();
  // The browser takes and shrinks each photo: many seconds on a machine busy with other work.
  for (let i = 1; i <= 2; i++) {
    await page.getByTestId('Take photo').click({ timeout: 60_000 });
    await page
      .getByTestId('photo-count')
      .filter({ hasText: new RegExp(`^${i} of \\d+ photos`) })
      .waitFor({ timeout: 60_000 });
  }
  await screenshot(page, 'mobile-enrol');
  await page.getByTestId('Enrol my face').click();
  await page
    .getByTestId('enrol-result')
    .filter({ hasText: /approval/i })
    .waitFor({ timeout: 60_000 });
  // A first face waits for an admin.
  const approved = await gw.call('POST', `/v1/users/${member.id}/face/approve`, admin);
  expect(approved.status).toBe(200);
  const status = await gw.call('GET', `/v1/users/${member.id}/face`, admin);
  expect(status.body).toMatchObject({ enrolled: true });
}, 180_000);

it('lets the member in: the kiosk code from the camera, then the challenge answered', async () => {
  const obama1 = photo('person_a_obama_1.jpg');
  const obama2 = photo('person_a_obama_2.jpg');
  const { page, requestId, shown } = await openTheDoor({
    front: await photoStill(obama1),
    right: await photoStill(obama2),
    left: await photoStill(obama2, { mirror: true }),
  });
  await screenshot(page, 'mobile-granted');
  const record = await gw.call('GET', `/v1/access-requests/${requestId}`, admin);
  expect(record.body).toMatchObject({ status: 'granted' });
  expect(shown).toMatch(/granted/i);
  await eventually(
    async () => (sim.unlocks.some((u) => u.requestId === requestId) ? true : undefined),
    30_000,
    'the unlock',
  );
  expect(sim.unlocks.filter((u) => u.requestId === requestId)).toHaveLength(1);
  // The history is the audit log's, which may reach the grant a moment after the door: the
  // screen adds it on its next refresh (every 10 s).
  await page.getByTestId('History').click();
  await page
    .getByText(/granted/i)
    .first()
    .waitFor({ timeout: 60_000 });
  await screenshot(page, 'mobile-history');
  await page.getByTestId('My pass').click();
  await page.getByRole('img').first().waitFor({ timeout: 30_000 });
  await screenshot(page, 'mobile-pass');
}, 300_000);

it('denies another person holding the member’s phone', async () => {
  const rudd1 = photo('person_c_rudd_1.jpg');
  const rudd2 = photo('person_c_rudd_2.jpg');
  const { page, requestId, shown } = await openTheDoor({
    front: await photoStill(rudd2, { mirror: true }),
    right: await photoStill(rudd2),
    left: await photoStill(rudd1, { mirror: true }),
  });
  await screenshot(page, 'mobile-denied');
  expect(shown).toMatch(/denied/i);
  const record = await gw.call('GET', `/v1/access-requests/${requestId}`, admin);
  expect(record.body).toMatchObject({ status: 'denied' });
  expect((record.body as { reasons: string[] }).reasons).toContain('face-no-match');
  expect(sim.unlocks.filter((u) => u.requestId === requestId)).toHaveLength(0);
}, 240_000);

it('signs out: the session ends on the server too', async () => {
  const page = await phoneWith(await photoStill(photo('person_a_obama_1.jpg')));
  await signIn(page);
  const logout = page.waitForResponse((r) => r.url().endsWith('/v1/auth/logout'));
  await page.getByTestId('Sign out').click();
  expect((await logout).status()).toBeLessThan(300);
  await page.getByLabel('Email').waitFor({ timeout: 15_000 });
}, 120_000);
