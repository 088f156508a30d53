import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ApiError, unwrap, type Session } from '@roomkey/sdk';
import { CliError } from '../errors';
import { EXIT } from '../exit-codes';
import type { DemoSite } from './state';

export const DEMO_NAMES = {
  site: 'Demo site',
  room: 'Demo room',
  door: 'Demo door',
  lock: 'Demo lock',
  kiosk: 'Demo kiosk',
  member: { email: 'demo@roomkey.local', name: 'Demo member' },
};

/** The kiosk page's setup link, as the admin web makes it: the device and its door, base64url. */
export function kioskSetupLink(
  kioskUrl: string,
  setup: { deviceId: string; secret: string; doorId: string; roomId: string },
): string {
  return `${kioskUrl.replace(/\/+$/, '')}/#setup=${Buffer.from(JSON.stringify(setup)).toString('base64url')}`;
}

/**
 * Makes the demo site through the public API, as an admin: a site, a room, a lock, a door, a
 * kiosk for the door, and a member allowed into the room at any time, with a random password.
 * The secrets the API shows once (the lock's, the kiosk's, the member's password) are returned
 * for the caller to keep.
 */
export async function seedDemo(
  admin: Session,
  options: { gateway: string; kioskUrl: string; timeZone?: string },
): Promise<DemoSite> {
  const { api } = admin;
  const rooms = await unwrap(api.GET('/v1/rooms'));
  if (rooms.some((r) => r.name === DEMO_NAMES.room)) {
    throw new CliError(
      `a room named ${DEMO_NAMES.room} exists already, but not its demo file: remove the room (admin web) or keep using it`,
      EXIT.REFUSED,
    );
  }
  const site = await unwrap(
    api.POST('/v1/sites', {
      body: {
        name: DEMO_NAMES.site,
        timeZone: options.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC',
      },
    }),
  );
  const room = await unwrap(
    api.POST('/v1/rooms', { body: { siteId: site.id, name: DEMO_NAMES.room } }),
  );
  const lock = await unwrap(api.POST('/v1/locks', { body: { name: DEMO_NAMES.lock } }));
  const door = await unwrap(
    api.POST('/v1/doors', { body: { roomId: room.id, name: DEMO_NAMES.door, lockId: lock.id } }),
  );
  const kiosk = await unwrap(
    api.POST('/v1/devices', {
      body: { name: DEMO_NAMES.kiosk, kind: 'kiosk', doorIds: [door.id] },
    }),
  );
  // The door names its kiosk, as the admin web shows it.
  await unwrap(
    api.PATCH('/v1/doors/{id}', { params: { path: { id: door.id } }, body: { kioskId: kiosk.id } }),
  );
  const password = randomBytes(12).toString('base64url');
  let member = (
    await unwrap(
      api.GET('/v1/users', { params: { query: { q: DEMO_NAMES.member.email, limit: 10 } } }),
    )
  ).items.find((u) => u.email.toLowerCase() === DEMO_NAMES.member.email);
  if (member) {
    // A member left from an earlier demo: its password is set anew through a reset link.
    const reset = await unwrap(
      api.POST('/v1/users/{id}/password-reset', { params: { path: { id: member.id } } }),
    );
    await unwrap(
      api.POST('/v1/auth/password-reset', { body: { token: reset.token, newPassword: password } }),
    );
  } else {
    member = await unwrap(
      api.POST('/v1/users', {
        body: {
          email: DEMO_NAMES.member.email,
          displayName: DEMO_NAMES.member.name,
          password,
          roles: ['member'],
        },
      }),
    );
  }
  await unwrap(api.POST('/v1/permissions', { body: { roomId: room.id, userId: member.id } }));
  return {
    gateway: options.gateway,
    siteId: site.id,
    room: { id: room.id, name: room.name },
    door: { id: door.id, name: door.name },
    lock: { id: lock.id, secret: lock.secret, mqtt: lock.mqtt },
    kiosk: {
      id: kiosk.id,
      secret: kiosk.secret,
      setupLink: kioskSetupLink(options.kioskUrl, {
        deviceId: kiosk.id,
        secret: kiosk.secret,
        doorId: door.id,
        roomId: room.id,
      }),
    },
    member: { id: member.id, email: DEMO_NAMES.member.email, password },
    createdAt: new Date().toISOString(),
  };
}

/** Signs a person in with their password: a session of their own. */
export async function signIn(
  anonymous: (tokens?: { accessToken: string; refreshToken?: string }) => Session,
  email: string,
  password: string,
): Promise<Session> {
  const pair = await unwrap(anonymous().api.POST('/v1/auth/login', { body: { email, password } }));
  return anonymous({ accessToken: pair.accessToken, refreshToken: pair.refreshToken });
}

const readPhoto = (file: string): Blob => {
  try {
    return new Blob([readFileSync(file)]);
  } catch (err) {
    throw new CliError(
      `cannot read the photo ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      EXIT.USAGE,
    );
  }
};

/** The answer of a raw call, or the API's error with its code. */
async function answer<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok)
    throw new ApiError(
      res.status,
      String(body.code ?? `HTTP_${res.status}`),
      String(body.message ?? res.statusText),
      body.requestId as string | undefined,
    );
  return body as T;
}

/**
 * The member consents and enrols their face with 1 to 5 photos (just signed in, as enrolment
 * asks), and the admin approves it, as a first face waits for an admin.
 */
export async function enrolFace(
  admin: Session,
  member: Session,
  memberId: string,
  photos: string[],
): Promise<void> {
  if (photos.length < 1 || photos.length > 5)
    throw new CliError('1 to 5 photos of the face', EXIT.USAGE);
  const form = new FormData();
  for (const p of photos) form.append('images', readPhoto(p), path.basename(p));
  await unwrap(
    member.api.POST('/v1/me/face/consent', { body: { accept: true, noticeVersion: 'demo' } }),
  );
  const enrolled = await answer<{ pending?: unknown; enrolled?: boolean }>(
    await member.fetch('/v1/me/face', { method: 'POST', body: form }),
  );
  if (enrolled.pending) {
    await unwrap(
      admin.api.POST('/v1/users/{id}/face/approve', { params: { path: { id: memberId } } }),
    );
  }
}

export interface DoorAttempt {
  requestId: string;
  status: 'granted' | 'denied' | 'pending';
  reasons: string[];
}

/**
 * The member at the demo door: they show their pass to the kiosk, whose camera takes a photo of
 * their face (here: the photo given); waits for the decision. It goes through the kiosk, a
 * device the system registered, where a single photo judged by passive liveness is allowed: from
 * the member's phone the face would have to answer an active liveness challenge (ADR 028),
 * which a photo file cannot.
 */
export async function openDoor(
  site: DemoSite,
  anonymous: (tokens?: { accessToken: string; refreshToken?: string }) => Session,
  photo: string,
  waitS = 30,
): Promise<DoorAttempt> {
  const face = readPhoto(photo);
  const device = await unwrap(
    anonymous().api.POST('/v1/auth/device-token', {
      body: { deviceId: site.kiosk.id, secret: site.kiosk.secret },
    }),
  );
  const kiosk = anonymous({ accessToken: device.accessToken });
  const member = await signIn(anonymous, site.member.email, site.member.password);
  const pass = await unwrap(member.api.GET('/v1/me/pass'));
  const form = new FormData();
  form.append('roomId', site.room.id);
  form.append('doorId', site.door.id);
  form.append('qr', pass.payload);
  form.append('face', face, 'face.jpg');
  const { requestId } = await answer<{ requestId: string }>(
    await kiosk.fetch('/v1/access-requests', { method: 'POST', body: form }),
  );
  const deadline = Date.now() + waitS * 1000;
  for (;;) {
    const left = Math.ceil((deadline - Date.now()) / 1000);
    const state = await unwrap(
      kiosk.api.GET('/v1/access-requests/{id}', {
        params: { path: { id: requestId }, query: { wait: Math.max(0, Math.min(left, 30)) } },
      }),
    );
    if (state.status !== 'pending' || left <= 0) {
      return { requestId, status: state.status, reasons: state.reasons ?? [] };
    }
  }
}
