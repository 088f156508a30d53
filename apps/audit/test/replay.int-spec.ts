import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { replay, ReplayedRecord } from '../src/replay';
import { produceRaw, testKafkaConnection } from '../../../test/support/kafka';

const TOPIC = 'lock.events.v1.dlq';
const connection = testKafkaConnection();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('roomkey replay', () => {
  const key = randomUUID();
  const marks: string[] = [];
  let between = '';

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) {
      if (i === 1) {
        await sleep(50);
        between = new Date().toISOString();
        await sleep(50);
      }
      const mark = `${key}-${i}`;
      marks.push(mark);
      await produceRaw(TOPIC, key, JSON.stringify({ mark }));
    }
  });

  const ours = (records: ReplayedRecord[]) =>
    records
      .map((r) => (r.value as { mark?: string } | null)?.mark)
      .filter((m): m is string => typeof m === 'string' && m.startsWith(key));

  it('from an instant starts at the first record at or after it, on every partition', async () => {
    const seen: ReplayedRecord[] = [];
    await replay({ connection, topic: TOPIC, from: between }, (r) => void seen.push(r));
    expect(ours(seen)).toEqual([marks[1], marks[2]]);
    expect(seen.every((r) => r.timestamp >= between)).toBe(true);
  });

  it('from an offset, up to an offset', async () => {
    const all: ReplayedRecord[] = [];
    await replay({ connection, topic: TOPIC, from: between }, (r) => void all.push(r));
    const second = all.find((r) => (r.value as { mark?: string }).mark === marks[1])!;
    const seen: ReplayedRecord[] = [];
    await replay(
      { connection, topic: TOPIC, from: second.offset, to: second.offset },
      (r) => void seen.push(r),
    );
    expect(ours(seen.filter((r) => r.partition === second.partition))).toEqual([marks[1]]);
  });

  it('prints JSON lines from the command line', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['clients/cli/bin/roomkey.js', '--json', 'replay', '--topic', TOPIC, '--from', between],
      { cwd: path.resolve(__dirname, '../../..') },
    );
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as ReplayedRecord);
    expect(ours(lines)).toEqual([marks[1], marks[2]]);
  });
});
