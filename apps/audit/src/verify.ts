import { Client } from 'pg';
import { ChainBreak, firstBreak, GENESIS } from './domain/chain';

interface Raw {
  id: string;
  event_id: string;
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  type: string;
  occurred_at: Date;
  correlation_id: string;
  causation_id: string | null;
  producer: string;
  trace_id: string | null;
  payload: unknown;
  prev_hash: string | null;
  hash: string | null;
}

/**
 * Recomputes the audit log's hash chain from the first chained row to the last, a batch at a
 * time, and names the first row that does not follow from the one before.
 */
export async function verifyChain(
  databaseUrl: string,
  batch = 1000,
): Promise<{ rows: number; broken?: ChainBreak }> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    // Rows logged before the chain existed (no hash) come first and are not checked.
    let after = (
      await db.query<{ id: string | null }>(
        'select (min(id) - 1)::text as id from event_log where hash is not null',
      )
    ).rows[0]?.id;
    if (after === null || after === undefined) return { rows: 0 };
    let prevHash = GENESIS;
    let rows = 0;
    for (;;) {
      const page: Raw[] = (
        await db.query<Raw>('select * from event_log where id > $1 order by id limit $2', [
          after,
          batch,
        ])
      ).rows;
      if (page.length === 0) return { rows };
      const result = firstBreak(
        page.map((r) => ({
          id: String(r.id),
          eventId: r.event_id,
          topic: r.topic,
          partition: r.partition,
          offset: String(r.offset),
          key: r.key,
          type: r.type,
          occurredAt: r.occurred_at,
          correlationId: r.correlation_id,
          causationId: r.causation_id,
          producer: r.producer,
          traceId: r.trace_id,
          payload: r.payload,
          prevHash: r.prev_hash,
          hash: r.hash,
        })),
        { prevHash },
      );
      rows += result.checked;
      if (result.broken) return { rows, broken: result.broken };
      prevHash = result.last;
      after = String(page[page.length - 1]!.id);
    }
  } finally {
    await db.end();
  }
}
