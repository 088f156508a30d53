import { createHash, createHmac } from 'node:crypto';

/** What of a log row the chain covers: everything recorded about the event. */
export interface ChainedContent {
  eventId: string;
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  type: string;
  occurredAt: Date;
  correlationId: string;
  causationId: string | null;
  producer: string;
  traceId: string | null;
  payload: unknown;
}

/** A row as the chain sees it: its content, where it is, and what it was chained with. */
export interface ChainedRow extends ChainedContent {
  id: string;
  prevHash: string | null;
  hash: string | null;
  /** The chain key its hash was made under; null for a row chained before the chain had keys. */
  chainKeyId: string | null;
}

/** The HMAC keys of the chain by id; the current one chains new rows. */
export interface ChainKeys {
  readonly currentKeyId: string;
  /** The HMAC key of an id, or undefined when it is not known here. */
  key(id: string): Buffer | undefined;
}

/** The hash before the first row. */
export const GENESIS = '0'.repeat(64);

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

function contentText(row: ChainedContent): string {
  return canonicalJson({
    eventId: row.eventId,
    topic: row.topic,
    partition: row.partition,
    offset: String(row.offset),
    key: row.key,
    type: row.type,
    occurredAt: row.occurredAt.toISOString(),
    correlationId: row.correlationId,
    causationId: row.causationId,
    producer: row.producer,
    traceId: row.traceId,
    payload: row.payload,
  });
}

/**
 * A row's hash: HMAC-SHA256, under a key the database never sees, over the log's id, the
 * previous row's hash and the row's content. Editing a row changes its hash; deleting one leaves
 * the next row pointing at a hash that is no longer there; and without the key nobody can make
 * the hashes agree again. The log's id is in it so that it cannot be changed either (it says
 * which checkpoints are this log's).
 */
export function keyedRowHash(
  key: Buffer,
  logId: string,
  prevHash: string,
  row: ChainedContent,
): string {
  return createHmac('sha256', key)
    .update(logId)
    .update('\n')
    .update(prevHash)
    .update('\n')
    .update(contentText(row))
    .digest('hex');
}

/**
 * How rows were chained before the chain had keys: plain SHA-256 over the previous row's hash
 * and the row's content. Anyone can recompute it; such rows are checked as what they are, and
 * are held in place by the first keyed row after them, whose hash covers theirs.
 */
export function unkeyedRowHash(prevHash: string, row: ChainedContent): string {
  return createHash('sha256').update(prevHash).update('\n').update(contentText(row)).digest('hex');
}

export type ChainBreak = {
  id: string;
  problem: 'edited' | 'missing-before' | 'unchained' | 'unknown-key' | 'unkeyed';
};

/**
 * Walks the chain in log order and names the first row that does not follow from the one
 * before: its own hash does not match its content under its key (`edited`), its previous hash
 * is not the previous row's hash (`missing-before`: a row was deleted or inserted out of
 * order), it has no hash (`unchained`), it names a key that is not known (`unknown-key`), or it
 * is chained without a key after a keyed row (`unkeyed`: only rows from before the chain had
 * keys may be, so a row recomputed with plain SHA-256 is refused).
 */
export class ChainWalk {
  private expectedPrev: string;
  private keyed = false;

  constructor(
    private readonly keys: ChainKeys,
    private readonly logId: string,
    start: { prevHash: string } = { prevHash: GENESIS },
  ) {
    this.expectedPrev = start.prevHash;
  }

  /** The next row; the break it makes, or undefined when it follows. */
  next(row: ChainedRow): ChainBreak | undefined {
    const broken = (problem: ChainBreak['problem']): ChainBreak => ({ id: row.id, problem });
    if (!row.hash || !row.prevHash) return broken('unchained');
    if (row.prevHash !== this.expectedPrev) return broken('missing-before');
    if (row.chainKeyId === null) {
      if (this.keyed) return broken('unkeyed');
      if (unkeyedRowHash(row.prevHash, row) !== row.hash) return broken('edited');
    } else {
      const key = this.keys.key(row.chainKeyId);
      if (!key) return broken('unknown-key');
      if (keyedRowHash(key, this.logId, row.prevHash, row) !== row.hash) return broken('edited');
      this.keyed = true;
    }
    this.expectedPrev = row.hash;
    return undefined;
  }
}
