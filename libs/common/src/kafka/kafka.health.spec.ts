import { HealthIndicatorService } from '@nestjs/terminus';
import { ClusterAdmin, KafkaHealthIndicator } from './kafka.health';
import type { KafkaConfig } from './kafka.tokens';

type Cluster = Awaited<ReturnType<ClusterAdmin['describeCluster']>>;
const CLUSTER: Cluster = {
  brokers: [{ nodeId: 1, host: 'kafka', port: 9092 }],
  controller: 1,
  clusterId: 'c',
};

/** An admin client that leaves its requests unanswered until the test lets the cluster answer. */
class SlowAdmin implements ClusterAdmin {
  disconnects = 0;
  private slow = true;
  private readonly waiting: Array<(c: Cluster) => void> = [];

  connect = async () => undefined;

  describeCluster = (): Promise<Cluster> =>
    this.slow ? new Promise((resolve) => this.waiting.push(resolve)) : Promise.resolve(CLUSTER);

  disconnect = async () => {
    this.disconnects += 1;
  };

  /** From now on the cluster answers: the requests waiting and every next one. */
  answers(): void {
    this.slow = false;
    this.waiting.splice(0).forEach((resolve) => resolve(CLUSTER));
  }
}

class Checked extends KafkaHealthIndicator {
  readonly made: SlowAdmin[] = [];

  /** Hands out `admins` in turn, then new slow ones. */
  constructor(private readonly admins: SlowAdmin[] = []) {
    super({} as KafkaConfig, new HealthIndicatorService());
  }

  protected override newAdmin(): ClusterAdmin {
    const admin = this.admins.shift() ?? new SlowAdmin();
    this.made.push(admin);
    return admin;
  }
}

describe('KafkaHealthIndicator', () => {
  it('keeps a connection whose answer is merely slow, so the next check can use it', async () => {
    const indicator = new Checked();
    const first = await indicator.isHealthy('kafka', 20);
    expect(first.kafka.status).toBe('down');
    // The answer to the first request arrives after that check gave up.
    indicator.made[0].answers();
    await new Promise((r) => setImmediate(r));

    const second = await indicator.isHealthy('kafka', 1000);
    expect(second.kafka).toEqual({ status: 'up', brokers: 1 });
    expect(indicator.made).toHaveLength(1);
    expect(indicator.made[0].disconnects).toBe(0);
  });

  it('drops a connection whose request failed and connects afresh at the next check', async () => {
    const failing = new SlowAdmin();
    failing.describeCluster = () => Promise.reject(new Error('broker gone'));
    const fresh = new SlowAdmin();
    fresh.answers();
    const indicator = new Checked([failing, fresh]);

    expect((await indicator.isHealthy('kafka', 1000)).kafka).toEqual({
      status: 'down',
      reason: 'Error: broker gone',
    });
    await new Promise((r) => setImmediate(r));
    expect(failing.disconnects).toBe(1);

    expect((await indicator.isHealthy('kafka', 1000)).kafka).toEqual({ status: 'up', brokers: 1 });
    expect(indicator.made).toEqual([failing, fresh]);
  });
});
