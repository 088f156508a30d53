import { EventEmitter } from 'node:events';
import { requestQueueClass } from './request-queue-timer';

type Queue = {
  pending: unknown[];
  inflight: Map<number, unknown>;
  throttledUntil: number;
  checkPendingRequests(): void;
  push(r: { entry: object; expectResponse: boolean; sendRequest(): void }): void;
  destroy(): void;
};

const silent = { debug: () => undefined, warn: () => undefined, error: () => undefined };

function queue(maxInFlightRequests: number | null = null): Queue {
  const RequestQueue = requestQueueClass() as unknown as new (o: object) => Queue;
  return new RequestQueue({
    instrumentationEmitter: new EventEmitter(),
    maxInFlightRequests,
    requestTimeout: 30000,
    enforceRequestTimeout: false,
    clientId: 'test',
    broker: 'kafka:9092',
    logger: silent,
  });
}

/** Counts the queue's checks over `ms`. */
async function checksOver(q: Queue, ms: number): Promise<number> {
  let checks = 0;
  const check = q.checkPendingRequests.bind(q);
  q.checkPendingRequests = () => {
    checks += 1;
    check();
  };
  await new Promise((r) => setTimeout(r, ms));
  return checks;
}

const request = (correlationId: number, sent: () => void) => ({
  entry: { correlationId, apiKey: 1, apiName: 'Fetch', apiVersion: 11 },
  expectResponse: true,
  sendRequest: sent,
});

describe('kafkajs request queue timer', () => {
  it('does not check an idle queue again and again', async () => {
    const q = queue();
    q.checkPendingRequests(); // as when a response arrives
    const checks = await checksOver(q, 100);
    q.destroy();
    expect(checks).toBe(0);
  });

  it('sends a request held back by throttling once the throttling ends', async () => {
    const q = queue();
    q.throttledUntil = Date.now() + 30;
    let sent = 0;
    q.push(request(1, () => (sent += 1)));
    expect(sent).toBe(0);
    await new Promise((r) => setTimeout(r, 80));
    q.destroy();
    expect(sent).toBe(1);
  });

  it('sends a request held back by the in-flight limit when an answer frees a place', async () => {
    const q = queue(1);
    const sent: number[] = [];
    q.push(request(1, () => sent.push(1)));
    q.push(request(2, () => sent.push(2)));
    expect(sent).toEqual([1]);
    q.inflight.delete(1); // the first request is answered
    await new Promise((r) => setTimeout(r, 40));
    q.destroy();
    expect(sent).toEqual([1, 2]);
  });
});
