import { accountRecords, allLoggedOnce, describeGaps, produced, ProducedRecord } from './records';

const T = 'access.decided.v1';
const ranges = [{ topic: T, partition: 0, from: 10n, to: 14n }];

const rec = (offset: number, eventId: string | null): ProducedRecord => ({
  topic: T,
  partition: 0,
  offset: String(offset),
  timestamp: 0,
  eventId,
  type: 'access.decided',
  producer: 'access',
  correlationId: 'r1',
});
const row = (offset: number, eventId: string) => ({
  eventId,
  topic: T,
  partition: 0,
  offset: String(offset),
});

describe('the chaos run’s account of the audit log', () => {
  it('counts every offset holding its own row as logged, by offset and by event id', () => {
    const records = [rec(10, 'a'), rec(11, 'b'), rec(12, 'c'), rec(13, 'd')];
    const a = accountRecords(ranges, records, [
      row(10, 'a'),
      row(11, 'b'),
      row(12, 'c'),
      row(13, 'd'),
    ]);
    expect(a).toMatchObject({ offsets: 4, loggedByOffset: 4, events: 4, eventsLoggedOnce: 4 });
    expect(allLoggedOnce(a)).toBe(true);
  });

  it('tells a second copy of a logged event (a republish) from a record not logged at all', () => {
    // 12 is the outbox's republish of 11 after a crash; 13 never reached the log.
    const records = [rec(10, 'a'), rec(11, 'b'), rec(12, 'b'), rec(13, 'd')];
    const a = accountRecords(ranges, records, [row(10, 'a'), row(11, 'b')]);
    expect(a.loggedByOffset).toBe(2);
    expect(a.events).toBe(3);
    expect(a.eventsLoggedOnce).toBe(2);
    expect(a.duplicates.map((d) => [d.record.offset, d.loggedAt.offset])).toEqual([['12', '11']]);
    expect(a.lost.map((r) => r.offset)).toEqual(['13']);
    expect(allLoggedOnce(a)).toBe(false);
    expect(describeGaps(a)).toEqual([
      expect.stringMatching(
        /^duplicate publish: access.decided.v1\[0\]@12 event b .* logged from access.decided.v1\[0\]@11/,
      ),
      expect.stringMatching(/^lost: access.decided.v1\[0\]@13 event d .* not in the log$/),
    ]);
  });

  it('holds with duplicate publishes when every event is logged once', () => {
    const records = [rec(10, 'a'), rec(11, 'a'), rec(12, 'c'), rec(13, 'c')];
    const a = accountRecords(ranges, records, [row(10, 'a'), row(13, 'c')]);
    expect(a.loggedByOffset).toBe(2);
    expect(a.duplicates).toHaveLength(2);
    expect(allLoggedOnce(a)).toBe(true);
  });

  it('finds a copy logged from before the range, and offsets with no record to read', () => {
    const records = [rec(10, 'a'), rec(12, 'c')];
    const a = accountRecords(ranges, records, [row(9, 'a'), row(12, 'c')]);
    expect(a.duplicates[0]).toMatchObject({ loggedAt: { offset: '9' }, loggedCopy: undefined });
    expect(a.unread.map((p) => p.offset)).toEqual(['11', '13']);
    expect(allLoggedOnce(a)).toBe(false);
  });

  it('counts a record that is no envelope as lost when nothing is logged at its offset', () => {
    const a = accountRecords([{ topic: T, partition: 0, from: 10n, to: 11n }], [rec(10, null)], []);
    expect(a.lost).toHaveLength(1);
    expect(a.events).toBe(0);
  });

  it('reads the event id and envelope fields from a record’s value', () => {
    const value = Buffer.from(
      JSON.stringify({
        eventId: 'ABC',
        type: 'lock.events',
        producer: 'access',
        correlationId: 'r',
      }),
    );
    expect(
      produced({ topic: T, partition: 1, offset: '5', timestamp: '1000', key: null, value }),
    ).toEqual({
      topic: T,
      partition: 1,
      offset: '5',
      timestamp: 1000,
      eventId: 'abc',
      type: 'lock.events',
      producer: 'access',
      correlationId: 'r',
    });
    expect(
      produced({ topic: T, partition: 1, offset: '6', timestamp: '0', key: null, value: null })
        .eventId,
    ).toBeNull();
  });
});
