import { Logger } from '@nestjs/common';
import { KafkaContext } from '@nestjs/microservices';
import { z } from 'zod';
import { DeadLetterV1 } from '@roomkey/contracts';
import { PermanentEventError, TransientError } from '../errors';
import type { EventPublisher } from './event-publisher';
import { EventRunner } from './event-runner';
import type { KafkaConfig } from './kafka.tokens';

/** Records what would have gone to the broker. */
class InMemoryPublisher {
  sent: Array<{ topic: string; key: string | null; value: Buffer | null }> = [];
  async send(topic: string, key: string | null, value: Buffer | null): Promise<void> {
    this.sent.push({ topic, key, value });
  }
}

const config = {
  KAFKA_HANDLER_ATTEMPTS: 3,
  KAFKA_RETRY_BACKOFF_MS: 1,
  KAFKA_GROUP_ID: 'roomkey.test',
  KAFKA_SESSION_TIMEOUT_MS: 6000,
} as KafkaConfig;
const Schema = z.object({ eventId: z.string(), n: z.number() });

function ctx(
  value: string | null,
  offset = '7',
  topic = 'access.requested.v1',
  heartbeat?: () => Promise<void>,
): KafkaContext {
  const message = {
    key: 'k1',
    value: value === null ? null : Buffer.from(value),
    offset,
    timestamp: '0',
    headers: {},
  };
  return new KafkaContext([
    message as never,
    2,
    topic,
    undefined as never,
    heartbeat as never,
    undefined as never,
  ]);
}

describe('EventRunner', () => {
  let publisher: InMemoryPublisher;
  let runner: EventRunner;
  beforeEach(() => {
    publisher = new InMemoryPublisher();
    runner = new EventRunner(publisher as unknown as EventPublisher, config, 'test');
  });

  const letters = () =>
    publisher.sent.map((s) => ({
      topic: s.topic,
      key: s.key,
      letter: DeadLetterV1.parse(JSON.parse(s.value!.toString())).payload,
    }));

  it('hands what it cannot read on a dead-letter topic to onUnreadable, never to a .dlq.dlq', async () => {
    const unreadable: unknown[] = [];
    const onUnreadable = async (meta: { topic: string; offset: string }, error: string) =>
      void unreadable.push([meta.topic, meta.offset, error]);
    await runner.run(ctx('nope', '9', 'x.v1.dlq'), Schema, jest.fn(), onUnreadable);
    await runner.run(
      ctx('{"eventId":"e","n":1}', '10', 'x.v1.dlq'),
      Schema,
      () => Promise.reject(new PermanentEventError('cannot')),
      onUnreadable,
    );
    // Without a handler for it, the record is skipped.
    await runner.run(ctx('nope', '11', 'x.v1.dlq'), Schema, jest.fn());
    expect(unreadable).toEqual([
      ['x.v1.dlq', '9', 'record value is not JSON'],
      ['x.v1.dlq', '10', 'PermanentEventError: cannot'],
    ]);
    expect(publisher.sent).toEqual([]);
  });

  it('heartbeats while a handler waits longer than the heartbeat interval, and stops after', async () => {
    jest.useFakeTimers();
    try {
      let beats = 0;
      const heartbeat = async () => void beats++;
      let finish!: () => void;
      const running = runner.run(
        ctx('{"eventId":"e","n":1}', '7', 'access.requested.v1', heartbeat),
        Schema,
        () => new Promise<void>((r) => (finish = r)),
      );
      await jest.advanceTimersByTimeAsync(6500);
      expect(beats).toBe(6);
      finish();
      await running;
      await jest.advanceTimersByTimeAsync(5000);
      expect(beats).toBe(6);
    } finally {
      jest.useRealTimers();
    }
  });

  it('says, every 30 s, which record a handler still works on', async () => {
    jest.useFakeTimers();
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      let finish!: () => void;
      const running = runner.run(
        ctx('{"eventId":"e","n":1}', '12'),
        Schema,
        () => new Promise<void>((r) => (finish = r)),
      );
      await jest.advanceTimersByTimeAsync(29_000);
      expect(warn).not.toHaveBeenCalled();
      await jest.advanceTimersByTimeAsync(32_000);
      expect(warn.mock.calls.map(([m]) => m)).toEqual([
        "still handling access.requested.v1[2]@12 after 30 s; the partition's later records wait",
        "still handling access.requested.v1[2]@12 after 60 s; the partition's later records wait",
      ]);
      finish();
      await running;
      await jest.advanceTimersByTimeAsync(60_000);
      expect(warn).toHaveBeenCalledTimes(2);
    } finally {
      warn.mockRestore();
      jest.useRealTimers();
    }
  });

  it('hands a valid record to the handler with its position', async () => {
    const seen: unknown[] = [];
    await runner.run(
      ctx('{"eventId":"e","n":1}'),
      Schema,
      async (event, meta) => void seen.push(event, meta.offset, meta.partition),
    );
    expect(seen).toEqual([{ eventId: 'e', n: 1 }, '7', 2]);
    expect(publisher.sent).toEqual([]);
  });

  it.each([
    ['not JSON', 'nope', 'record value is not JSON'],
    ['empty', null, 'empty record value'],
    [
      'off-contract',
      '{"eventId":"e","n":"one"}',
      'record does not match its contract: n: Invalid input: expected number, received string',
    ],
  ])('dead-letters a record that is %s without calling the handler', async (_l, value, error) => {
    const handler = jest.fn();
    await runner.run(ctx(value), Schema, handler);
    expect(handler).not.toHaveBeenCalled();
    expect(letters()).toEqual([
      {
        topic: 'access.requested.v1.dlq',
        key: 'k1',
        letter: expect.objectContaining({
          sourceTopic: 'access.requested.v1',
          partition: 2,
          offset: '7',
          error,
          attempts: 1,
          consumer: 'roomkey.test',
        }),
      },
    ]);
  });

  it('retries a failing handler and succeeds without a dead letter', async () => {
    let calls = 0;
    await runner.run(ctx('{"eventId":"e","n":1}'), Schema, async () => {
      if (++calls < 3) throw new Error('flaky');
    });
    expect(calls).toBe(3);
    expect(publisher.sent).toEqual([]);
  });

  it('rethrows a transient failure after the attempts, so the record is redelivered, never dead-lettered', async () => {
    const handler = jest.fn().mockRejectedValue(new TransientError('database down'));
    await expect(runner.run(ctx('{"eventId":"e","n":1}'), Schema, handler)).rejects.toThrow(
      'database down',
    );
    expect(handler).toHaveBeenCalledTimes(3);
    expect(publisher.sent).toEqual([]);
  });

  it('treats a refused connection as transient', async () => {
    const err = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5433'), {
      code: 'ECONNREFUSED',
    });
    await expect(
      runner.run(ctx('{"eventId":"e","n":1}'), Schema, () => Promise.reject(err)),
    ).rejects.toBe(err);
  });

  it('treats a database socket that is gone as transient: PostgreSQL removes it while it restarts', async () => {
    const err = Object.assign(new Error('connect ENOENT /srv/postgres/sock/.s.PGSQL.5433'), {
      code: 'ENOENT',
      errno: -2,
      syscall: 'connect',
      address: '/srv/postgres/sock/.s.PGSQL.5433',
    });
    await expect(
      runner.run(ctx('{"eventId":"e","n":1}'), Schema, () => Promise.reject(err)),
    ).rejects.toBe(err);
    expect(publisher.sent).toEqual([]);
  });

  it('dead-letters a missing file, which a restart does not bring back', async () => {
    const err = Object.assign(new Error("ENOENT: no such file or directory, open 'x.onnx'"), {
      code: 'ENOENT',
      syscall: 'open',
    });
    await runner.run(ctx('{"eventId":"e","n":1}'), Schema, () => Promise.reject(err));
    expect(letters()[0].letter).toMatchObject({ attempts: 3 });
  });

  it('dead-letters a handler that keeps failing for a non-transient reason, with the attempts', async () => {
    const handler = jest.fn().mockRejectedValue(new TypeError('cannot read x of undefined'));
    await runner.run(ctx('{"eventId":"e","n":1}'), Schema, handler);
    expect(handler).toHaveBeenCalledTimes(3);
    expect(letters()[0].letter).toMatchObject({
      attempts: 3,
      error: 'TypeError: cannot read x of undefined',
    });
  });

  it('dead-letters a permanent failure at once', async () => {
    const handler = jest.fn().mockRejectedValue(new PermanentEventError('unknown room'));
    await runner.run(ctx('{"eventId":"e","n":1}'), Schema, handler);
    expect(handler).toHaveBeenCalledTimes(1);
    expect(letters()[0].letter).toMatchObject({
      attempts: 1,
      error: 'PermanentEventError: unknown room',
    });
  });
});
