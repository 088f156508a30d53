import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { accessRequestedV1, AccessRequestView, CreateAccessRequestBody } from '@roomkey/contracts';
import { EventPublisher, NotFoundError } from '@roomkey/common';
import { AuditClient } from '../adapters/audit-client';
import { RequestTracker } from '../domain/request-tracker';

@Injectable()
export class AccessRequestsService {
  constructor(
    private readonly publisher: EventPublisher,
    private readonly tracker: RequestTracker,
    private readonly audit: AuditClient,
  ) {}

  /** Accepts a request: it exists once `access.requested.v1` is acknowledged by the broker. */
  async submit(body: CreateAccessRequestBody): Promise<{ requestId: string }> {
    const requestId = randomUUID();
    const at = new Date();
    await this.publisher.publish(accessRequestedV1, {
      key: requestId,
      correlationId: requestId,
      occurredAt: at,
      payload: {
        requestId,
        at: at.toISOString(),
        channel: 'mobile',
        mode: 'room-code',
        roomId: body.roomId,
        qr: body.qr,
      },
    });
    this.tracker.accepted(requestId, at);
    return { requestId };
  }

  /** A decision this instance saw wins; otherwise the audit log; otherwise what we accepted. */
  async status(requestId: string): Promise<AccessRequestView> {
    const known = this.tracker.get(requestId);
    if (known && known.status !== 'pending') return known;
    const logged = await this.audit.accessRequest(requestId);
    if (logged && (logged.status !== 'pending' || !known)) return logged;
    if (known) return known;
    throw new NotFoundError('ACCESS_REQUEST_NOT_FOUND', 'no access request with this id');
  }
}
