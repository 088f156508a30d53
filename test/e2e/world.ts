import { call } from '../support/auth';
import { photo } from '../support/face';

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

  /** A room with one door and its lock (whose secret is shown once, here). */
  async roomWithDoor(admin: string, siteId: string, name: string) {
    const room = await this.create('/v1/rooms', admin, { siteId, name });
    const lock = await this.create('/v1/locks', admin, { name: `${name} lock` });
    const door = await this.create('/v1/doors', admin, {
      roomId: room.id,
      name: `${name} door`,
      lockId: lock.id,
    });
    return { room, lock, door };
  }

  /** The member consents and enrols their face with photos from the shared set. */
  async enrol(token: string, files: string[]): Promise<void> {
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
    if (res.status !== 201) throw new Error(`enrolment: ${res.status} ${await res.text()}`);
  }

  /** The code a kiosk shows for a door now. */
  async kioskCode(kiosk: string, doorId: string): Promise<string> {
    return (await this.call('GET', `/v1/kiosk/qr?doorId=${doorId}`, kiosk)).body.payload as string;
  }

  /** An access request with a photo; answers the HTTP status and the request id. */
  async request(
    token: string,
    fields: { roomId: string; doorId: string; qr: string },
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
