/** What the saga has learnt about one access request, from three topics in any order. */
export interface SagaFacts {
  requested?: {
    at: Date;
    roomId?: string;
    doorId?: string;
    userId?: string;
    /** Whether a face photo was sent with the request. */
    hasFace: boolean;
  };
  qr?: {
    outcome: 'valid' | 'invalid';
    reason?: string;
    doorId?: string;
    userId?: string;
    passId?: string;
  };
  face?: { outcome: string; userId?: string; liveness?: string };
}

/** What the access model says about the request's door, room and person, when known. */
export interface Situation {
  /** The door the request is for, if it exists, and whether it requires active liveness. */
  door?: { id: string; roomId: string; requireActiveLiveness?: boolean };
  lockedDown: boolean;
  /** Whether the person may enter the room at the request's time. */
  permitted: boolean;
  /** Whether the person's account is disabled or deleted, as the auth app announced. */
  accountDisabled?: boolean;
}

export type Decision = { decision: 'granted' | 'denied'; reasons: string[] };

/** The door a request is for: the one the client named, else the one the room code shows. */
export const doorOf = (f: SagaFacts): string | undefined =>
  f.requested?.doorId ?? (f.qr?.outcome === 'valid' ? f.qr.doorId : undefined);

/** The person a request is for: whom the pass names, or who scanned the room code. */
export const personOf = (f: SagaFacts): string | undefined =>
  (f.qr?.outcome === 'valid' ? f.qr.userId : undefined) ?? f.requested?.userId;

/**
 * Granted only when everything holds, before the deadline: the QR code is valid for this door,
 * the face matches the same person (with active liveness where the door requires it), whose
 * account is not disabled, the person may enter this room now, and the room is not locked down. Denied as soon as anything fails (with every reason known by then) and the
 * request itself is known, or once the deadline has passed without a grant (`timeout`), even if
 * the last answer arrives late. A failed check can arrive before the request it answers; the
 * denial waits for the request so that it names who tried where (the repeated-denials alerts
 * count it against them). Undefined: keep waiting.
 */
export function decide(
  f: SagaFacts,
  s: Situation | undefined,
  deadlinePassed: boolean,
): Decision | undefined {
  const reasons: string[] = [];
  // A disabled account is one reason, whether the qr app or this one noticed it first.
  const disabled = f.qr?.outcome === 'invalid' && f.qr.reason === 'account-disabled';
  if (f.qr?.outcome === 'invalid' && !disabled) reasons.push(`qr-${f.qr.reason ?? 'invalid'}`);
  if (disabled || s?.accountDisabled) reasons.push('account-disabled');
  if (f.requested && !f.requested.hasFace) reasons.push('face-missing');
  if (f.face && f.face.outcome !== 'match') reasons.push(`face-${f.face.outcome}`);
  const person = personOf(f);
  if (f.face?.outcome === 'match' && f.qr?.outcome === 'valid' && f.face.userId !== person) {
    reasons.push('face-wrong-person');
  }
  if (f.requested && s) {
    const door = doorOf(f);
    if (door && !s.door) reasons.push('unknown-door');
    if (s.door && f.requested.roomId && s.door.roomId !== f.requested.roomId) {
      reasons.push('door-not-in-room');
    }
    if (s.lockedDown) reasons.push('lockdown');
    if (f.qr?.outcome === 'valid' && !s.permitted) reasons.push('no-permission');
    // A face judged by passive liveness alone does not open a door that asks for more.
    if (
      s.door?.requireActiveLiveness &&
      f.face?.outcome === 'match' &&
      f.face.liveness !== 'active'
    ) {
      reasons.push('face-liveness-not-active');
    }
  }
  if (reasons.length > 0 && (f.requested || deadlinePassed)) return { decision: 'denied', reasons };
  // Late is denied even when complete: the person has long gone from the door.
  if (deadlinePassed) return { decision: 'denied', reasons: ['timeout'] };
  const complete =
    f.requested !== undefined &&
    s !== undefined &&
    s.door !== undefined &&
    f.qr?.outcome === 'valid' &&
    f.face?.outcome === 'match';
  return complete ? { decision: 'granted', reasons: [] } : undefined;
}

/**
 * Whether the saga may decide on these facts: with the request known, both answers in, or a
 * reason to deny that the facts alone give (a failed check, no face sent), or the deadline past.
 * Otherwise it waits for the other parts; the door, the room and the permission are read when
 * it decides.
 */
export function mayDecide(f: SagaFacts, deadlinePassed: boolean): boolean {
  if (deadlinePassed) return true;
  if (!f.requested) return false;
  return (f.qr !== undefined && f.face !== undefined) || decide(f, undefined, false) !== undefined;
}
