import { stackSettings } from '@roomkey/common';
import { ALL_TOPICS } from '@roomkey/contracts';
import { verifyChain } from '../apps/audit/src/verify';
import { testKafka } from '../test/support/kafka';
import { query } from '../test/support/postgres';
import { AppName, startSystem } from '../test/e2e/system';
import { oneDoor } from '../test/e2e/world';
import { KafkaServer } from './stack/kafka';
import { record } from './test-results';

/**
 * `npm run test:chaos`: the whole system under a steady load (CHAOS_RATE requests/s, default
 * 3) while each app in turn is killed with SIGKILL and started again, and then the Kafka
 * broker is restarted. Afterwards it checks, and prints the counts:
 *   - every request the gateway accepted got exactly one decision;
 *   - no request unlocked the lock twice;
 *   - the audit log holds every record produced during the run, once, and its chain verifies.
 * Exit 0 when all hold.
 */
const RATE = Number(process.env.CHAOS_RATE ?? 3);
const ORDER: AppName[] = ['qr', 'face', 'access', 'audit', 'auth', 'gateway'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (line: string) => console.log(`[chaos] ${line}`);

async function highWater(): Promise<Map<string, bigint>> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    const marks = new Map<string, bigint>();
    for (const t of ALL_TOPICS) {
      for (const p of await admin.fetchTopicOffsets(t.name)) {
        marks.set(`${t.name}:${p.partition}`, BigInt(p.high));
      }
    }
    return marks;
  } finally {
    await admin.disconnect();
  }
}

async function main(): Promise<number> {
  const sys = await startSystem();
  const door = await oneDoor(sys.gateway);
  const accepted: string[] = [];
  const refused: Record<string, number> = {};
  const inFlight = new Set<Promise<void>>();
  let loading = true;
  try {
    const before = await highWater();
    const load = (async () => {
      while (loading) {
        const p = door
          .send()
          .then((r) => {
            if (r.status === 202 && r.requestId) accepted.push(r.requestId);
            else refused[`http ${r.status}`] = (refused[`http ${r.status}`] ?? 0) + 1;
          })
          .catch((err: Error) => {
            const key = err.message.slice(0, 60);
            refused[key] = (refused[key] ?? 0) + 1;
          });
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
        await sleep(1000 / RATE);
      }
    })();

    await sleep(5000);
    for (const app of ORDER) {
      log(`kill -9 ${app}`);
      await sys.crash(app);
      await sleep(3000);
      await sys.restart(app);
      log(`${app} back`);
      await sleep(5000);
    }
    log('restarting the Kafka broker');
    const kafka = new KafkaServer(stackSettings());
    await kafka.daemon.stop();
    await sleep(3000);
    await kafka.start();
    log('Kafka back');
    await sleep(15000);
    loading = false;
    await load;
    await Promise.all(inFlight);
    log(`load stopped: ${accepted.length} accepted, refused: ${JSON.stringify(refused)}`);

    // Everything settles: a decision for every accepted request, the log up to the end.
    const after = await highWater();
    const expected = new Map(
      [...after].map(([k, high]) => [k, Number(high - (before.get(k) ?? 0n))]),
    );
    /** Rows logged per partition within its offset range of the run: one query. */
    const ranges = [...after].map(([k, high]) => {
      const cut = k.lastIndexOf(':');
      return { k, topic: k.slice(0, cut), partition: Number(k.slice(cut + 1)), high };
    });
    const counted = async () => {
      const rows = await query<{ i: number; n: string }>(
        sys.databases.audit,
        `select r.i, count(e.id) as n
         from unnest($1::text[], $2::int[], $3::bigint[], $4::bigint[])
           with ordinality as r(topic, partition, lo, hi, i)
         left join event_log e on e.topic = r.topic and e.partition = r.partition
           and e."offset" >= r.lo and e."offset" < r.hi
         group by r.i`,
        [
          ranges.map((r) => r.topic),
          ranges.map((r) => r.partition),
          ranges.map((r) => String(before.get(r.k) ?? 0n)),
          ranges.map((r) => String(r.high)),
        ],
      );
      return new Map(rows.map((r) => [ranges[Number(r.i) - 1]!.k, Number(r.n)]));
    };
    let got = await counted();
    for (let i = 0; i < 60 && [...expected].some(([k, n]) => got.get(k) !== n); i++) {
      await sleep(2000);
      got = await counted();
    }
    const missing = [...expected].filter(([k, n]) => (got.get(k) ?? 0) < n);
    const extra = [...expected].filter(([k, n]) => (got.get(k) ?? 0) > n);

    const decisions = await query<{ request_id: string; n: string }>(
      sys.databases.audit,
      `select correlation_id as request_id, count(*) as n from event_log
       where topic = 'access.decided.v1' and correlation_id = any($1) group by correlation_id`,
      [accepted],
    );
    const decidedOnce = decisions.filter((d) => Number(d.n) === 1).length;
    const decidedTwice = decisions.filter((d) => Number(d.n) > 1).map((d) => d.request_id);
    const undecided = accepted.length - decisions.length;
    const outcomes = await query<{ decision: string; reasons: string; n: string }>(
      sys.databases.audit,
      `select payload->>'decision' as decision, payload->>'reasons' as reasons, count(*) as n
       from event_log where topic = 'access.decided.v1' and correlation_id = any($1)
       group by 1, 2 order by 3 desc`,
      [accepted],
    );
    const unlocks = new Map<string, number>();
    for (const c of door.sim.unlocks) unlocks.set(c.requestId, (unlocks.get(c.requestId) ?? 0) + 1);
    const doubleUnlocks = [...unlocks].filter(([, n]) => n > 1);
    const chain = await verifyChain(sys.databases.audit);
    const records = [...expected.values()].reduce((a, b) => a + b, 0);

    log(`accepted requests: ${accepted.length}`);
    log(
      `decided exactly once: ${decidedOnce}; more than once: ${decidedTwice.length}; undecided: ${undecided}`,
    );
    log(`outcomes: ${outcomes.map((o) => `${o.decision} ${o.reasons}: ${o.n}`).join('; ')}`);
    log(
      `unlocks: ${door.sim.unlocks.length} for ${unlocks.size} requests; a request unlocked twice: ${doubleUnlocks.length}`,
    );
    log(
      `records produced during the run: ${records}; logged: ${[...got.values()].reduce((a, b) => a + b, 0)}; partitions missing rows: ${missing.length}; with extra rows: ${extra.length}`,
    );
    log(
      `hash chain: ${chain.broken ? `broken at row ${chain.broken.id}` : `intact over ${chain.rows} rows`}`,
    );
    const checks = [
      accepted.length > 0,
      decidedTwice.length === 0,
      undecided === 0,
      doubleUnlocks.length === 0,
      missing.length === 0,
      extra.length === 0,
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
