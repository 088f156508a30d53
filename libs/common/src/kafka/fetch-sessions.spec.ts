import {
  brokerParts,
  FetchArgs,
  FetchResponse,
  FetchSession,
  SESSION_RENEW_MS,
  shuffled,
} from './fetch-sessions';

const wanted = (offsets: Record<number, string>, topic = 't') => [
  {
    topic,
    partitions: Object.entries(offsets).map(([p, fetchOffset]) => ({
      partition: Number(p),
      fetchOffset,
      maxBytes: 1048576,
    })),
  },
];

const answer = (sessionId: number, withRecords: number[] = [], topic = 't'): FetchResponse => ({
  errorCode: 0,
  sessionId,
  responses: [
    {
      topicName: topic,
      partitions: withRecords.map((partition) => ({ partition, messages: [{}] })),
    },
  ],
});

const names = (plan: ReturnType<FetchSession['plan']>) =>
  plan.topics.flatMap((t) => t.partitions.map((p) => `${t.topic}/${p.partition}@${p.fetchOffset}`));

describe('FetchSession', () => {
  it('opens with every partition, then names only those whose offset moved', () => {
    const s = new FetchSession();
    const first = s.plan(wanted({ 0: '5', 1: '7', 2: '0' }));
    expect([names(first), s.epoch]).toEqual([['t/0@5', 't/1@7', 't/2@0'], 0]);
    s.answered(first, answer(42));
    expect([s.id, s.epoch]).toEqual([42, 1]);

    const same = s.plan(wanted({ 0: '5', 1: '7', 2: '0' }));
    expect([names(same), same.forgottenTopics]).toEqual([[], []]);
    s.answered(same, answer(42));

    const moved = s.plan(wanted({ 0: '5', 1: '8', 2: '0' }));
    expect(names(moved)).toEqual(['t/1@8']);
    s.answered(moved, answer(42));
    expect(s.epoch).toBe(3);
  });

  it('forgets a partition the consumer no longer fetches, once', () => {
    const s = new FetchSession();
    s.answered(s.plan(wanted({ 0: '1', 1: '1' })), answer(9));
    const paused = s.plan(wanted({ 0: '1' }));
    expect(paused.forgottenTopics).toEqual([{ topic: 't', partitions: [1] }]);
    s.answered(paused, answer(9));
    expect(s.plan(wanted({ 0: '1' })).forgottenTopics).toEqual([]);
    // Fetched again: named again.
    expect(names(s.plan(wanted({ 0: '1', 1: '1' })))).toEqual(['t/1@1']);
  });

  it('names a partition that answered records again, though the consumer did not move', () => {
    const s = new FetchSession();
    const first = s.plan(wanted({ 0: '3', 1: '3' }));
    s.answered(first, answer(5, [1]));
    expect(names(s.plan(wanted({ 0: '3', 1: '3' })))).toEqual(['t/1@3']);
    // And forgets it if the consumer stopped fetching it meanwhile (paused).
    expect(s.plan(wanted({ 0: '3' })).forgottenTopics).toEqual([{ topic: 't', partitions: [1] }]);
  });

  it('starts over with a full fetch when the broker keeps no session, or after a reset', () => {
    const s = new FetchSession();
    s.answered(s.plan(wanted({ 0: '1' })), answer(0));
    expect([s.id, s.epoch, names(s.plan(wanted({ 0: '1' })))]).toEqual([0, 0, ['t/0@1']]);

    s.answered(s.plan(wanted({ 0: '1' })), answer(77));
    s.reset();
    // Epoch 0 with the old id: the broker closes that session and opens a new one.
    expect([s.id, s.epoch, names(s.plan(wanted({ 0: '1' })))]).toEqual([77, 0, ['t/0@1']]);
  });

  it('opens the next session with a full fetch once the last has served a minute', () => {
    let now = 1_000_000;
    const s = new FetchSession(true, () => now);
    s.answered(s.plan(wanted({ 0: '1', 1: '2' })), answer(8));
    now += SESSION_RENEW_MS - 1;
    const still = s.plan(wanted({ 0: '1', 1: '2' }));
    expect([names(still), s.epoch]).toEqual([[], 1]);
    s.answered(still, answer(8));
    now += 1;
    const renewed = s.plan(wanted({ 0: '1', 1: '2' }));
    expect([names(renewed), s.id, s.epoch]).toEqual([['t/0@1', 't/1@2'], 8, 0]);
    s.answered(renewed, answer(9));
    expect(names(s.plan(wanted({ 0: '1', 1: '2' })))).toEqual([]);
  });

  it('opens a new session when an answer names a partition the session does not hold', () => {
    const s = new FetchSession();
    s.answered(s.plan(wanted({ 0: '1' })), answer(4));
    s.answered(s.plan(wanted({ 0: '1' })), answer(4, [3]));
    expect([s.id, s.epoch, names(s.plan(wanted({ 0: '1' })))]).toEqual([4, 0, ['t/0@1']]);
  });
});

describe("kafkajs's broker fetch in a session", () => {
  type Sent = { sessionId: number; sessionEpoch: number; topics: FetchArgs['topics'] };
  /** A broker object of kafkajs's class whose requests go to `answers`, in turn. */
  function broker(answers: (FetchResponse | Error)[], apiVersion = 11) {
    const { Broker, sendRequest } = brokerParts();
    const sent: Sent[] = [];
    const b = Object.create(Broker.prototype) as Record<string | symbol, unknown>;
    b.lookupRequest = () => (args: Sent) => ({ request: { apiVersion }, args });
    b[sendRequest] = (built: { args: Sent }) => {
      sent.push(built.args);
      const next = answers.shift()!;
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
    };
    const fetch = (offsets: Record<number, string>) =>
      (b as unknown as { fetch(a: FetchArgs): Promise<FetchResponse> }).fetch({
        topics: wanted(offsets),
      });
    const seen = () =>
      sent.map(
        (s) => `${s.sessionId}:${s.sessionEpoch}:${s.topics.flatMap((t) => t.partitions).length}`,
      );
    return { fetch, seen };
  }

  it('opens a session, then sends only what changed', async () => {
    const b = broker([answer(8), answer(8), answer(8)]);
    await b.fetch({ 0: '1', 1: '1' });
    await b.fetch({ 0: '1', 1: '1' });
    await b.fetch({ 0: '2', 1: '1' });
    expect(b.seen()).toEqual(['0:0:2', '8:1:0', '8:2:1']);
  });

  it('opens a new session at once when the broker has lost it', async () => {
    const lost = { ...answer(0), errorCode: 70 };
    const b = broker([answer(8), lost, answer(9)]);
    await b.fetch({ 0: '1', 1: '1' });
    const res = await b.fetch({ 0: '1', 1: '1' });
    expect(res.sessionId).toBe(9);
    // A full fetch naming the lost session: the broker closes whatever it still holds of it.
    expect(b.seen()).toEqual(['0:0:2', '8:1:0', '8:0:2']);
  });

  it('after a failed fetch, closes the session and opens a new one', async () => {
    const b = broker([answer(8), new Error('connection closed'), answer(9)]);
    await b.fetch({ 0: '1' });
    await expect(b.fetch({ 0: '1' })).rejects.toThrow('connection closed');
    await b.fetch({ 0: '1' });
    expect(b.seen()).toEqual(['0:0:1', '8:1:0', '8:0:1']);
  });

  it('fetches without a session from a broker too old for them', async () => {
    const b = broker([answer(0), answer(0)], 6);
    await b.fetch({ 0: '1' });
    await b.fetch({ 0: '1' });
    expect(b.seen()).toEqual(['0:-1:1', '0:-1:1']);
  });
});

describe('shuffled', () => {
  it('keeps every partition once, grouped by topic where they follow one another, in no fixed order', () => {
    const topics = [...wanted({ 0: '1', 1: '1', 2: '1' }, 'a'), ...wanted({ 0: '1' }, 'b')];
    const firsts = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const out = shuffled(topics);
      const flat = out.flatMap((t) => t.partitions.map((p) => `${t.topic}/${p.partition}`));
      expect([...flat].sort()).toEqual(['a/0', 'a/1', 'a/2', 'b/0']);
      out.slice(1).forEach((t, k) => expect(t.topic).not.toBe(out[k]!.topic));
      firsts.add(flat[0]!);
    }
    expect(firsts.size).toBe(4);
  });
});
