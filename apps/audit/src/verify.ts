import { Client } from 'pg';
import { AuditCheckpointsV1 } from '@roomkey/contracts';
import type { CheckpointVerifier } from './adapters/checkpoint-keys';
import { ChainBreak, ChainKeys, ChainWalk } from './domain/chain';
import {
  CheckpointCheck,
  checkpointMessage,
  CheckpointProblem,
  latestCheckpoint,
  SignedCheckpoint,
} from './domain/checkpoint';

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
  chain_key_id: string | null;
}

export interface VerifyOptions {
  /** The chain's keys: every key some row was chained under. */
  keys: ChainKeys;
  /**
   * The records of audit.checkpoints.v1 (parsed JSON), and the keys their signatures are checked
   * with. Without them only the chain is checked.
   */
  checkpoints?: { records: unknown[]; verifier: CheckpointVerifier };
  batch?: number;
  /** After each batch: chained rows checked, and how many there were when the check began. */
  onProgress?: (checked: number, total: number) => void;
}

export interface CheckpointReport {
  /** Checkpoints of this log with a good signature, compared with the log. */
  checked: number;
  /** Of those, the ones whose row is there with the hash they name. */
  matched: number;
  /** The newest of them: every row up to its row is anchored outside the database. */
  latest?: { rowId: string; at: string };
  /** Rows logged after the newest checkpoint, which no checkpoint covers yet. */
  after: number;
  /** Checkpoints of other audit logs on the topic, not about this one. */
  otherLogs: number;
  /** Records on the topic that are not checkpoints at all. */
  unreadable: number;
  problems: CheckpointProblem[];
}

export interface ChainReport {
  /** The log's id, which its checkpoints name. */
  logId: string | null;
  /** Chained rows checked, in id order, up to the first break (counted). */
  rows: number;
  /** Of the rows that hold, those chained with plain SHA-256 before the chain had keys. */
  unkeyed: number;
  /** Of the rows that hold, how many under each chain key. */
  keys: Record<string, number>;
  firstRowId: string | null;
  lastRowId: string | null;
  /** The first row that does not follow from the one before. */
  broken?: ChainBreak;
  /** Undefined when no checkpoints were given. */
  checkpoints?: CheckpointReport;
}

/**
 * Recomputes the audit log's chain from the first chained row to the last, a batch at a time,
 * each row under the key it names, and names the first row that does not follow from the one
 * before. With the checkpoints, also compares each checkpointed row with what the checkpoint
 * says and finds checkpointed rows that are gone.
 */
export async function verifyChain(databaseUrl: string, opts: VerifyOptions): Promise<ChainReport> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const logId =
      (await db.query<{ log_id: string }>('select log_id::text from event_log_chain')).rows[0]
        ?.log_id ?? null;
    const sorted = opts.checkpoints && sortCheckpoints(logId, opts.checkpoints);
    const check = new CheckpointCheck(sorted?.good ?? []);
    const latest = latestCheckpoint(sorted?.good ?? []);
    const report: ChainReport = {
      logId,
      rows: 0,
      unkeyed: 0,
      keys: {},
      firstRowId: null,
      lastRowId: null,
    };
    let after = 0;
    // Rows logged before the chain existed (no hash) come first and are not checked.
    let from = (
      await db.query<{ id: string | null }>(
        'select (min(id) - 1)::text as id from event_log where hash is not null',
      )
    ).rows[0]?.id;
    const total = opts.onProgress
      ? Number(
          (
            await db.query<{ n: string }>(
              'select count(*)::text as n from event_log where hash is not null',
            )
          ).rows[0]?.n ?? 0,
        )
      : 0;
    // A log without an id cannot have its keyed rows checked: they are all wrong.
    const walk = new ChainWalk(opts.keys, logId ?? '');
    while (from !== null && from !== undefined) {
      const page = (
        await db.query<Raw>('select * from event_log where id > $1 order by id limit $2', [
          from,
          opts.batch ?? 1000,
        ])
      ).rows;
      if (page.length === 0) break;
      for (const r of page) {
        const row = {
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
          chainKeyId: r.chain_key_id,
        };
        report.rows++;
        report.firstRowId ??= row.id;
        report.lastRowId = row.id;
        check.row(row);
        if (latest && BigInt(row.id) > BigInt(latest.rowId)) after++;
        report.broken = walk.next(row);
        if (report.broken) break;
        if (row.chainKeyId === null) report.unkeyed++;
        else report.keys[row.chainKeyId] = (report.keys[row.chainKeyId] ?? 0) + 1;
      }
      opts.onProgress?.(report.rows, Math.max(total, report.rows));
      from = report.broken ? null : report.lastRowId;
    }
    if (sorted) {
      const { matched, problems } = check.finish(report.lastRowId, !report.broken);
      report.checkpoints = {
        checked: sorted.good.length,
        matched,
        ...(latest ? { latest: { rowId: latest.rowId, at: latest.at } } : {}),
        after,
        otherLogs: sorted.otherLogs,
        unreadable: sorted.unreadable,
        problems: [...sorted.forged, ...problems],
      };
    }
    return report;
  } finally {
    await db.end();
  }
}

/** The checkpoints of this log whose signatures hold; the others, counted or named. */
function sortCheckpoints(
  logId: string | null,
  given: NonNullable<VerifyOptions['checkpoints']>,
): {
  good: SignedCheckpoint[];
  forged: CheckpointProblem[];
  otherLogs: number;
  unreadable: number;
} {
  const sorted = {
    good: [] as SignedCheckpoint[],
    forged: [] as CheckpointProblem[],
    otherLogs: 0,
    unreadable: 0,
  };
  for (const record of given.records) {
    const parsed = AuditCheckpointsV1.safeParse(record);
    if (!parsed.success) sorted.unreadable++;
    else if (parsed.data.payload.logId !== logId) sorted.otherLogs++;
    else {
      const c = parsed.data.payload;
      if (given.verifier.verify(c.signingKeyId, checkpointMessage(c, c.signingKeyId), c.signature))
        sorted.good.push(c);
      else {
        sorted.forged.push({
          problem: 'bad-signature',
          rowId: c.rowId,
          at: c.at,
          signingKeyId: c.signingKeyId,
        });
      }
    }
  }
  return sorted;
}
