import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { stackSettings } from '@roomkey/common';
import { LockSimulator } from '../../apps/access/src/sim/lock-simulator';
import { Daemon } from '../../scripts/stack/proc';
import { query } from '../../test/support/postgres';
import {
  APPS,
  AppName,
  LOAD_GENERATOR_ENV,
  parseInstances,
  startSystem,
} from '../../test/e2e/system';
import { oneDoor } from '../../test/e2e/world';
import { LeanClient } from './client';

/**
 * `npm run bench` (the local stack up, the apps built): the whole system as `npm start` runs it,
 * loaded open-loop at fixed arrival rates with real access requests (the kiosk's current code
 * and a real photo of the enrolled member) through the gateway. For each rate: latency from
 * sending the request to the decision reaching the client (p50/p95/p99/max), errors, each
 * app's CPU and memory, the whole machine's and the load generator's CPU, and the split by
 * stage (median and p95) from the audit log's timestamps. Prints a table and writes JSON to
 * bench/results/. BENCH_RATES (default 5,10,20,30) and BENCH_SECONDS (default 20) set the
 * load, after 10 requests one at a time and BENCH_WARMUP_SECONDS (default 30) at 10/s that
 * are not measured; BENCH_FRAME_SIZE the photo's longer side (default 640, the size the face
 * app works at; 0 sends the original 787×1280 photo).
 */
const RATES = (process.env.BENCH_RATES ?? '5,10,20,30').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
/** Before the measured rates: this many seconds at WARMUP_RATE, not measured. */
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 30);
const WARMUP_RATE = 10;
/** After the warm-up: this many seconds with no load, to measure the system at rest. */
const REST_SECONDS = Number(process.env.BENCH_REST_SECONDS ?? 10);
/**
 * Before the rest is measured: this many seconds for the load's after-effects (a garbage
 * collector shrinking the heaps, idle connections closing, a consumer catching up) to pass.
 */
const SETTLE_SECONDS = Number(process.env.BENCH_SETTLE_SECONDS ?? 20);
/** The photo's longer side at most, as clients send it; 0 sends the original (787×1280). */
const FRAME_SIZE = Number(process.env.BENCH_FRAME_SIZE ?? 640);
/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const TICK = 100;
const run = promisify(execFile);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
};
const round = (x: number) => Math.round(x * 10) / 10;

/** CPU seconds and resident memory of a process, from /proc. */
function usage(pid: number): { cpuS: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuS = (Number(fields[11]) + Number(fields[12])) / TICK;
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return { cpuS, rssMb: Number(rss ?? 0) / 1024 };
}

const SERVERS = ['kafka', 'postgres', 'ferretdb', 'mosquitto'] as const;

/**
 * CPU seconds of each of the stack's servers: the process its pid file names and every process
 * under it, each with the children it has reaped (PostgreSQL's ended backends).
 */
function serverUsage(): Record<string, number> {
  const cpuS = new Map<number, number>();
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      cpuS.set(Number(d), (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / TICK);
      children.set(Number(f[1]), [...(children.get(Number(f[1])) ?? []), Number(d)]);
    } catch {
      // It ended while being read.
    }
  }
  const under = (pid: number): number =>
    (cpuS.get(pid) ?? 0) + (children.get(pid) ?? []).reduce((t, child) => t + under(child), 0);
  const dir = stackSettings().dir;
  return Object.fromEntries(
    SERVERS.map((name) => {
      const pid = new Daemon(name, path.join(dir, name)).pid();
      return [name, pid === undefined ? 0 : under(pid)];
    }),
  );
}

/** Each app's and server's CPU seconds and the machine's ticks now, to take differences of. */
const snapshot = (pids: Record<AppName, number[]>) => ({
  apps: appUsage(pids),
  servers: serverUsage(),
  machine: readMachine(),
});

/** The machine's CPU time so far, in ticks: busy, and stolen by the host (from /proc/stat). */
function readMachine(): { total: number; busy: number; steal: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = cpu.slice(1, 9).map(Number);
  const busy = user! + nice! + system! + irq! + softirq!;
  return { total: busy + idle! + iowait! + steal!, busy, steal: steal! };
}

/** How busy the whole machine was between two readings, in percent of one core. */
function machineUse(a: ReturnType<typeof readMachine>, b: ReturnType<typeof readMachine>) {
  const share = (ticks: number) => round((ticks / (b.total - a.total)) * cpus().length * 100);
  return { busyPercent: share(b.busy - a.busy), stealPercent: share(b.steal - a.steal) };
}

interface Sample {
  requestId?: string;
  /** Until the gateway answered 202 (the request is on Kafka). */
  acceptedMs?: number;
  /** Wall-clock times (epoch ms) of sending the request and of the decision reaching us. */
  sentAt?: number;
  doneAt?: number;
  ms: number;
  decision: string;
}

/** One rate's figures; `ms` holds each granted request's latency, for pooling rounds. */
interface RateResult {
  rate: number;
  sent: number;
  granted: number;
  other: string[];
  ms: number[];
  latencyMs: Record<'p50' | 'p95' | 'p99' | 'max', number>;
  stagesMs: Record<'p50' | 'p95', Record<string, number>>;
  machine: { busyPercent: number; stealPercent: number };
  /**
   * The whole machine's CPU per decision, the face analysis's (its CPU, measured alone on the
   * request's photo), and their ratio.
   */
  cpuMsPerDecision: { machine: number; faceAnalysis: number; ratio: number };
  generatorCpuPercent: number;
  apps: Record<string, { cpuPercent: number; rssMb: number }>;
  /** The stack's servers, % of one core each. */
  servers: Record<string, number>;
}

const latencies = (ms: number[]) => ({
  p50: round(pct(ms, 0.5)),
  p95: round(pct(ms, 0.95)),
  p99: round(pct(ms, 0.99)),
  max: round(Math.max(...ms)),
});

/** Each app's CPU seconds and memory, summed over its instances. */
function appUsage(pids: Record<AppName, number[]>) {
  return Object.fromEntries(
    APPS.map((a) => {
      const each = pids[a].map(usage);
      return [
        a,
        {
          cpuS: each.reduce((t, u) => t + u.cpuS, 0),
          rssMb: each.reduce((t, u) => t + u.rssMb, 0),
        },
      ];
    }),
  );
}

/** The system at rest: each app's and server's CPU (% of one core) and the whole machine's. */
interface RestResult {
  machinePercent: number;
  apps: Record<string, number>;
  servers: Record<string, number>;
}

/**
 * The face analysis's own CPU per decision: the request's photo analysed one at a time, by the
 * pipeline the face app builds from its configuration, in a process of its own
 * (`analysis-cpu.ts`). Its CPU is counted, not its wall time in the flow, which grows with
 * everything else running on the two cores.
 */
async function analysisCpuMs(faceEnv: Record<string, string>, photo: Buffer): Promise<number> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'roomkey-bench-')), 'photo');
  writeFileSync(file, photo);
  try {
    const { stdout } = await run(
      process.execPath,
      [...process.execArgv, path.join(__dirname, 'analysis-cpu.ts'), file],
      { env: { ...process.env, ...faceEnv }, timeout: 120_000 },
    );
    return (JSON.parse(stdout) as { cpuMs: number }).cpuMs;
  } finally {
    rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

/** The system with these instances per app, started, warmed up, measured at each rate, stopped. */
async function measure(
  instances: Partial<Record<AppName, number>>,
): Promise<{ rest: RestResult; results: RateResult[] }> {
  const sys = await startSystem({ env: LOAD_GENERATOR_ENV, instances });
  const sim: LockSimulator[] = [];
  try {
    const door = await oneDoor(sys.gateway, { frameSize: FRAME_SIZE || undefined });
    sim.push(door.sim);
    const { member } = door;
    const meta = await sharp(door.face).metadata();
    console.log(
      `each request sends a ${meta.width}×${meta.height} photo of ${door.face.length} bytes`,
    );

    // One client per gateway instance, taking turns, as a load balancer would spread clients.
    const clients = sys.gateways.map(
      (g) =>
        new LeanClient(
          new URL(g),
          member.token,
          { roomId: door.room.id!, doorId: door.door.id! },
          door.face,
        ),
    );
    let turn = 0;
    const exchange = async (started: number): Promise<Sample> => {
      const client = clients[turn++ % clients.length]!;
      const sentAt = Date.now();
      const sent = await client.request(await door.code());
      const acceptedMs = performance.now() - started;
      const requestId = sent.body?.requestId;
      if (sent.status !== 202 || !requestId)
        return { ms: acceptedMs, decision: `http-${sent.status}` };
      const decided = await client.decision(requestId, 10);
      const status = decided.body?.status;
      return {
        requestId,
        acceptedMs,
        sentAt,
        doneAt: Date.now(),
        ms: performance.now() - started,
        decision:
          !status || status === 'pending'
            ? 'no-decision'
            : status === 'granted'
              ? 'granted'
              : `denied: ${(decided.body?.reasons ?? []).join(', ')}`,
      };
    };
    const one = async (): Promise<Sample> => {
      const started = performance.now();
      try {
        return await exchange(started);
      } catch (err) {
        // Counted as an outcome of its own, and the run goes on.
        const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
        return { ms: performance.now() - started, decision: `error: ${code}` };
      }
    };

    // Open loop: each request leaves at its time, whether or not earlier ones are answered.
    const load = async (rate: number, seconds: number): Promise<Sample[]> => {
      const t0 = performance.now();
      const pending: Promise<Sample>[] = [];
      for (let i = 0; i < rate * seconds; i++) {
        const due = t0 + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        pending.push(one());
      }
      return Promise.all(pending);
    };

    // Warm up: models and connections, then the JITs (the apps' and the Kafka broker's) under
    // a steady load, which a newly started stack needs for a minute or so.
    for (let i = 0; i < 10 * clients.length; i++) await one();
    if (WARMUP_SECONDS > 0) await load(WARMUP_RATE, WARMUP_SECONDS);

    // At rest, once the last requests' work and its after-effects are done.
    await new Promise((r) => setTimeout(r, SETTLE_SECONDS * 1000));
    const restPids = sys.pids();
    const restBefore = snapshot(restPids);
    await new Promise((r) => setTimeout(r, REST_SECONDS * 1000));
    const restAfter = snapshot(restPids);
    const share = (cpuS: number) => round((cpuS / REST_SECONDS) * 100);
    const rest: RestResult = {
      machinePercent: machineUse(restBefore.machine, restAfter.machine).busyPercent,
      apps: Object.fromEntries(
        APPS.map((a) => [a, share(restAfter.apps[a]!.cpuS - restBefore.apps[a]!.cpuS)]),
      ),
      servers: Object.fromEntries(
        SERVERS.map((n) => [n, share(restAfter.servers[n]! - restBefore.servers[n]!)]),
      ),
    };
    const analysisMs = await analysisCpuMs(sys.env.face, door.face);
    console.log(`the face analysis alone takes ${round(analysisMs)} ms of CPU for this photo`);
    console.log(
      `at rest: machine ${rest.machinePercent}%  apps ${APPS.map((a) => `${a} ${rest.apps[a]}`).join(', ')}  servers ${SERVERS.map((n) => `${n} ${rest.servers[n]}`).join(', ')} (% of one core)`,
    );

    const results: RateResult[] = [];
    for (const rate of RATES) {
      const pids = sys.pids();
      const before = snapshot(pids);
      const generatorBefore = process.cpuUsage();
      const t0 = performance.now();
      const samples = await load(rate, SECONDS);
      const elapsedS = (performance.now() - t0) / 1000;
      const after = snapshot(pids);
      const machine = machineUse(before.machine, after.machine);
      const generator = process.cpuUsage(generatorBefore);
      const ms = samples.filter((s) => s.decision === 'granted').map((s) => s.ms);
      const apps = Object.fromEntries(
        APPS.map((a: AppName) => [
          a,
          {
            cpuPercent: round(((after.apps[a]!.cpuS - before.apps[a]!.cpuS) / elapsedS) * 100),
            rssMb: round(after.apps[a]!.rssMb),
          },
        ]),
      );
      const accepted = samples.flatMap((x) => (x.acceptedMs ? [x.acceptedMs] : []));
      const stages = await stageSplit(sys.databases, samples);
      const decided = samples.filter((x) => x.requestId && x.decision !== 'no-decision').length;
      const machineMs = (((after.machine.busy - before.machine.busy) / TICK) * 1000) / decided;
      results.push({
        rate,
        sent: samples.length,
        granted: ms.length,
        other: samples.filter((x) => x.decision !== 'granted').map((x) => x.decision),
        ms,
        latencyMs: latencies(ms),
        stagesMs: {
          p50: { accepted: round(pct(accepted, 0.5)), ...stages.p50 },
          p95: { accepted: round(pct(accepted, 0.95)), ...stages.p95 },
        },
        machine,
        cpuMsPerDecision: {
          machine: round(machineMs),
          faceAnalysis: round(analysisMs),
          ratio: round(machineMs / analysisMs),
        },
        /** This process: the load generator and the simulated lock. */
        generatorCpuPercent: round(((generator.user + generator.system) / 1e6 / elapsedS) * 100),
        apps,
        servers: Object.fromEntries(
          SERVERS.map((n) => [
            n,
            round(((after.servers[n]! - before.servers[n]!) / elapsedS) * 100),
          ]),
        ),
      });
      const r = results[results.length - 1]!;
      // Anything but a grant (a denial, no decision, an HTTP status, a connection error), counted.
      const counts = new Map<string, number>();
      for (const o of r.other) counts.set(o, (counts.get(o) ?? 0) + 1);
      const others = [...counts].map(([outcome, n]) => `${outcome} ×${n}`);
      console.log(
        `${String(rate).padStart(4)}/s  sent ${r.sent}  granted ${r.granted}  p50 ${r.latencyMs.p50}  p95 ${r.latencyMs.p95}  p99 ${r.latencyMs.p99}  max ${r.latencyMs.max} ms  CPU per decision: machine ${r.cpuMsPerDecision.machine} ms, face analysis ${r.cpuMsPerDecision.faceAnalysis} ms, ratio ${r.cpuMsPerDecision.ratio}${others.length ? `  (${others.join(', ')})` : ''}`,
      );
    }
    for (const c of clients) c.close();
    printTable(results);
    return { rest, results };
  } finally {
    for (const x of sim) await x.stop();
    await sys.stop();
  }
}

const describeInstances = (i: Partial<Record<AppName, number>>) =>
  APPS.some((a) => (i[a] ?? 1) > 1) ? APPS.map((a) => `${a}=${i[a] ?? 1}`).join(',') : 'one each';

async function main(): Promise<void> {
  const instances = parseInstances(process.env.BENCH_INSTANCES);
  const scaled = APPS.some((a) => (instances[a] ?? 1) > 1);
  const rounds = Number(process.env.BENCH_ROUNDS ?? (scaled ? 2 : 1));
  // With several instances, one instance of each app and the scaled system take turns, so
  // both see the same machine; their samples are pooled per rate.
  const configs = scaled ? [{}, instances] : [instances];
  const runs: { instances: string; round: number; rest: RestResult; results: RateResult[] }[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const config of configs) {
      console.log(`\nround ${round}: ${describeInstances(config)}`);
      runs.push({ instances: describeInstances(config), round, ...(await measure(config)) });
    }
  }
  const pooled = (label: string, rate: number) =>
    runs
      .filter((r) => r.instances === label)
      .flatMap((r) => r.results.filter((x) => x.rate === rate).flatMap((x) => x.ms));
  const comparison = scaled
    ? RATES.map((rate) => {
        const one = latencies(pooled('one each', rate));
        const many = latencies(pooled(describeInstances(instances), rate));
        return {
          rate,
          one,
          scaled: many,
          ratio: { p50: round(many.p50 / one.p50), p99: round(many.p99 / one.p99) },
        };
      })
    : undefined;
  if (comparison) {
    console.log(`\n${describeInstances(instances)} against one instance each, ${rounds} rounds:`);
    for (const c of comparison) {
      console.log(
        `${c.rate}/s  p50 ${c.one.p50} → ${c.scaled.p50} ms (×${c.ratio.p50})  p99 ${c.one.p99} → ${c.scaled.p99} ms (×${c.ratio.p99})`,
      );
    }
  }
  const last = runs[runs.length - 1]!.results;
  const sustained = last.filter((r) => r.granted === r.sent && r.latencyMs.p99 <= 200);
  const summary = {
    at: new Date().toISOString(),
    seconds: SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    machine: { cpus: cpus().length, node: process.version },
    highestRateWithP99Under200ms: sustained.length
      ? Math.max(...sustained.map((r) => r.rate))
      : null,
    comparison,
    runs: runs.map((r) => ({ ...r, results: r.results.map(({ ms: _ms, ...rest }) => rest) })),
  };
  console.log(
    `highest rate with every request granted and p99 <= 200 ms: ${summary.highestRateWithP99Under200ms ?? 'none'}/s`,
  );
  const dir = path.resolve(__dirname, '../results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `flow-${summary.at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(`written to ${path.relative(process.cwd(), file)}`);
}

/**
 * The median and 95th percentile of each stage, from the events' own timestamps in the audit log (the gateway
 * accepting the request, the qr answer, the face answer, the decision) and the face app's own
 * record of each check (when the capture arrived, how long its analysis took). The face stage
 * splits into the broker hop (the request's timestamp, taken before the gateway publishes, to
 * the face app receiving the capture), the analysis, and the rest (waiting for the QR answer
 * where it came later, comparing, storing and publishing the answer).
 */
async function stageSplit(
  databases: { audit: string; face: string },
  samples: Sample[],
): Promise<Record<'p50' | 'p95', Record<string, number>>> {
  const sent = new Map(samples.flatMap((s) => (s.requestId ? [[s.requestId, s] as const] : [])));
  const requestIds = [...sent.keys()];
  const rows = await query<{ correlation_id: string; topic: string; at: Date }>(
    databases.audit,
    `select correlation_id, topic, occurred_at as at from event_log
     where correlation_id = any($1) and topic in
       ('access.requested.v1', 'qr.checked.v1', 'face.checked.v1', 'access.decided.v1')`,
    [requestIds],
  );
  const checks = await query<{ request_id: string; received_at: Date; analysis_ms: number }>(
    databases.face,
    `select request_id, received_at, analysis_ms from face_checks
     where request_id = any($1::uuid[]) and received_at is not null and analysis_ms is not null`,
    [requestIds],
  );
  const faceChecks = new Map(checks.map((c) => [c.request_id, c]));
  const by = new Map<string, Record<string, number>>();
  for (const r of rows) {
    const m = by.get(r.correlation_id) ?? {};
    m[r.topic] ??= r.at.getTime();
    by.set(r.correlation_id, m);
  }
  const split = {
    toRequested: [] as number[],
    toClient: [] as number[],
    toQr: [] as number[],
    toFace: [] as number[],
    toDecision: [] as number[],
    toFaceApp: [] as number[],
    analysis: [] as number[],
    afterAnalysis: [] as number[],
  };
  for (const [requestId, m] of by) {
    const req = m['access.requested.v1'];
    const qr = m['qr.checked.v1'];
    const face = m['face.checked.v1'];
    const dec = m['access.decided.v1'];
    if (req === undefined || qr === undefined || face === undefined || dec === undefined) continue;
    split.toQr.push(qr - req);
    split.toFace.push(face - req);
    split.toDecision.push(dec - Math.max(qr, face));
    const sample = sent.get(requestId);
    if (sample?.sentAt !== undefined && sample.doneAt !== undefined) {
      split.toRequested.push(req - sample.sentAt);
      split.toClient.push(sample.doneAt - dec);
    }
    const check = faceChecks.get(requestId);
    if (!check) continue;
    const received = check.received_at.getTime();
    split.toFaceApp.push(received - req);
    split.analysis.push(check.analysis_ms);
    split.afterAnalysis.push(face - received - check.analysis_ms);
  }
  const at = (p: number) => ({
    sentToRequested: round(pct(split.toRequested, p)),
    requestedToQrChecked: round(pct(split.toQr, p)),
    requestedToFaceChecked: round(pct(split.toFace, p)),
    requestedToFaceReceived: round(pct(split.toFaceApp, p)),
    faceAnalysis: round(pct(split.analysis, p)),
    faceAnalysisToAnswer: round(pct(split.afterAnalysis, p)),
    lastAnswerToDecision: round(pct(split.toDecision, p)),
    decisionToClient: round(pct(split.toClient, p)),
  });
  return { p50: at(0.5), p95: at(0.95) };
}

function printTable(
  results: {
    rate: number;
    latencyMs: Record<string, number>;
    apps: Record<string, { cpuPercent: number; rssMb: number }>;
    stagesMs: Record<'p50' | 'p95', Record<string, number>>;
    machine: { busyPercent: number; stealPercent: number };
    generatorCpuPercent: number;
    servers: Record<string, number>;
  }[],
) {
  const stages = (s: Record<string, number>) =>
    `${s.accepted} | ${s.sentToRequested} | ${s.requestedToQrChecked} | ${s.requestedToFaceChecked} (${s.requestedToFaceReceived} + ${s.faceAnalysis} + ${s.faceAnalysisToAnswer}) | ${s.lastAnswerToDecision} | ${s.decisionToClient}`;
  console.log(
    '\nrate/s | p50 | p95 | p99 | max (ms) | stages at p50, then p95: 202 | sent to requested | qr | face (hop + analysis + rest) | decide | back to client | machine busy % (steal) | CPU % gateway/qr/face/access/audit/auth | load generator | kafka/postgres/ferretdb/mosquitto',
  );
  for (const r of results) {
    const cpu = ['gateway', 'qr', 'face', 'access', 'audit', 'auth']
      .map((a) => r.apps[a]!.cpuPercent)
      .join('/');
    console.log(
      `${r.rate} | ${r.latencyMs.p50} | ${r.latencyMs.p95} | ${r.latencyMs.p99} | ${r.latencyMs.max} | ${stages(r.stagesMs.p50)} | ${r.machine.busyPercent} (${r.machine.stealPercent}) | ${cpu} | ${r.generatorCpuPercent} | ${SERVERS.map((n) => r.servers[n]).join('/')}`,
    );
    console.log(`  p95 stages | ${stages(r.stagesMs.p95)}`);
  }
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
