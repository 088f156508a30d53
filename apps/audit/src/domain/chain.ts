import { createHash } from 'node:crypto';

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

/**
 * A row's hash: SHA-256 over the previous row's hash and the row's content. Editing a row
 * changes its hash; deleting one leaves the next row pointing at a hash that is no longer
 * there. Either breaks the chain from that row on.
 */
export function rowHash(prevHash: string, row: ChainedContent): string {
  const content = canonicalJson({
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
  return createHash('sha256').update(prevHash).update('\n').update(content).digest('hex');
}

export type ChainBreak = { id: string; problem: 'edited' | 'missing-before' | 'unchained' };

/**
 * Walks rows in log order and names the first that does not follow from the one before: its
 * own hash does not match its content (`edited`), or its previous hash is not the previous
 * row's hash (`missing-before`: a row was deleted or inserted out of order).
 */
export function firstBreak(
  rows: Iterable<ChainedContent & { id: string; prevHash: string | null; hash: string | null }>,
  start: { prevHash: string } = { prevHash: GENESIS },
): { broken?: ChainBreak; last: string; checked: number } {
  let expectedPrev = start.prevHash;
  let checked = 0;
  for (const row of rows) {
    checked++;
    if (!row.hash || !row.prevHash)
      return { broken: { id: row.id, problem: 'unchained' }, last: expectedPrev, checked };
    if (row.prevHash !== expectedPrev) {
      return { broken: { id: row.id, problem: 'missing-before' }, last: expectedPrev, checked };
    }
    if (rowHash(row.prevHash, row) !== row.hash) {
      return { broken: { id: row.id, problem: 'edited' }, last: expectedPrev, checked };
    }
    expectedPrev = row.hash;
  }
  return { last: expectedPrev, checked };
}
