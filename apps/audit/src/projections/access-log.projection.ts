import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  ACCESS_DECIDED_V1,
  ACCESS_REQUESTED_V1,
  AccessDecidedV1Payload,
  AccessRequestedV1Payload,
} from '@roomkey/contracts';
import { LoggedRow, Projection, tableName } from './projection';

/**
 * A logged request has lost its QR code (redacted), so only what the log needs is read. Made
 * once: zod compiles a schema the first time it parses, so a schema made for every row costs
 * a compilation per row.
 */
const LoggedRequest = AccessRequestedV1Payload.omit({ qr: true });

/**
 * The access log: one row per access request, from its request and its decision, whichever is
 * logged first. The first decision wins; later ones (a redelivery that was published anew)
 * change nothing.
 */
@Injectable()
export class AccessLogProjection implements Projection<void> {
  readonly name = 'access-log';
  readonly table = 'access_log';
  readonly topics = [ACCESS_REQUESTED_V1, ACCESS_DECIDED_V1];

  async apply(m: EntityManager, table: string, row: LoggedRow): Promise<void> {
    const t = tableName(table);
    if (row.topic === ACCESS_REQUESTED_V1) {
      const parsed = LoggedRequest.safeParse(row.payload);
      if (!parsed.success) return;
      const p = parsed.data;
      await m.query(
        `insert into ${t} (request_id, requested_at, channel, mode, device_id, user_id, room_id, door_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict (request_id) do update set
           requested_at = excluded.requested_at, channel = excluded.channel,
           mode = excluded.mode, device_id = excluded.device_id,
           user_id = coalesce(${t}.user_id, excluded.user_id),
           room_id = coalesce(${t}.room_id, excluded.room_id),
           door_id = coalesce(${t}.door_id, excluded.door_id)
         where ${t}.requested_at is null`,
        [
          p.requestId,
          p.at,
          p.channel,
          p.mode,
          p.deviceId ?? null,
          p.userId ?? null,
          p.roomId ?? null,
          p.doorId ?? null,
        ],
      );
      return;
    }
    if (row.topic !== ACCESS_DECIDED_V1) return;
    const parsed = AccessDecidedV1Payload.safeParse(row.payload);
    if (!parsed.success) return;
    const p = parsed.data;
    await m.query(
      `insert into ${t} (request_id, decided_at, decision, reasons, user_id, room_id, door_id, lock_id, latency_ms, liveness)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       on conflict (request_id) do update set
         decided_at = excluded.decided_at, decision = excluded.decision,
         reasons = excluded.reasons, lock_id = excluded.lock_id, latency_ms = excluded.latency_ms,
         liveness = excluded.liveness,
         user_id = coalesce(excluded.user_id, ${t}.user_id),
         room_id = coalesce(excluded.room_id, ${t}.room_id),
         door_id = coalesce(excluded.door_id, ${t}.door_id)
       where ${t}.decision is null`,
      [
        p.requestId,
        row.occurredAt,
        p.decision,
        p.reasons,
        p.userId ?? null,
        p.roomId ?? null,
        p.doorId ?? null,
        p.lockId ?? null,
        p.latencyMs,
        p.liveness ?? null,
      ],
    );
  }
}
