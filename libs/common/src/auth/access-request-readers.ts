import type { Principal } from './principal';

/** Who asked for an access request, and at which door, as far as known. */
export interface AccessRequestOwner {
  /** The member (mobile) or the kiosk (device) that sent the request. */
  requesterId?: string;
  doorId?: string;
}

/** The one face reason a requester is told: which check failed would coach a spoofer. */
export const FACE_NOT_VERIFIED = 'face-not-verified';

/** Security staff, who see each request and its precise reasons. */
export const isStaff = (caller: Principal) =>
  caller.roles.includes('admin') || caller.roles.includes('security');

/**
 * Whether the caller may read an access request: admin and security staff, the member or kiosk
 * that sent it, and a kiosk serving its door. Anyone else is told it does not exist.
 */
export function mayReadAccessRequest(caller: Principal, owner: AccessRequestOwner): boolean {
  if (isStaff(caller)) return true;
  if (owner.requesterId !== undefined && caller.id === owner.requesterId) return true;
  return (
    caller.kind === 'device' && owner.doorId !== undefined && caller.doors.includes(owner.doorId)
  );
}

/** A door requires active liveness and the face passed passive liveness only. */
const ACTIVE_REQUIRED = 'face-liveness-not-active';

/**
 * Reasons as a requester (not staff) is told them: every face reason (no match, spoof, low
 * quality, no face…) becomes `face-not-verified`, once; that the door requires active liveness
 * is told as it is, so the client can answer a challenge next time.
 */

export function reasonsFor(caller: Principal | 'requester', reasons: string[]): string[] {
  if (caller !== 'requester' && isStaff(caller)) return reasons;
  // The door's demand for active liveness is its policy, not a detail of the face.
  const told = reasons.map((r) =>
    r.startsWith('face-') && r !== ACTIVE_REQUIRED ? FACE_NOT_VERIFIED : r,
  );
  return [...new Set(told)];
}
