import type { z } from 'zod';
import type { QrInvalidReason } from '@roomkey/contracts';
import {
  parseCode,
  PersonalPass,
  RoomCode,
  signedWith,
  verifyRoomCode,
  VisitorPass,
} from './codes';

export type InvalidReason = z.infer<typeof QrInvalidReason>;

/** What the access flow asks: is this scanned code good for this door now? */
export interface CheckRequest {
  requestId: string;
  /** room-code: a member's phone scanned the door; pass: a kiosk scanned a pass. */
  mode: 'room-code' | 'pass';
  /** The door the request is for, when the client named one (kiosks always do). */
  doorId?: string;
  /** The signed-in member who scanned a room code. */
  userId?: string;
  qr: string;
  /** When the request was made. */
  at: Date;
}

export type CheckResult =
  | { outcome: 'valid'; doorId: string; userId?: string; passId?: string }
  | { outcome: 'invalid'; reason: InvalidReason; doorId?: string };

/** A visitor pass as the check needs it. */
export interface VisitorPassRule {
  id: string;
  doorIds: string[];
  validFrom: Date;
  validUntil: Date;
  maxUses: number;
  revoked: boolean;
  userId?: string;
}

/** One use of a pass, recorded so that it cannot be used again beyond its limit. */
export interface PassUse {
  /** `V:<passId>` or `P:<nonce>`: what the uses are counted against. */
  subject: string;
  maxUses: number;
  requestId: string;
  /** The use record may be swept after this: the pass is no good by then anyway. */
  expiresAt: Date;
}

export const personalSubject = (nonce: string) => `P:${nonce}`;
export const visitorSubject = (passId: string) => `V:${passId}`;

/** What the check reads and writes; MongoDB in the app, memory in unit tests. */
export interface CheckStore {
  doorSecret(doorId: string): Promise<Buffer | undefined>;
  passKey(keyId: string): Promise<Buffer | undefined>;
  visitorPass(passId: string): Promise<VisitorPassRule | undefined>;
  /** Whether the account is disabled or deleted, as the auth app announced. */
  accountDisabled(userId: string): Promise<boolean>;
  /** How many requests that presented the pass were denied. */
  failures(subject: string): Promise<number>;
  /**
   * Holds a use if one is left: true when this request holds a use (also when it already held
   * one: redelivery), false when the uses are gone. Must be atomic across processes. The use is
   * spent when the request is granted and given back (as a failure) when it is denied.
   */
  consume(use: PassUse): Promise<boolean>;
}

export interface CheckPolicy {
  /** A request older than this when it is checked is `expired` (the person has left). */
  maxRequestAgeMs: number;
  /** Use records outlive their pass by this much (clock skew between gateway and qr). */
  useRecordGraceMs: number;
  /** A pass presented in this many denied requests is refused (`too-many-failures`). */
  maxFailures: number;
}

const invalid = (reason: InvalidReason, doorId?: string): CheckResult => ({
  outcome: 'invalid',
  reason,
  ...(doorId ? { doorId } : {}),
});

/**
 * Decides whether a scanned code is good. The order matters for security: the format, then the
 * signature (nothing about a forged code is looked at further), then time, then the door, the
 * account the pass belongs to and the pass's failed attempts, and a pass use is held last, so a
 * code refused for any other reason keeps its uses.
 */
export async function checkCode(
  req: CheckRequest,
  store: CheckStore,
  now: Date,
  policy: CheckPolicy,
): Promise<CheckResult> {
  const code = parseCode(req.qr);
  if (typeof code === 'string') return invalid(code, req.doorId);
  // A clock ahead of ours is not trusted; one far behind is a request nobody waits for.
  const at = req.at > now ? now : req.at;
  if (now.getTime() - at.getTime() > policy.maxRequestAgeMs) return invalid('expired', req.doorId);

  if (req.mode === 'room-code') {
    if (code.kind !== 'room') return invalid('unknown-format', req.doorId);
    return checkRoomCode(req, code, at, store);
  }
  if (code.kind === 'room') return invalid('unknown-format', req.doorId);
  if (!req.doorId) return invalid('unknown-door');
  const key = await store.passKey(code.keyId);
  if (!key || !signedWith(code, key)) return invalid('bad-signature', req.doorId);
  return code.kind === 'personal'
    ? checkPersonalPass(req, req.doorId, code, at, store, policy)
    : checkVisitorPass(req, req.doorId, code, at, store, policy);
}

async function checkRoomCode(
  req: CheckRequest,
  code: RoomCode,
  at: Date,
  store: CheckStore,
): Promise<CheckResult> {
  const secret = await store.doorSecret(code.doorId);
  if (!secret) return invalid('unknown-door', req.doorId);
  const verdict = verifyRoomCode(code, secret, at);
  if (verdict === 'bad-signature') return invalid(verdict, req.doorId);
  if (verdict !== 'valid') return invalid(verdict, code.doorId);
  // The member's app may name the door it stands at; it must be the one the code shows.
  if (req.doorId && req.doorId !== code.doorId) return invalid('wrong-door', req.doorId);
  // The person is whoever scanned: the face step compares with them.
  return { outcome: 'valid', doorId: code.doorId, ...(req.userId ? { userId: req.userId } : {}) };
}

async function checkPersonalPass(
  req: CheckRequest,
  doorId: string,
  code: PersonalPass,
  at: Date,
  store: CheckStore,
  policy: CheckPolicy,
): Promise<CheckResult> {
  const expiresAt = new Date(code.expires * 1000);
  if (at > expiresAt) return invalid('expired', doorId);
  // Which doors the person may open is the access service's decision, not the pass's.
  const refused = await refusal(store, personalSubject(code.nonce), code.userId, policy);
  if (refused) return invalid(refused, doorId);
  const used = await store.consume({
    subject: personalSubject(code.nonce),
    maxUses: 1,
    requestId: req.requestId,
    expiresAt: new Date(expiresAt.getTime() + policy.useRecordGraceMs),
  });
  if (!used) return invalid('used-up', doorId);
  return { outcome: 'valid', doorId, userId: code.userId };
}

async function checkVisitorPass(
  req: CheckRequest,
  doorId: string,
  code: VisitorPass,
  at: Date,
  store: CheckStore,
  policy: CheckPolicy,
): Promise<CheckResult> {
  const pass = await store.visitorPass(code.passId);
  // Signed by us but gone from the store: it was withdrawn.
  if (!pass || pass.revoked) return invalid('revoked', doorId);
  if (at < pass.validFrom) return invalid('not-yet-valid', doorId);
  if (at >= pass.validUntil) return invalid('expired', doorId);
  if (!pass.doorIds.includes(doorId)) return invalid('wrong-door', doorId);
  const refused = await refusal(store, visitorSubject(pass.id), pass.userId, policy);
  if (refused) return invalid(refused, doorId);
  const used = await store.consume({
    subject: visitorSubject(pass.id),
    maxUses: pass.maxUses,
    requestId: req.requestId,
    expiresAt: new Date(pass.validUntil.getTime() + policy.useRecordGraceMs),
  });
  if (!used) return invalid('used-up', doorId);
  return {
    outcome: 'valid',
    doorId,
    passId: pass.id,
    ...(pass.userId ? { userId: pass.userId } : {}),
  };
}

/** Why a pass that is otherwise good is refused: its account, or its failed attempts. */
async function refusal(
  store: CheckStore,
  subject: string,
  userId: string | undefined,
  policy: CheckPolicy,
): Promise<InvalidReason | undefined> {
  if (userId && (await store.accountDisabled(userId))) return 'account-disabled';
  if ((await store.failures(subject)) >= policy.maxFailures) return 'too-many-failures';
  return undefined;
}
