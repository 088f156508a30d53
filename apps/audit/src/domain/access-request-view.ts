import {
  ACCESS_DECIDED_V1,
  ACCESS_REQUESTED_V1,
  AccessDecidedV1Payload,
  AccessRequestView,
} from '@roomkey/contracts';
import type { AccessRequestOwner } from '@roomkey/common';

export interface LoggedEvent {
  topic: string;
  occurredAt: Date;
  payload: unknown;
}

/**
 * The state of one access request from its logged events: unknown (null) until the request is
 * logged, pending until a decision is, then the decision. The first decision wins.
 */
export function accessRequestView(
  requestId: string,
  events: LoggedEvent[],
): AccessRequestView | null {
  const requested = events.find((e) => e.topic === ACCESS_REQUESTED_V1);
  const decidedEvent = events.find((e) => e.topic === ACCESS_DECIDED_V1);
  const decided = decidedEvent ? AccessDecidedV1Payload.safeParse(decidedEvent.payload) : undefined;
  if (!requested && !decided?.success) return null;
  return {
    requestId,
    status: decided?.success ? decided.data.decision : 'pending',
    reasons: decided?.success ? decided.data.reasons : [],
    requestedAt: requested ? requested.occurredAt.toISOString() : null,
    decidedAt: decidedEvent && decided?.success ? decidedEvent.occurredAt.toISOString() : null,
  };
}

/** Who sent the request (the member, or the kiosk) and its door, from its logged events. */
export function accessRequestOwner(events: LoggedEvent[]): AccessRequestOwner {
  const field = (topic: string, name: string) => {
    const payload = events.find((e) => e.topic === topic)?.payload as
      Record<string, unknown> | undefined;
    const value = payload?.[name];
    return typeof value === 'string' ? value : undefined;
  };
  const requesterId =
    field(ACCESS_REQUESTED_V1, 'deviceId') ?? field(ACCESS_REQUESTED_V1, 'userId');
  const doorId = field(ACCESS_REQUESTED_V1, 'doorId') ?? field(ACCESS_DECIDED_V1, 'doorId');
  return { ...(requesterId ? { requesterId } : {}), ...(doorId ? { doorId } : {}) };
}
