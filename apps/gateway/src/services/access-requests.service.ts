import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  AccessRequestAccepted,
  accessRequestedV1,
  AccessRequestView,
  CreateAccessRequestBody,
  MAX_BURST_SPAN_MS,
} from '@roomkey/contracts';
import {
  DomainError,
  EventPublisher,
  mayReadAccessRequest,
  NotFoundError,
  Principal,
  publishable,
  reasonsFor,
} from '@roomkey/common';
import { AuditClient } from '../adapters/audit-client';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { RequestTracker } from '../domain/request-tracker';
import { FaceCaptures } from './face-captures';

/**
 * How long a request this instance accepted is taken to be pending without asking the log:
 * longer than the access deadline, so a decision this instance missed is still found there.
 */
const RECENTLY_ACCEPTED_MS = 10_000;

@Injectable()
export class AccessRequestsService {
  constructor(
    private readonly publisher: EventPublisher,
    private readonly tracker: RequestTracker,
    private readonly audit: AuditClient,
    private readonly captures: FaceCaptures,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /**
   * Accepts a request: it exists once `access.requested.v1` is acknowledged by the broker.
   * A member's phone scanned the room's code; a kiosk scanned a pass at one of its own doors.
   */
  async submit(
    body: CreateAccessRequestBody,
    caller: Principal,
    faces: Buffer[] = [],
  ): Promise<AccessRequestAccepted> {
    const kiosk = caller.kind === 'device';
    if (kiosk && (!body.doorId || !caller.doors.includes(body.doorId))) {
      throw new DomainError(
        'DOOR_NOT_IN_SCOPE',
        'a kiosk may only ask for the doors it is registered for (send doorId)',
        403,
      );
    }
    const burst = burstOf(body, faces);
    if (!burst && faces.length > 0 && !kiosk && this.config.FACE_PHONE_LIVENESS === 'active') {
      throw new DomainError(
        'ACTIVE_LIVENESS_REQUIRED',
        'a face from this device must answer a liveness challenge: POST /v1/face/challenges, then send its frames with challengeId and frameTimes',
        422,
      );
    }
    const requestId = randomUUID();
    const at = new Date();
    const channel = kiosk ? 'kiosk' : 'mobile';
    const capture = burst
      ? await this.captures.prepareBurst(requestId, burst, channel, caller.id)
      : faces[0]
        ? await this.captures.prepare(requestId, faces[0], channel, caller.id)
        : undefined;
    const faceCaptureId = capture?.captureId;
    // The sealed face and the request go out together, in one produce request: the face app
    // joins the capture with the QR answer whichever arrives first. A request whose capture is
    // lost is denied at its deadline, and the caller, told of the failure, sends a new one.
    const requested = publishable(accessRequestedV1, {
      key: requestId,
      correlationId: requestId,
      occurredAt: at,
      payload: {
        requestId,
        at: at.toISOString(),
        channel,
        mode: kiosk ? 'pass' : 'room-code',
        ...(body.roomId ? { roomId: body.roomId } : {}),
        ...(body.doorId ? { doorId: body.doorId } : {}),
        ...(kiosk ? { deviceId: caller.id } : { userId: caller.id }),
        qr: body.qr,
        ...(faceCaptureId ? { faceCaptureId } : {}),
      },
    });
    try {
      await this.publisher.publishAll(capture ? [capture.event, requested] : [requested]);
    } catch (err) {
      this.captures.settled(requestId);
      throw err;
    }
    this.tracker.accepted(requestId, at, {
      requesterId: caller.id,
      ...(body.doorId ? { doorId: body.doorId } : {}),
    });
    return { requestId };
  }

  /**
   * The status, waiting up to `waitMs` for a decision when it is still pending (long poll).
   * Every gateway instance consumes every decision, so whichever instance the client reaches
   * answers as soon as the decision exists.
   */
  async awaitStatus(
    requestId: string,
    caller: Principal,
    authorization: string,
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<AccessRequestView> {
    const now = await this.status(requestId, caller, authorization);
    if (now.status !== 'pending' || waitMs <= 0) return now;
    const decided = await this.tracker.waitForDecision(requestId, waitMs, signal);
    return decided ? told(caller, decided) : now;
  }

  /**
   * The request as the caller may see it: only its requester, a kiosk of its door and security
   * staff may (anyone else gets the 404 of an unknown id), and a requester is told one face
   * reason. A decision this instance saw wins; then a request it accepted moments ago, which the
   * log could only call pending (its decision comes to every instance); otherwise the audit log,
   * which checks the caller itself; otherwise what we accepted.
   */
  async status(
    requestId: string,
    caller: Principal,
    authorization: string,
  ): Promise<AccessRequestView> {
    const known = this.tracker.get(requestId);
    const owner = this.tracker.owner(requestId) ?? {};
    // Whether this instance can tell on its own that the caller may read the request.
    const readable = known !== undefined && mayReadAccessRequest(caller, owner);
    // Accepted here, so its requester is known: anyone else is told it does not exist.
    if (owner.requesterId !== undefined && !readable) throw notFound();
    if (readable) {
      if (known.status !== 'pending') return told(caller, known);
      const age = known.requestedAt ? Date.now() - Date.parse(known.requestedAt) : Infinity;
      if (age < RECENTLY_ACCEPTED_MS) return told(caller, known);
    }
    // What this instance accepted stands when the log cannot be asked right now.
    const logged = await this.audit
      .accessRequest(requestId, authorization)
      .catch((err: unknown) => {
        if (readable) return undefined;
        throw err;
      });
    if (logged && (logged.status !== 'pending' || !readable)) return logged;
    if (readable) return told(caller, known);
    throw notFound();
  }
}

/**
 * The burst a request carries (a challenge id, its frames and their times), undefined for a
 * single photo or none; a request that mixes the two up is a 400.
 */
function burstOf(
  body: CreateAccessRequestBody,
  faces: Buffer[],
): { challengeId: string; frames: Buffer[]; times: number[] } | undefined {
  const { challengeId, frameTimes } = body;
  if (!challengeId) {
    if (frameTimes !== undefined) throw badBurst('frameTimes goes with challengeId');
    if (faces.length > 1) throw badBurst('send one photo, or a burst with challengeId');
    return undefined;
  }
  if (faces.length === 0) throw badBurst('send the frames answering the challenge as `face`');
  const times = (frameTimes ?? '').split(',').filter(Boolean).map(Number);
  if (times.length !== faces.length) throw badBurst('frameTimes needs one time per frame');
  if (times.some((t, i) => t > MAX_BURST_SPAN_MS || (i > 0 && t <= times[i - 1]!))) {
    throw badBurst(`frameTimes must increase, and a burst last at most ${MAX_BURST_SPAN_MS} ms`);
  }
  return { challengeId, frames: faces, times };
}

const badBurst = (message: string) => new DomainError('BURST_INVALID', message, 400);

const notFound = () =>
  new NotFoundError('ACCESS_REQUEST_NOT_FOUND', 'no access request with this id');

/** The view with the reasons the caller may be told. */
const told = (caller: Principal, view: AccessRequestView): AccessRequestView => ({
  ...view,
  reasons: reasonsFor(caller, view.reasons),
});
