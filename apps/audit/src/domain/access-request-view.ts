import {
  ACCESS_DECIDED_V1,
  ACCESS_REQUESTED_V1,
  AccessDecidedV1Payload,
  AccessRequestView,
} from '@roomkey/contracts';

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
