import sharp from 'sharp';
import { ADMIN, call, kioskToken, login, memberToken } from '../support/auth';
import { photo } from '../support/face';
import { RegisteredLock, simulatorOf } from '../support/locks';

/**
 * What an admin and a member do through the gateway's public API, for the end-to-end test and
 * the load benchmark.
 */
export class Gateway {
  constructor(readonly url: string) {}

  call(method: string, path: string, token: string, body?: unknown) {
    return call(this.url, method, path, { token, body });
  }

  /** A POST that must create: anything but a 201 is an error with the answer. */
  async create(path: string, token: string, body: unknown): Promise<Record<string, string>> {
    const res = await this.call('POST', path, token, body);
    if (res.status !== 201)
      throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as Record<string, string>;
  }

  /** A room with one door and its lock (whose secret and MQTT credentials are shown once, here). */
  async roomWithDoor(admin: string, siteId: string, name: string) {
    const room = await this.create('/v1/rooms', admin, { siteId, name });
    const lock = (await this.create('/v1/locks', admin, {
      name: `${name} lock`,
    })) as unknown as RegisteredLock;
    const door = await this.create('/v1/doors', admin, {
      roomId: room.id,
      name: `${name} door`,
      lockId: lock.id,
    });
    return { room, lock, door };
  }

  /**
   * The member consents and enrols their face with photos from the shared set, and the admin
   * approves it (a first face waits for an admin).
   */
  async enrol(
    member: { token: string; userId: string },
    files: string[],
    admin: string,
  ): Promise<void> {
    const { token } = member;
    const consent = await this.call('POST', '/v1/me/face/consent', token, {
      accept: true,
      noticeVersion: '2026-01',
    });
    if (consent.status >= 300) throw new Error(`consent: ${consent.status}`);
    const form = new FormData();
    for (const f of files) form.append('images', new Blob([photo(f)]), f);
    const res = await fetch(`${this.url}/v1/me/face`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    if (res.status !== 202) throw new Error(`enrolment: ${res.status} ${await res.text()}`);
    const approved = await this.call('POST', `/v1/users/${member.userId}/face/approve`, admin);
    if (approved.status !== 200) throw new Error(`approval: ${approved.status}`);
  }

  /** The code a kiosk shows for a door now. */
  async kioskCode(kiosk: string, doorId: string): Promise<string> {
    const res = await this.call('GET', `/v1/kiosk/qr?doorId=${doorId}`, kiosk);
    if (res.status !== 200) throw new Error(`kiosk code: ${res.status}`);
    return res.body.payload as string;
  }

  /** An access request with a photo; answers the HTTP status and the request id. */
  async request(
    token: string,
    fields: { roomId?: string; doorId?: string; qr: string },
    face: Buffer,
  ): Promise<{ status: number; requestId?: string }> {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append('face', new Blob([face]), 'face.jpg');
    const res = await fetch(`${this.url}/v1/access-requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    const body = (await res.json().catch(() => ({}))) as { requestId?: string };
    return { status: res.status, requestId: body.requestId };
  }

  /** The decision, by long poll; null when there is none after `waitS` seconds. */
  async decision(
    token: string,
    requestId: string,
    waitS = 10,
  ): Promise<{ status: string; reasons: string[] } | null> {
    const r = await this.call('GET', `/v1/access-requests/${requestId}?wait=${waitS}`, token);
    return r.body?.status && r.body.status !== 'pending'
      ? (r.body as { status: string; reasons: string[] })
      : null;
  }
}

/**
 * One room with a door, its lock answered by a simulator, a kiosk for the door, and a member
 * allowed in at any time with an enrolled face: what the load and chaos runs send requests for,
 * and what the kiosk in the browser test stands by.
 */
export async function oneDoor(gatewayUrl: string, options: { frameSize?: number } = {}) {
  const gw = new Gateway(gatewayUrl);
  const admin = (await login(gatewayUrl, ADMIN.email, ADMIN.password)).accessToken;
  const site = await gw.create('/v1/sites', admin, { name: 'Head office', timeZone: 'UTC' });
  const { room, lock, door } = await gw.roomWithDoor(admin, site.id!, 'Main room');
  const kiosk = await kioskToken(gatewayUrl, admin, [door.id!]);
  const member = await memberToken(gatewayUrl, admin);
  await gw.create('/v1/permissions', admin, { roomId: room.id, userId: member.userId });
  await gw.enrol(member, ['person_a_obama_1.jpg', 'person_a_obama_2.jpg'], admin);
  const sim = simulatorOf(lock);
  await sim.start();
  // Sent at most `frameSize` on its longer side (the photo itself otherwise). The face app works
  // on images shrunk to FACE_WORKING_SIZE (640) on the longer side, and the kiosk sends 640×360.
  const original = photo('person_a_obama_3.jpg');
  const face = options.frameSize
    ? await sharp(original)
        .resize({
          width: options.frameSize,
          height: options.frameSize,
          fit: 'inside',
          withoutEnlargement: true,
        })
        .jpeg({ quality: 90 })
        .toBuffer()
    : original;
  let code = { payload: await gw.kioskCode(kiosk.token, door.id!), at: Date.now() };
  // A kiosk's token lasts 5 minutes; like the kiosk, a long run renews it a minute before.
  let tokenAt = Date.now();
  const kioskBearer = async () => {
    if (Date.now() - tokenAt > 240_000) {
      const issued = await call(gatewayUrl, 'POST', '/v1/auth/device-token', {
        body: { deviceId: kiosk.deviceId, secret: kiosk.secret },
      });
      if (issued.status === 200) {
        kiosk.token = issued.body.accessToken as string;
        tokenAt = Date.now();
      }
    }
    return kiosk.token;
  };
  return {
    gw,
    admin,
    member,
    sim,
    room,
    door,
    /** The kiosk's device id and secret, and a token it was given. */
    kiosk,
    /** The photo each request sends. */
    face,
    /** The kiosk's current code for the door, fetched again when it is 10 s old. */
    async code() {
      if (Date.now() - code.at > 10_000)
        code = { payload: await gw.kioskCode(await kioskBearer(), door.id!), at: Date.now() };
      return code.payload;
    },
    /** Sends one request as the member at the door, with the kiosk's current code. */
    async send() {
      return gw.request(
        member.token,
        { roomId: room.id!, doorId: door.id!, qr: await this.code() },
        face,
      );
    },
  };
}
