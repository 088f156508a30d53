import { Keyring, stackSettings } from '@roomkey/common';
import { ACCESS_DECIDED_V1, ALL_TOPICS, LOCK_EVENTS_V1 } from '@roomkey/contracts';
import { chainKeys } from '../apps/audit/src/adapters/chain-keys';
import { verifyChain } from '../apps/audit/src/verify';
import { OffsetRange, partitionEnds, readRanges, testKafka } from '../test/support/kafka';
import { query } from '../test/support/postgres';
import {
  APPS,
  AppName,
  LOAD_GENERATOR_ENV,
  parseInstances,
  RunningSystem,
  startSystem,
} from '../test/e2e/system';
import { oneDoor } from '../test/e2e/world';
import {
  accountRecords,
  allLoggedOnce,
  describeGaps,
  LoggedPosition,
  produced,
  ProducedRecord,
  RecordAccount,
} from './chaos/records';
import { FerretDbServer } from './stack/ferretdb';
import { KafkaServer } from './stack/kafka';
import { MosquittoServer } from './stack/mosquitto';
import { PostgresServer } from './stack/postgres';
import { record } from './test-results';

/**
 * `npm run test:chaos`: the whole system under a steady load (CHAOS_RATE requests/s, default
 * 3) while, one after the other, each app is killed with SIGKILL and started again, two pairs of
 * apps are killed at once, and the Kafka broker, PostgreSQL, FerretDB and Mosquitto are each
 * stopped and started again. Afterwards it checks, and prints the counts for the whole run and
 * for each disruption:
 *   - every request the gateway accepted got exactly one decision;
 *   - no request unlocked the lock twice, and the lock acted on no command past its expiry;
 *   - every grant's unlock was acknowledged by the lock or recorded as failed, once;
 *   - every record produced during the run is in the audit log once, counted by offset and by
 *     event id (an offset without a row of its own must be a second copy of an event logged
 *     from another offset), and the log's hash chain verifies.
 * Exit 0 when all hold. With CHAOS_INSTANCES (`2` for two of every app, or `face=2,access=2`)
 * the apps run as several instances behind balancers, and the failover is what is disrupted:
 * one instance of each scaled app is killed in turn while the others carry on, then every
 * instance of an app at once; each phase reports how long its slowest request took to be
 * decided (for a request held by the killed instance: the group's rebalance and redelivery).
 */
const RATE = Number(process.env.CHAOS_RATE ?? 3);
const INSTANCES = parseInstances(process.env.CHAOS_INSTANCES);
/** How long each disruption lasts before what it took away is started again. */
const DOWN_MS = 3000;
const ORDER: AppName[] = ['qr', 'face', 'access', 'audit', 'auth', 'gateway'];
/**
 * Apps killed together: the one that decides and relays its outbox with the one that logs it,
 * and the two checks every request waits for.
 */
const PAIRS: AppName[][] = [
  ['access', 'audit'],
  ['qr', 'face'],
];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (line: string) => console.log(`[chaos] ${line}`);
const clock = (ms = Date.now()) => new Date(ms).toISOString().slice(11, 23);
/** Up to five ids, to look up in the apps' logs. */
const some = (ids: string[]) =>
  ids.length === 0 ? '' : ` (${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''})`;

/** Something taken away under load and brought back. */
interface Disruption {
  name: string;
  down(): Promise<unknown>;
  up(): Promise<unknown>;
  /** How long the load runs on once it is back, before the next disruption. */
  settleMs: number;
  /** Nothing is down for long: no request of the phase may be denied for its deadline. */
  rolling?: boolean;
}

function disruptions(sys: RunningSystem): Disruption[] {
  const s = stackSettings();
  const kafka = new KafkaServer(s);
  const postgres = new PostgresServer(s);
  const ferret = new FerretDbServer(s);
  const mosquitto = new MosquittoServer(s);
  const kill = (apps: AppName[]): Disruption => ({
    name: `kill -9 ${apps.map((a) => (sys.instances[a] > 1 ? `every ${a}` : a)).join(' + ')}`,
    down: () => Promise.all(apps.map((a) => sys.crash(a))),
    up: () => Promise.all(apps.map((a) => sys.restart(a))),
    settleMs: 5000,
  });
  /** One instance of a scaled app: the last, its others serving on. */
  const killOne = (app: AppName): Disruption => {
    const last = sys.instances[app] - 1;
    return {
      name: `kill -9 ${app}-${last + 1} of ${sys.instances[app]}`,
      down: () => sys.crash(app, last),
      up: () => sys.restart(app, last),
      settleMs: 5000,
    };
  };
  /**
   * A rolling update of a scaled app, as Kubernetes makes one: each instance in turn stopped
   * with SIGTERM and started again, the next only once it is ready. Its others serve on, so
   * no request may wait for a deadline.
   */
  const roll = (app: AppName): Disruption => ({
    name: `rolling restart of ${app}`,
    rolling: true,
    down: async () => {
      for (let i = 0; i < sys.instances[app]; i++) {
        await sys.terminate(app, i);
        await sys.restart(app, i);
      }
    },
    up: async () => {},
    settleMs: 5000,
  });
  const scaled = ORDER.filter((a) => sys.instances[a] > 1);
  const apps = scaled.length
    ? [
        ...scaled.map(roll),
        ...scaled.map(killOne),
        kill([scaled.includes('access') ? 'access' : scaled[0]!]),
      ]
    : [...ORDER.map((app) => kill([app])), ...PAIRS.map(kill)];
  return [
    ...apps,
    {
      name: 'restart Kafka',
      down: () => kafka.daemon.stop(),
      up: () => kafka.start(),
      settleMs: 15000,
    },
    {
      name: 'restart PostgreSQL',
      down: () => postgres.stop(),
      up: () => postgres.start(),
      settleMs: 8000,
    },
    {
      name: 'restart FerretDB',
      down: () => ferret.daemon.stop(),
      up: () => ferret.start(),
      settleMs: 5000,
    },
    {
      name: 'restart Mosquitto',
      down: () => mosquitto.daemon.stop(),
      up: () => mosquitto.start(),
      settleMs: 8000,
    },
  ];
}

/** Each partition's high watermark, `topic:partition` to offset. */
type Marks = Map<string, bigint>;

async function highWater(): Promise<Marks> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    const marks: Marks = new Map();
    // What the audit log holds: every topic but its own checkpoints.
    for (const t of ALL_TOPICS.filter((x) => x.consumers.includes('audit'))) {
      for (const p of await partitionEnds(admin, t.name)) {
        marks.set(`${t.name}:${p.partition}`, BigInt(p.high));
      }
    }
    return marks;
  } finally {
    await admin.disconnect();
  }
}

/** The offsets written between two marks. */
function rangesBetween(from: Marks, to: Marks): OffsetRange[] {
  return [...to].map(([k, high]) => {
    const cut = k.lastIndexOf(':');
    return {
      topic: k.slice(0, cut),
      partition: Number(k.slice(cut + 1)),
      from: from.get(k) ?? 0n,
      to: high,
    };
  });
}

/** A stretch of the run: the steady start, then one per disruption. */
interface Phase {
  name: string;
  /** When it began (Unix ms) and the partitions' ends then. */
  from: number;
  marks: Marks;
  /** When what it took away went down and came back. */
  downAt?: number;
  upAt?: number;
  rolling?: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The rows logged for some records: at their offsets, or carrying their event ids. */
async function loggedRows(
  db: string,
  ranges: OffsetRange[],
  records: ProducedRecord[],
): Promise<LoggedPosition[]> {
  return query<LoggedPosition>(
    db,
    `select event_id::text as "eventId", topic, partition, "offset"::text as "offset"
       from event_log where event_id = any($1::uuid[])
     union
     select e.event_id::text, e.topic, e.partition, e."offset"::text
       from unnest($2::text[], $3::int[], $4::bigint[], $5::bigint[]) as r(topic, partition, lo, hi)
       join event_log e on e.topic = r.topic and e.partition = r.partition
        and e."offset" >= r.lo and e."offset" < r.hi`,
    [
      records.flatMap((r) => (r.eventId && UUID.test(r.eventId) ? [r.eventId] : [])),
      ranges.map((r) => r.topic),
      ranges.map((r) => r.partition),
      ranges.map((r) => String(r.from)),
      ranges.map((r) => String(r.to)),
    ],
  );
}

interface Decision {
  requestId: string;
  decision: string;
  reasons: string;
  at: Date;
}

async function decisionsOf(db: string, requestIds: string[]): Promise<Decision[]> {
  return query<Decision>(
    db,
    `select correlation_id as "requestId", payload->>'decision' as decision,
            payload->>'reasons' as reasons, occurred_at as at
     from event_log where topic = $1 and correlation_id = any($2)`,
    [ACCESS_DECIDED_V1, requestIds],
  );
}

/** What the access app recorded of each unlock command: `ack` or `command-timeout`. */
async function commandOutcomes(db: string, requestIds: string[]): Promise<Map<string, string[]>> {
  const rows = await query<{ requestId: string; kind: string }>(
    db,
    `select payload->>'requestId' as "requestId", payload->>'kind' as kind from event_log
     where topic = $1 and payload->>'kind' in ('ack', 'command-timeout')
       and payload->>'requestId' = any($2)`,
    [LOCK_EVENTS_V1, requestIds],
  );
  const outcomes = new Map<string, string[]>();
  for (const r of rows) outcomes.set(r.requestId, [...(outcomes.get(r.requestId) ?? []), r.kind]);
  return outcomes;
}

const count = <T>(items: T[], key: (t: T) => string) => {
  const counts = new Map<string, number>();
  for (const i of items) counts.set(key(i), (counts.get(key(i)) ?? 0) + 1);
  return counts;
};

const recordFigures = (a: RecordAccount) =>
  `records ${a.offsets}; by offset ${a.loggedByOffset} hold a row of their own, ` +
  `${a.offsets - a.loggedByOffset} do not; by event id ${a.eventsLoggedOnce} of ${a.events} ` +
  `events logged once (duplicate publishes ${a.duplicates.length}, lost ${a.lost.length}, ` +
  `no record ${a.unread.length}, logged twice ${a.eventsLoggedTwice.length})`;

async function main(): Promise<number> {
  const sys = await startSystem({ env: LOAD_GENERATOR_ENV, instances: INSTANCES });
  if (APPS.some((a) => sys.instances[a] > 1)) {
    log(`instances: ${APPS.map((a) => `${a}=${sys.instances[a]}`).join(', ')}`);
  }
  const door = await oneDoor(sys.gateway);
  const accepted: { requestId: string; at: number }[] = [];
  const refused: { reason: string; at: number }[] = [];
  const inFlight = new Set<Promise<void>>();
  let loading = true;
  try {
    const phases: Phase[] = [];
    const begin = async (name: string) => {
      const phase: Phase = { name, from: Date.now(), marks: await highWater() };
      phases.push(phase);
      return phase;
    };
    await begin('steady load');
    const load = (async () => {
      while (loading) {
        const at = Date.now();
        const p = door
          .send()
          .then((r) => {
            if (r.status === 202 && r.requestId) accepted.push({ requestId: r.requestId, at });
            else refused.push({ reason: `http ${r.status}`, at });
          })
          .catch((err: Error) => {
            refused.push({ reason: err.message.slice(0, 60), at });
          });
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
        await sleep(1000 / RATE);
      }
    })();

    await sleep(5000);
    for (const d of disruptions(sys)) {
      const phase = await begin(d.name);
      phase.rolling = d.rolling;
      phase.downAt = Date.now();
      log(`${clock(phase.downAt)} ${d.name}`);
      try {
        await d.down();
        if (!d.rolling) await sleep(DOWN_MS);
      } finally {
        await d.up();
      }
      phase.upAt = Date.now();
      log(
        `${clock(phase.upAt)} ${d.name}: back after ${((phase.upAt - phase.downAt) / 1000).toFixed(1)} s`,
      );
      await sleep(d.settleMs);
    }
    loading = false;
    await load;
    await Promise.all(inFlight);
    const end = await highWater();
    const endedAt = Date.now();
    log(`load stopped: ${accepted.length} accepted, ${refused.length} refused`);

    // Everything settles: the log up to the end, a decision for every accepted request, an
    // outcome for every grant's unlock.
    const ranges = rangesBetween(phases[0]!.marks, end);
    const records = (await readRanges(ranges)).map(produced);
    const requestIds = accepted.map((a) => a.requestId);
    const db = sys.databases.audit;
    const settle = async () => {
      const rows = await loggedRows(db, ranges, records);
      const account = accountRecords(ranges, records, rows);
      const decisions = await decisionsOf(db, requestIds);
      const grants = decisions.filter((d) => d.decision === 'granted').map((d) => d.requestId);
      const outcomes = await commandOutcomes(db, grants);
      const settled =
        allLoggedOnce(account) &&
        new Set(decisions.map((d) => d.requestId)).size === accepted.length &&
        grants.every((g) => outcomes.has(g));
      return { rows, account, decisions, grants, outcomes, settled };
    };
    let state = await settle();
    for (let i = 0; i < 60 && !state.settled; i++) {
      await sleep(2000);
      state = await settle();
    }
    const { rows, account, decisions, grants, outcomes } = state;

    const decidedTimes = count(decisions, (d) => d.requestId);
    const decisionOf = new Map(decisions.map((d) => [d.requestId, d]));
    const decidedTwice = [...decidedTimes].filter(([, n]) => n > 1);
    const undecided = requestIds.filter((id) => !decidedTimes.has(id));
    const unlocks = door.sim.unlocks;
    const actedTimes = count(unlocks, (u) => u.requestId);
    const unlockedTwice = [...actedTimes].filter(([, n]) => n > 1);
    const actedLate = unlocks.filter((u) => u.at > u.expiresAt);
    // A request can be granted while its client never hears the 202 (the gateway killed after
    // publishing it): the lock rightly acts on it. It counts as granted if the log says so.
    const unheard = [...actedTimes.keys()].filter((id) => !decisionOf.has(id));
    const grantedUnheard = (await decisionsOf(db, unheard))
      .filter((d) => d.decision === 'granted')
      .map((d) => d.requestId);
    const granted = new Set([...grants, ...grantedUnheard]);
    const actedUngranted = [...actedTimes.keys()].filter((id) => !granted.has(id));
    const acked = grants.filter((g) => outcomes.get(g)?.join() === 'ack');
    const failed = grants.filter((g) => outcomes.get(g)?.join() === 'command-timeout');
    const unsettled = grants.filter((g) => !outcomes.has(g));
    const settledTwice = grants.filter((g) => (outcomes.get(g)?.length ?? 0) > 1);
    const ackedNotActed = acked.filter((g) => !actedTimes.has(g));
    const failedButActed = failed.filter((g) => actedTimes.has(g));
    const refusals = count(door.sim.refusals, (r) => r.reason);
    const chain = await verifyChain(db, {
      keys: chainKeys(new Keyring(sys.env.audit.AUDIT_CHAIN_KEYRING!)),
    });

    // Per disruption: the requests sent in it, the unlocks decided while what it took away was
    // down, and the records produced in it.
    const unlockFigures = (ids: string[]) =>
      `acknowledged ${ids.filter((g) => outcomes.get(g)?.join() === 'ack').length}, ` +
      `recorded as failed ${ids.filter((g) => outcomes.get(g)?.join() === 'command-timeout').length}, ` +
      `acted on ${ids.filter((g) => actedTimes.has(g)).length}`;
    const timedOutInRolls: string[] = [];
    phases.forEach((phase, i) => {
      const next = phases[i + 1];
      const until = next?.from ?? endedAt;
      const sent = accepted.filter((a) => a.at >= phase.from && a.at < until);
      const decided = sent.flatMap((a) => decisionOf.get(a.requestId) ?? []);
      const timedOut = decided.filter((d) => d.reasons?.includes('timeout'));
      if (phase.rolling) timedOutInRolls.push(...timedOut.map((d) => d.requestId));
      const refusedHere = refused.filter((r) => r.at >= phase.from && r.at < until).length;
      // From sending to the decision's record, for the requests of the phase.
      const waits = sent
        .flatMap((a) => {
          const d = decisionOf.get(a.requestId);
          return d ? [d.at.getTime() - a.at] : [];
        })
        .sort((a, b) => a - b);
      const seconds = (ms: number | undefined) =>
        ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`;
      const whileDown = grants.filter((g) => {
        const at = decisionOf.get(g)!.at.getTime();
        return phase.downAt !== undefined && at >= phase.downAt && at <= phase.upAt!;
      });
      const phaseAccount = accountRecords(
        rangesBetween(phase.marks, next?.marks ?? end),
        records,
        rows,
      );
      log(
        `${phase.name}: requests accepted ${sent.length}, refused ${refusedHere}, decided ` +
          `${decided.length}, granted ${decided.filter((d) => d.decision === 'granted').length}, ` +
          `denied for the deadline ${timedOut.length}, ` +
          `decided within ${seconds(waits[Math.floor(waits.length / 2)])} at the median, ` +
          `${seconds(waits[waits.length - 1])} at the slowest` +
          (phase.downAt === undefined
            ? ''
            : `; unlocks decided while down ${whileDown.length}: ${unlockFigures(whileDown)}`),
      );
      log(`  ${recordFigures(phaseAccount)}`);
    });

    const outcomeCounts = count(decisions, (d) => `${d.decision} ${d.reasons}`);
    log(
      `accepted requests: ${accepted.length}; refused: ${JSON.stringify(
        Object.fromEntries(count(refused, (r) => r.reason)),
      )}`,
    );
    log(
      `decided exactly once: ${decidedTimes.size - decidedTwice.length}; more than once: ` +
        `${decidedTwice.length}${some(decidedTwice.map(([id]) => id))}; undecided: ` +
        `${undecided.length}${some(undecided)}`,
    );
    log(`outcomes: ${[...outcomeCounts].map(([k, n]) => `${k}: ${n}`).join('; ')}`);
    log(
      `unlock commands: ${grants.length} grants; ${unlockFigures(grants)}; recorded as failed ` +
        `yet acted on (the acknowledgement lost) ${failedButActed.length}${some(failedButActed)}; ` +
        `unsettled ${unsettled.length}${some(unsettled)}; settled twice ` +
        `${settledTwice.length}${some(settledTwice)}`,
    );
    log(
      `lock: acted on ${unlocks.length} commands for ${actedTimes.size} requests; a request ` +
        `unlocked twice: ${unlockedTwice.length}${some(unlockedTwice.map(([id]) => id))}; acted ` +
        `on past expiry: ${actedLate.length}${some(actedLate.map((u) => u.requestId))}; for a ` +
        `grant whose 202 the client never heard: ${grantedUnheard.length}; for no ` +
        `grant: ${actedUngranted.length}${some(actedUngranted)}; acknowledged but not acted on: ` +
        `${ackedNotActed.length}${some(ackedNotActed)}; refused: ` +
        `${JSON.stringify(Object.fromEntries(refusals))}`,
    );
    if (phases.some((p) => p.rolling)) {
      log(
        `denied for the deadline during rolling restarts: ${timedOutInRolls.length}` +
          some(timedOutInRolls),
      );
    }
    log(`records produced during the run: ${recordFigures(account)}`);
    for (const line of describeGaps(account)) log(`  ${line}`);
    log(
      `hash chain: ${chain.broken ? `broken at row ${chain.broken.id}` : `intact over ${chain.rows} rows`}`,
    );
    const checks = [
      accepted.length > 0,
      decidedTwice.length === 0,
      undecided.length === 0,
      unlockedTwice.length === 0,
      actedLate.length === 0,
      actedUngranted.length === 0,
      unsettled.length === 0,
      settledTwice.length === 0,
      ackedNotActed.length === 0,
      timedOutInRolls.length === 0,
      allLoggedOnce(account),
      !chain.broken,
    ];
    const ok = checks.every(Boolean);
    record('chaos', {
      passed: checks.filter(Boolean).length,
      failed: checks.filter((c) => !c).length,
      skipped: 0,
    });
    log(ok ? 'all hold' : 'FAILED');
    return ok ? 0 : 1;
  } finally {
    loading = false;
    await door.sim.stop();
    await sys.stop();
  }
}

main()
  .then((code) => process.exit(code))
  .catch((err: unknown) => {
    console.error(`chaos failed: ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  });
