import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * What travels on `locks/{lockId}/cmd`: unlock for some seconds, for one request, good until
 * `expiresAt`, numbered by a per-lock counter that only goes up, and signed with HMAC-SHA256
 * under the lock's own secret. A lock refuses a bad MAC, an expired command and any counter
 * not above the last one it accepted, so a recorded command cannot be replayed.
 */
export interface LockCommand {
  lockId: string;
  requestId: string;
  action: 'unlock';
  durationS: number;
  counter: number;
  /** Unix milliseconds. */
  expiresAt: number;
  mac: string;
}

/** What a lock answers on `locks/{lockId}/ack`, signed the same way. */
export interface LockAck {
  lockId: string;
  requestId: string;
  counter: number;
  ok: boolean;
  mac: string;
}

const canonicalCommand = (c: Omit<LockCommand, 'mac'>) =>
  ['cmd', c.lockId, c.requestId, c.action, c.durationS, c.counter, c.expiresAt].join('|');
const canonicalAck = (a: Omit<LockAck, 'mac'>) =>
  ['ack', a.lockId, a.requestId, a.counter, a.ok ? 1 : 0].join('|');

const hmac = (secret: Buffer, text: string) =>
  createHmac('sha256', secret).update(text).digest('hex');

const same = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export const signCommand = (secret: Buffer, c: Omit<LockCommand, 'mac'>): LockCommand => ({
  ...c,
  mac: hmac(secret, canonicalCommand(c)),
});

export const commandSigned = (secret: Buffer, c: LockCommand): boolean =>
  typeof c.mac === 'string' && same(c.mac, hmac(secret, canonicalCommand(c)));

export const signAck = (secret: Buffer, a: Omit<LockAck, 'mac'>): LockAck => ({
  ...a,
  mac: hmac(secret, canonicalAck(a)),
});

export const ackSigned = (secret: Buffer, a: LockAck): boolean =>
  typeof a.mac === 'string' && same(a.mac, hmac(secret, canonicalAck(a)));

export const lockTopic = (lockId: string, kind: 'cmd' | 'ack' | 'state') =>
  `locks/${lockId}/${kind}`;

export const LOCK_STATES = [
  'locked',
  'unlocked',
  'door-open',
  'door-closed',
  'forced',
  'held-open',
] as const;
export type LockState = (typeof LOCK_STATES)[number];

/**
 * What a lock reports on `locks/{lockId}/state`: that it is online, or a state of its door.
 * Numbered by a counter of the lock's own that only goes up (kept across restarts: the
 * simulator uses its clock in milliseconds) and signed like an acknowledgement, so a forged
 * report and a recorded one sent again are both refused.
 */
export interface LockReport {
  lockId: string;
  counter: number;
  online?: true;
  state?: LockState;
  mac: string;
}

const canonicalReport = (r: Omit<LockReport, 'mac'>) =>
  ['state', r.lockId, r.counter, r.online === true ? 1 : 0, r.state ?? ''].join('|');

export const signReport = (secret: Buffer, r: Omit<LockReport, 'mac'>): LockReport => ({
  ...r,
  mac: hmac(secret, canonicalReport(r)),
});

export const reportSigned = (secret: Buffer, r: LockReport): boolean =>
  typeof r.mac === 'string' && same(r.mac, hmac(secret, canonicalReport(r)));

/**
 * The last will a lock leaves with the broker when it connects: `{"online":false}`, exactly.
 * It cannot carry a counter (it is fixed at connect time, before any report it follows), so it
 * goes unsigned; it is believed because only the lock itself may publish on its state topic
 * (the broker's ACL), and the broker sends it for no one else.
 */
export const isLastWill = (body: Record<string, unknown>): boolean =>
  body.online === false && Object.keys(body).length === 1;

export const LAST_WILL = { online: false } as const;
