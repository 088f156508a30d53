/**
 * kafkajs 2.2.4 fetches without a fetch session: every fetch names every partition the consumer
 * holds, and every answer lists each of them, records or not. A consumer of the flow holds dozens
 * of partitions (twelve for each topic that scales, the audit app over a hundred and forty), and
 * with records arriving one at a time each record costs a fetch. Both ends then work through every
 * partition again: the broker reads and writes each, and kafkajs decodes each, makes it a batch,
 * queues it and heartbeats after it.
 *
 * This gives each consumer's broker connection an incremental fetch session (KIP-227, which
 * kafkajs's fetch request already encodes but never sends). The first fetch names every partition
 * and opens the session; each later one names only the partitions whose fetch offset changed (and
 * those that just answered records, so the broker never relies on its own idea of where the
 * consumer is), and says which left. The broker answers with only the partitions that have
 * something to say. A broker that refuses or forgets the session, a fetch that fails, an answer for
 * a partition the session does not hold, and a session a minute old each start a new session with
 * a full fetch. ADR 032.
 */

/** One partition of a fetch request, as kafkajs's consumer group builds it. */
interface FetchPartition {
  partition: number;
  fetchOffset: string;
  maxBytes: number;
}

interface FetchTopic {
  topic: string;
  partitions: FetchPartition[];
}

/** What kafkajs's consumer group passes to `broker.fetch`. */
export interface FetchArgs {
  replicaId?: number;
  isolationLevel?: number;
  maxWaitTime?: number;
  minBytes?: number;
  maxBytes?: number;
  topics: FetchTopic[];
  rackId?: string;
}

/** A fetch answer as kafkajs decodes it (v7 and later). */
export interface FetchResponse {
  errorCode?: number;
  sessionId?: number;
  responses: { topicName: string; partitions: { partition: number; messages: unknown[] }[] }[];
}

/** A request as kafkajs's protocol builds it, ready for the broker's send. */
interface BuiltRequest {
  request: { apiVersion: number };
}

type BuildFetch = (args: FetchArgs & SessionFields) => BuiltRequest;

interface SessionFields {
  sessionId: number;
  sessionEpoch: number;
  forgottenTopics: { topic: string; partitions: number[] }[];
}

/** The broker's fields and methods this uses, as kafkajs 2.2.4 names them. */
export interface Broker {
  lookupRequest(apiKey: number, definitions: unknown): BuildFetch;
  fetch(args: FetchArgs): Promise<FetchResponse>;
}

/** The session's epochs (KIP-227): 0 opens a session (closing the one named), -1 uses none. */
const INITIAL_EPOCH = 0;
const NO_SESSION_EPOCH = -1;
/** The first fetch request version with sessions. */
const SESSIONS_SINCE_VERSION = 7;
/** kafkajs's own defaults for a fetch. */
const FETCH_DEFAULTS = { maxWaitTime: 5000, minBytes: 1, maxBytes: 10485760, rackId: '' };
const NO_SESSION: SessionFields = {
  sessionId: 0,
  sessionEpoch: NO_SESSION_EPOCH,
  forgottenTopics: [],
};
/**
 * How long one session serves before a full fetch opens the next. A session whose bookkeeping and
 * the broker's ever parted (in a way no check here sees) would hold a partition back silently;
 * renewing bounds that, for one full fetch a minute.
 */
export const SESSION_RENEW_MS = 60_000;
/** Top-level errors that mean the broker no longer holds the session as the consumer knows it. */
const SESSION_ERRORS = new Set([
  70 /* FETCH_SESSION_ID_NOT_FOUND */, 71 /* INVALID_FETCH_SESSION_EPOCH */,
]);

/** A consumer connection's session: its id and epoch, and what the broker was last told. */
export class FetchSession {
  id = 0;
  epoch = INITIAL_EPOCH;
  busy = false;

  /** `supported`: whether the broker's fetch version has sessions. */
  constructor(
    readonly supported = true,
    private readonly now: () => number = Date.now,
  ) {}

  /** topic → partition → the fetch offset and size last sent. */
  private readonly sent = new Map<string, Map<number, FetchPartition>>();
  /** When the session's full fetch was planned. */
  private openedAt = 0;

  /**
   * The request's topics and forgotten partitions for `wanted`: all of them when a session is to
   * be opened, else only what changed since the last fetch.
   */
  plan(wanted: FetchTopic[]): Pick<SessionFields, 'forgottenTopics'> & { topics: FetchTopic[] } {
    if (this.epoch !== INITIAL_EPOCH && this.now() - this.openedAt >= SESSION_RENEW_MS) {
      this.reset();
    }
    if (this.epoch === INITIAL_EPOCH) {
      this.sent.clear();
      this.openedAt = this.now();
      return { topics: wanted, forgottenTopics: [] };
    }
    const topics: FetchTopic[] = [];
    const held = new Map<string, Set<number>>();
    for (const { topic, partitions } of wanted) {
      const last = this.sent.get(topic);
      const changed = partitions.filter((p) => {
        const before = last?.get(p.partition);
        return !before || before.fetchOffset !== p.fetchOffset || before.maxBytes !== p.maxBytes;
      });
      if (changed.length) topics.push({ topic, partitions: changed });
      held.set(topic, new Set(partitions.map((p) => p.partition)));
    }
    const forgottenTopics: SessionFields['forgottenTopics'] = [];
    for (const [topic, partitions] of this.sent) {
      const still = held.get(topic);
      const gone = [...partitions.keys()].filter((p) => !still?.has(p));
      if (gone.length) forgottenTopics.push({ topic, partitions: gone });
    }
    return { topics, forgottenTopics };
  }

  /** After an answer: the session as the broker now holds it. */
  answered(planned: ReturnType<FetchSession['plan']>, res: FetchResponse): void {
    if (!res.sessionId) return this.reset(0); // the broker keeps no session for this consumer
    this.id = res.sessionId;
    this.epoch = this.epoch >= 0x7fffffff ? 1 : this.epoch + 1;
    for (const { topic, partitions } of planned.forgottenTopics) {
      const last = this.sent.get(topic);
      for (const p of partitions) last?.delete(p);
      if (last?.size === 0) this.sent.delete(topic);
    }
    for (const { topic, partitions } of planned.topics) {
      let last = this.sent.get(topic);
      if (!last) this.sent.set(topic, (last = new Map()));
      for (const p of partitions) last.set(p.partition, p);
    }
    for (const { topicName, partitions } of res.responses) {
      const last = this.sent.get(topicName);
      for (const p of partitions) {
        const before = last?.get(p.partition);
        // An answer for a partition this session does not hold: the broker's session is not the
        // one kept here, and the next fetch opens a new one.
        if (!before) return this.reset();
        // A partition that answered records is named again in the next fetch, with where the
        // consumer then is, whether or not it took them.
        if (p.messages.length) last!.set(p.partition, { ...before, fetchOffset: '' });
      }
    }
  }

  /** The next fetch opens a new session, closing the one named by `id` (0: none). */
  reset(id = this.id): void {
    this.id = id;
    this.epoch = INITIAL_EPOCH;
    this.sent.clear();
  }
}

const SESSION = Symbol('roomkey:fetchSession');

/** kafkajs's own shuffle, which its broker's fetch uses. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const shuffle = require('kafkajs/src/utils/shuffle') as <T>(items: T[]) => T[];

/**
 * The partitions in a random order, as kafkajs sends them: the broker fills an answer in the
 * order it is asked, so a partition that always has records cannot keep another's out (KIP-74).
 */
export function shuffled(topics: FetchTopic[]): FetchTopic[] {
  const flat = shuffle(
    topics.flatMap(({ topic, partitions }) => partitions.map((p) => ({ topic, p }))),
  );
  const out: FetchTopic[] = [];
  for (const { topic, p } of flat) {
    const last = out[out.length - 1];
    if (last?.topic === topic) last.partitions.push(p);
    else out.push({ topic, partitions: [p] });
  }
  return out;
}

/** kafkajs's broker class and the names its fetch needs (not part of its typed API). */
export function brokerParts(): {
  Broker: { prototype: Broker };
  sendRequest: symbol;
  apiKeys: { Fetch: number };
  requests: { Fetch: unknown };
} {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const Broker = require('kafkajs/src/broker') as { prototype: Broker };
  const apiKeys = require('kafkajs/src/protocol/requests/apiKeys') as { Fetch: number };
  const { requests } = require('kafkajs/src/protocol/requests') as { requests: { Fetch: unknown } };
  /* eslint-enable @typescript-eslint/no-require-imports */
  const sendRequest = Object.getOwnPropertySymbols(Broker.prototype).find(
    (s) => s.description === 'private:Broker:sendRequest',
  );
  if (!sendRequest || typeof Broker.prototype.fetch !== 'function' || !requests.Fetch) {
    throw new Error('kafkajs broker without fetch or its request sender: check ADR 032');
  }
  return { Broker, sendRequest, apiKeys, requests };
}

/** Puts the change in place. Refuses to start with a kafkajs whose broker differs. */
function fetchInSessions(): void {
  const { Broker, sendRequest, apiKeys, requests } = brokerParts();
  type Sending = Broker & { [SESSION]?: FetchSession } & {
    [key: symbol]: (r: BuiltRequest) => Promise<FetchResponse>;
  };

  Broker.prototype.fetch = async function (this: Sending, args: FetchArgs) {
    const build = this.lookupRequest(apiKeys.Fetch, requests.Fetch);
    const send = (fields: SessionFields, topics: FetchTopic[]) =>
      this[sendRequest](build({ ...FETCH_DEFAULTS, ...args, ...fields, topics: shuffled(topics) }));
    const sessionless = () => send(NO_SESSION, args.topics);
    const session = (this[SESSION] ??= new FetchSession(
      build({ ...args, ...NO_SESSION }).request.apiVersion >= SESSIONS_SINCE_VERSION,
    ));
    // Fetches on one connection follow one another; should two ever overlap, the second goes
    // without the session rather than race it.
    if (!session.supported || session.busy) return sessionless();
    session.busy = true;
    try {
      for (let attempt = 0; ; attempt++) {
        const planned = session.plan(args.topics);
        let res: FetchResponse;
        try {
          res = await send(
            {
              sessionId: session.id,
              sessionEpoch: session.epoch,
              forgottenTopics: planned.forgottenTopics,
            },
            planned.topics,
          );
        } catch (err) {
          session.reset();
          throw err;
        }
        if (res.errorCode && SESSION_ERRORS.has(res.errorCode) && attempt === 0) {
          session.reset(); // the full fetch closes what the broker may still hold of it
          continue;
        }
        session.answered(planned, res);
        return res;
      }
    } finally {
      session.busy = false;
    }
  };
}

fetchInSessions();
