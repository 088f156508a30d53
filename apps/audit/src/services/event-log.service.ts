import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import {
  ACCESS_DECIDED_V1,
  ACCESS_REQUESTED_V1,
  AnyEnvelope,
  AccessRequestView,
} from '@roomkey/contracts';
import type { RecordMeta } from '@roomkey/common';
import { EventLogRow } from '../repositories/event-log.entity';
import { redactPayload } from '../domain/redact';
import { accessRequestView } from '../domain/access-request-view';

@Injectable()
export class EventLogService {
  constructor(@InjectRepository(EventLogRow) private readonly rows: Repository<EventLogRow>) {}

  /**
   * Appends one consumed record. A record seen before (same position or same eventId, e.g. after
   * a redelivery or a restart) is left as it is: exactly one row per record.
   */
  async append(event: AnyEnvelope, meta: RecordMeta): Promise<void> {
    await this.rows
      .createQueryBuilder()
      .insert()
      .into(EventLogRow)
      .values({
        eventId: event.eventId,
        topic: meta.topic,
        partition: meta.partition,
        offset: meta.offset,
        key: meta.key,
        type: event.type,
        occurredAt: new Date(event.occurredAt),
        correlationId: event.correlationId,
        causationId: event.causationId,
        producer: event.producer,
        traceId: event.trace?.traceparent.split('-')[1] ?? null,
        payload: redactPayload(meta.topic, event.payload) as object,
      })
      .orIgnore()
      .execute();
  }

  async accessRequest(requestId: string): Promise<AccessRequestView | null> {
    const events = await this.rows.find({
      where: { correlationId: requestId, topic: In([ACCESS_REQUESTED_V1, ACCESS_DECIDED_V1]) },
      order: { id: 'ASC' },
    });
    return accessRequestView(requestId, events);
  }
}
