import type { OffsetRange, StoredRecord } from '../../test/support/kafka';

/** A record produced during a run, with what its envelope says about it. */
export interface ProducedRecord {
  topic: string;
  partition: number;
  offset: string;
  /** Unix milliseconds, as the producer stamped it. */
  timestamp: number;
  /** Null when the value is no envelope with an event id. */
  eventId: string | null;
  type: string | null;
  producer: string | null;
  correlationId: string | null;
}

/** Where an event_log row says its record was. */
export interface LoggedPosition {
  eventId: string;
  topic: string;
  partition: number;
  offset: string;
}

/** An offset without a row of its own whose event is logged from another offset. */
export interface Duplicate {
  record: ProducedRecord;
  loggedAt: LoggedPosition;
  /** The copy that was logged, when it was produced during the run too. */
  loggedCopy?: ProducedRecord;
}

/**
 * The audit log against the records produced in some offset ranges, counted two ways:
 *
 * - by offset: how many offsets hold a row of their own;
 * - by event id: how many of the events those records carry are logged exactly once.
 *
 * An offset without a row is either a second copy of an event logged from another offset (a
 * duplicate publish, which the log rightly records once) or a record whose event is not in the
 * log at all (lost). An offset with no record to read (a transaction marker) is counted apart.
 */
export interface RecordAccount {
  offsets: number;
  /** Offsets holding a row of their own. */
  loggedByOffset: number;
  /** Distinct event ids among the records read. */
  events: number;
  eventsLoggedOnce: number;
  /** Event ids with more than one row (the log's unique index should make this impossible). */
  eventsLoggedTwice: string[];
  duplicates: Duplicate[];
  lost: ProducedRecord[];
  /** Offsets in the ranges that no record was read from. */
  unread: { topic: string; partition: number; offset: string }[];
}

/** The event id and envelope fields of a record; nulls when it is not an envelope. */
export function produced(record: StoredRecord): ProducedRecord {
  let envelope: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(record.value?.toString('utf8') ?? '');
    if (parsed && typeof parsed === 'object') envelope = parsed as Record<string, unknown>;
  } catch {
    // not JSON: no event id
  }
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: Number(record.timestamp),
    eventId: text(envelope.eventId)?.toLowerCase() ?? null,
    type: text(envelope.type),
    producer: text(envelope.producer),
    correlationId: text(envelope.correlationId),
  };
}

const at = (p: { topic: string; partition: number; offset: string }) =>
  `${p.topic}[${p.partition}]@${p.offset}`;

/** Accounts for the records of `ranges` against the rows logged for them. */
export function accountRecords(
  ranges: OffsetRange[],
  records: ProducedRecord[],
  rows: LoggedPosition[],
): RecordAccount {
  const inRange = (p: { topic: string; partition: number; offset: string }) =>
    ranges.some(
      (r) =>
        r.topic === p.topic &&
        r.partition === p.partition &&
        BigInt(p.offset) >= r.from &&
        BigInt(p.offset) < r.to,
    );
  const mine = records.filter(inRange);
  const rowAt = new Map(rows.map((r) => [at(r), r]));
  const rowsOf = new Map<string, LoggedPosition[]>();
  for (const r of rows) rowsOf.set(r.eventId, [...(rowsOf.get(r.eventId) ?? []), r]);
  const recordAt = new Map(records.map((r) => [at(r), r]));

  const offsets = ranges.reduce((n, r) => n + Number(r.to > r.from ? r.to - r.from : 0n), 0);
  const read = new Set(mine.map(at));
  const unread: RecordAccount['unread'] = [];
  for (const r of ranges) {
    for (let o = r.from; o < r.to; o++) {
      const p = { topic: r.topic, partition: r.partition, offset: String(o) };
      if (!read.has(at(p))) unread.push(p);
    }
  }

  const duplicates: Duplicate[] = [];
  const lost: ProducedRecord[] = [];
  let loggedByOffset = 0;
  for (const record of mine) {
    if (rowAt.has(at(record))) {
      loggedByOffset++;
      continue;
    }
    const elsewhere = record.eventId ? rowsOf.get(record.eventId)?.[0] : undefined;
    if (elsewhere) {
      duplicates.push({ record, loggedAt: elsewhere, loggedCopy: recordAt.get(at(elsewhere)) });
    } else {
      lost.push(record);
    }
  }
  const events = new Set(mine.flatMap((r) => (r.eventId ? [r.eventId] : [])));
  const eventsLoggedOnce = [...events].filter((id) => rowsOf.get(id)?.length === 1).length;
  const eventsLoggedTwice = [...events].filter((id) => (rowsOf.get(id)?.length ?? 0) > 1);
  return {
    offsets,
    loggedByOffset,
    events: events.size,
    eventsLoggedOnce,
    eventsLoggedTwice,
    duplicates,
    lost,
    unread,
  };
}

/** Whether every record is in the log once: nothing lost, unread, or logged twice. */
export const allLoggedOnce = (a: RecordAccount): boolean =>
  a.lost.length === 0 &&
  a.unread.length === 0 &&
  a.eventsLoggedTwice.length === 0 &&
  a.eventsLoggedOnce === a.events;

const time = (ms: number) => new Date(ms).toISOString().slice(11, 23);

/** One line per offset without a row of its own: which record, which event, why. */
export function describeGaps(a: RecordAccount): string[] {
  const what = (r: ProducedRecord) =>
    `${at(r)} event ${r.eventId ?? '(none)'} (${r.type ?? '?'} from ${r.producer ?? '?'}, ` +
    `correlation ${r.correlationId ?? '?'}, produced ${time(r.timestamp)})`;
  return [
    ...a.duplicates.map(
      (d) =>
        `duplicate publish: ${what(d.record)} is logged from ${at(d.loggedAt)}` +
        (d.loggedCopy ? ` (produced ${time(d.loggedCopy.timestamp)})` : ''),
    ),
    ...a.lost.map((r) => `lost: ${what(r)} is not in the log`),
    ...a.unread.map((p) => `no record to read at ${at(p)} (a transaction marker?)`),
    ...a.eventsLoggedTwice.map((id) => `logged twice: event ${id}`),
  ];
}
