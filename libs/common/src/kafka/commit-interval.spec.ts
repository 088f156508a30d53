import { KafkaJSProtocolError } from 'kafkajs';
import { Runner, runnerClass } from './commit-interval';

/** A consumer group that counts the commits asked of it. */
function group(interval: number | null) {
  const asked = { commits: 0, ifNecessary: 0 };
  return {
    asked,
    offsetManager: { autoCommitInterval: interval, autoCommitThreshold: null },
    commitOffsets: async () => void (asked.commits += 1),
    commitOffsetsIfNecessary: async () => void (asked.ifNecessary += 1),
    heartbeat: async () => undefined,
  };
}

/** kafkajs's own runner methods, over a group of ours. */
function runner(g: ReturnType<typeof group>, autoCommit = true): Runner {
  const r = Object.create(runnerClass().prototype) as Runner;
  // Not consuming: a stop finds no batch to wait for.
  return Object.assign(r, {
    autoCommit,
    consumerGroup: g,
    heartbeatInterval: 1000,
    consuming: false,
  });
}

const rebalancing = () =>
  new KafkaJSProtocolError({
    message: 'rebalancing',
    type: 'REBALANCE_IN_PROGRESS',
    code: 27,
    retriable: false,
  } as unknown as string);

describe("kafkajs's consumer commits at its interval (ADR 031)", () => {
  it('commits at the end of a batch only once the interval has passed, when there is one', async () => {
    const g = group(1000);
    await runner(g).autoCommitOffsets();
    // kafkajs itself commits here whatever the interval.
    expect(g.asked).toEqual({ commits: 0, ifNecessary: 1 });

    const plain = group(null);
    await runner(plain).autoCommitOffsets();
    expect(plain.asked).toEqual({ commits: 1, ifNecessary: 0 });

    const off = group(1000);
    await runner(off, false).autoCommitOffsets();
    expect(off.asked).toEqual({ commits: 0, ifNecessary: 0 });
  });

  it('commits what was handled as soon as the group rebalances, and still fails the heartbeat', async () => {
    const g = group(1000);
    g.heartbeat = async () => {
      throw rebalancing();
    };
    await expect(runner(g).heartbeat()).rejects.toMatchObject({ type: 'REBALANCE_IN_PROGRESS' });
    expect(g.asked.commits).toBe(1);
  });

  it('commits at the interval when the topic goes quiet: after each heartbeat', async () => {
    const g = group(1000);
    await runner(g).heartbeat();
    expect(g.asked).toEqual({ commits: 0, ifNecessary: 1 });
  });

  it('commits what was handled when the consumer stops', async () => {
    const g = group(1000);
    await runner(g).waitForConsumer();
    expect(g.asked.commits).toBe(1);
  });
});
