import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  AccessRequestAccepted,
  accessRequestedV1,
  AccessRequestView,
  CreateAccessRequestBody,
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
  ) {}

  /**
   * Accepts a request: it exists once `access.requested.v1` is acknowledged by the broker.
   * A member's phone scanned the room's code; a kiosk scanned a pass at one of its own doors.
   */
  async submit(
    body: CreateAccessRequestBody,
    caller: Principal,
    face?: Buffer,
  ): Promise<AccessRequestAccepted> {
    const kiosk = caller.kind === 'device';
    if (kiosk && (!body.doorId || !caller.doors.includes(body.doorId))) {
      throw new DomainError(
        'DOOR_NOT_IN_SCOPE',
        'a kiosk may only ask for the doors it is registered for (send doorId)',
        403,
      );
    }
    const requestId = randomUUID();
    const at = new Date();
    const channel = kiosk ? 'kiosk' : 'mobile';
    const capture = face
      ? await this.captures.prepare(requestId, face, channel, caller.id)
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
        roomId: body.roomId,
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

const notFound = () =>
  new NotFoundError('ACCESS_REQUEST_NOT_FOUND', 'no access request with this id');

/** The view with the reasons the caller may be told. */
const told = (caller: Principal, view: AccessRequestView): AccessRequestView => ({
  ...view,
  reasons: reasonsFor(caller, view.reasons),
});
