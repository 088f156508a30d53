/**
 * kafkajs 2.2.4 commits a consumer's offsets after every batch it hands to the app, whatever
 * `autoCommitInterval` says: it honours the interval after each record, then commits anyway
 * once the batch is done. With the flow's records arriving one at a time, each delivery costs
 * an OffsetCommit request, which the app sends and the broker writes to its offsets log.
 *
 * This makes the commit at the end of a batch honour the interval, when the consumer was run
 * with one, and keeps kafkajs's commits that do not wait: when the group starts to rebalance
 * (the partitions may go to another member) and, added here, when the consumer stops. A topic
 * that goes quiet has its last offsets committed at the first heartbeat after the interval,
 * which an idle consumer sends after each empty fetch. A consumer run without an interval
 * commits after every batch as before. ADR 031.
 */

/** The consumer group's methods this calls, as kafkajs 2.2.4 names them. */
interface ConsumerGroup {
  offsetManager: { autoCommitInterval: number | null; autoCommitThreshold: number | null };
  commitOffsets(): Promise<void>;
  commitOffsetsIfNecessary(): Promise<void>;
}

/** The runner's fields and methods this reads or replaces. */
export interface Runner {
  autoCommit: boolean;
  consumerGroup: ConsumerGroup;
  autoCommitOffsets(): Promise<void> | undefined;
  heartbeat(): Promise<void>;
  waitForConsumer(): Promise<void>;
}

/** kafkajs's consumer runner class (not part of its typed API). */
export function runnerClass(): { prototype: Runner } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('kafkajs/src/consumer/runner') as { prototype: Runner };
}

/** kafkajs's own test for an error that means the group is rebalancing. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { isRebalancing } = require('kafkajs/src/errors') as {
  isRebalancing(e: unknown): boolean;
};

const hasInterval = (group: ConsumerGroup) =>
  group.offsetManager.autoCommitInterval != null || group.offsetManager.autoCommitThreshold != null;

/** Puts the change in place. Refuses to start with a kafkajs whose runner differs. */
function commitAtTheInterval(): void {
  const proto = runnerClass().prototype;
  for (const method of ['autoCommitOffsets', 'heartbeat', 'waitForConsumer'] as const) {
    if (typeof proto[method] !== 'function') {
      throw new Error(`kafkajs consumer runner without ${method}: check ADR 031`);
    }
  }
  const heartbeat = proto.heartbeat;
  const waitForConsumer = proto.waitForConsumer;

  // Called after each batch, and when a handler fails: at the interval when there is one.
  proto.autoCommitOffsets = function (this: Runner) {
    if (!this.autoCommit) return undefined;
    return hasInterval(this.consumerGroup)
      ? this.consumerGroup.commitOffsetsIfNecessary()
      : this.consumerGroup.commitOffsets();
  };

  proto.heartbeat = async function (this: Runner) {
    try {
      await heartbeat.call(this);
    } catch (err) {
      // The group rebalances: what was handled is committed before the partitions move.
      if (this.autoCommit && isRebalancing(err)) {
        await this.consumerGroup.commitOffsets().catch(() => undefined);
      }
      throw err;
    }
    if (this.autoCommit) await this.consumerGroup.commitOffsetsIfNecessary();
  };

  // Called only when the consumer stops, once its last batch is done.
  proto.waitForConsumer = async function (this: Runner) {
    await waitForConsumer.call(this);
    if (this.autoCommit) await this.consumerGroup.commitOffsets().catch(() => undefined);
  };
}

commitAtTheInterval();
