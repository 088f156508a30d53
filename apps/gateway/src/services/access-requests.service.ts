import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { accessRequestedV1, AccessRequestView, CreateAccessRequestBody } from '@roomkey/contracts';
import {
  DomainError,
  EventPublisher,
  NotFoundError,
  Principal,
  publishable,
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
  ): Promise<{ requestId: string }> {
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
    const capture = face ? this.captures.prepare(requestId, face, channel) : undefined;
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
    await this.publisher.publishAll(capture ? [capture.event, requested] : [requested]);
    this.tracker.accepted(requestId, at);
    return { requestId };
  }

  /**
   * The status, waiting up to `waitMs` for a decision when it is still pending (long poll).
   * Every gateway instance consumes every decision, so whichever instance the client reaches
   * answers as soon as the decision exists.
   */
  async awaitStatus(
    requestId: string,
    authorization: string,
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<AccessRequestView> {
    const now = await this.status(requestId, authorization);
    if (now.status !== 'pending' || waitMs <= 0) return now;
    return (await this.tracker.waitForDecision(requestId, waitMs, signal)) ?? now;
  }

  /**
   * A decision this instance saw wins; then a request it accepted moments ago, which the log
   * could only call pending (its decision comes to every instance); otherwise the audit log;
   * otherwise what we accepted.
   */
  async status(requestId: string, authorization: string): Promise<AccessRequestView> {
    const known = this.tracker.get(requestId);
    if (known && known.status !== 'pending') return known;
    if (known?.requestedAt && Date.now() - Date.parse(known.requestedAt) < RECENTLY_ACCEPTED_MS) {
      return known;
    }
    // What this instance accepted stands when the log cannot be asked right now.
    const logged = await this.audit
      .accessRequest(requestId, authorization)
      .catch((err: unknown) => {
        if (known) return undefined;
        throw err;
      });
    if (logged && (logged.status !== 'pending' || !known)) return logged;
    if (known) return known;
    throw new NotFoundError('ACCESS_REQUEST_NOT_FOUND', 'no access request with this id');
  }
}
