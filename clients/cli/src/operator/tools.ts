import { DataSource } from 'typeorm';
import { z } from 'zod';
import {
  devKeysEnv,
  kafkaEnv,
  keyringEnv,
  keyringOrDevelopment,
  parseConfig,
  postgresEnv,
  stackSettings,
  stackUrls,
} from '@roomkey/common';
import { AUDIT_CHECKPOINTS_V1 } from '@roomkey/contracts';
import { lockAccount } from '../../../../apps/access/src/domain/lock-account';
import { LockSimulator } from '../../../../apps/access/src/sim/lock-simulator';
import { chainKeys } from '../../../../apps/audit/src/adapters/chain-keys';
import { verifierOrDevelopment } from '../../../../apps/audit/src/adapters/checkpoint-keys';
import { AuditConfigSchema, oneKeyEnv } from '../../../../apps/audit/src/config';
import type { CheckpointProblem } from '../../../../apps/audit/src/domain/checkpoint';
import { MIGRATIONS } from '../../../../apps/audit/src/migrations';
import { AccessLogProjection } from '../../../../apps/audit/src/projections/access-log.projection';
import { AlertsProjection } from '../../../../apps/audit/src/projections/alerts.projection';
import type { Projection } from '../../../../apps/audit/src/projections/projection';
import { rebuildProjection } from '../../../../apps/audit/src/rebuild';
import { replay } from '../../../../apps/audit/src/replay';
import { type ChainReport, verifyChain } from '../../../../apps/audit/src/verify';
import type { Context } from '../context';
import { CliError, usage } from '../errors';
import { EXIT } from '../exit-codes';
import { readDemo } from '../demo/state';
import { NO_PROGRESS, type Progress } from '../output';
import { PROJECTIONS } from '../commands/operator';

/*
 * The operator's commands work below the public API, as the apps do: Kafka and the audit
 * database, with the settings the apps read (KAFKA_BROKERS, KAFKA_USERNAME, DATABASE_URL, …;
 * by default the local stack's own), and the locks' broker.
 */

const isInstantOrOffset = (s: string) => /^\d+$/.test(s) || /^\d{4}-\d{2}-\d{2}T/.test(s);

export async function replayTopic(
  ctx: Context,
  opts: { topic: string; from: string; to?: string },
): Promise<number> {
  for (const [flag, v] of [
    ['--from', opts.from],
    ['--to', opts.to],
  ] as const) {
    if (v !== undefined && !isInstantOrOffset(v))
      throw usage(`${flag}: an offset (a whole number) or an ISO date-time, not ${v}`);
  }
  // An operator's principal (KAFKA_USERNAME, KAFKA_PASSWORD); by default the local stack's own.
  const connection = parseConfig('roomkey replay', z.object(kafkaEnv('admin')), ctx.env);
  // The bar starts once the number of records to read is known.
  let bar: Progress = NO_PROGRESS;
  let read = 0;
  try {
    read = await replay(
      {
        connection,
        topic: opts.topic,
        from: opts.from,
        ...(opts.to ? { to: opts.to } : {}),
        onStart: (atMost) => {
          bar.stop();
          bar = ctx.out.progress('replaying', atMost, { records: true });
        },
      },
      (r) => {
        ctx.out.record(
          r,
          (x) =>
            `${x.timestamp} ${x.topic}[${x.partition}]@${x.offset} key=${x.key}\n${JSON.stringify(x.value, null, 2)}`,
        );
        bar.update(++read);
      },
    );
  } catch (err) {
    if (/does not host this topic-partition|UNKNOWN_TOPIC/i.test((err as Error).message))
      throw new CliError(
        `no topic ${opts.topic} (topics are named like access.decided.v1)`,
        EXIT.REFUSED,
      );
    throw err;
  } finally {
    bar.stop();
  }
  ctx.out.note(`${read} records`);
  return EXIT.OK;
}

function projections(env: NodeJS.ProcessEnv): Projection[] {
  const rules = AuditConfigSchema.pick({
    ALERT_DENIALS_THRESHOLD: true,
    ALERT_DENIALS_WINDOW_S: true,
    ALERT_DEVICE_WINDOW_S: true,
  }).parse(env);
  return [new AccessLogProjection(), new AlertsProjection(rules)];
}

export async function rebuild(ctx: Context, name: string): Promise<number> {
  const projection = projections(ctx.env).find((p) => p.name === name);
  if (!projection) throw usage(`no projection named ${name}: ${PROJECTIONS.join(', ')}`);
  const db = new DataSource({
    type: 'postgres',
    url: ctx.env.DATABASE_URL ?? stackUrls(stackSettings()).postgres('roomkey_audit'),
    migrations: MIGRATIONS,
  });
  await db.initialize();
  const bar = ctx.out.progress(`rebuilding ${name}`, 0);
  try {
    await db.runMigrations({ transaction: 'each' });
    const started = Date.now();
    const { rows } = await rebuildProjection(db, projection, 1000, (done, total) =>
      bar.update(done, total),
    );
    bar.stop();
    const ms = Date.now() - started;
    ctx.out.result({ projection: name, rows, ms }, (r) =>
      ctx.out.line(
        `${r.projection} rebuilt from ${r.rows} logged events in ${r.ms} ms and swapped in`,
      ),
    );
  } finally {
    bar.stop();
    await db.destroy();
  }
  return EXIT.OK;
}

const VerifyConfig = z.object({
  ...postgresEnv('roomkey_audit'),
  // An operator's principal (KAFKA_USERNAME, KAFKA_PASSWORD); by default the local stack's own.
  ...kafkaEnv('admin'),
  ...devKeysEnv(),
  AUDIT_CHAIN_KEYRING: keyringEnv().optional(),
  /** `id:<32-byte Ed25519 public key base64>,…`: every key that signed checkpoints. */
  AUDIT_CHECKPOINT_PUBLIC_KEYS: keyringEnv().optional(),
  AUDIT_CHECKPOINT_SIGNING_KEY: oneKeyEnv().optional(),
});

const BREAKS: Record<NonNullable<ChainReport['broken']>['problem'], string> = {
  edited:
    'its content does not match its hash under its key (edited, or rechained without the key)',
  'missing-before': 'it does not follow the row before it (a row was deleted or inserted)',
  unchained: 'it has no hash',
  'unknown-key': 'it names a chain key that is not in AUDIT_CHAIN_KEYRING',
  unkeyed: 'it is chained without a key after keyed rows (rechained with plain SHA-256)',
};

function problemLine(p: CheckpointProblem): string {
  const of = `the checkpoint of ${p.at} (row ${p.rowId})`;
  switch (p.problem) {
    case 'hash-differs':
      return `${of}: the row's hash is not the one checkpointed (rows up to it were rewritten)`;
    case 'tail-deleted':
      return `${of}: the log ends at row ${p.lastRowId ?? '(none)'}, before it (rows were deleted from the end)`;
    case 'row-missing':
      return `${of}: the row is gone`;
    case 'bad-signature':
      return `${of}: its signature does not hold under key ${p.signingKeyId} (not made by the audit app)`;
  }
}

/**
 * Recomputes the audit log's chain under its keys and compares it with the signed checkpoints
 * on audit.checkpoints.v1; says what it checked and names what is wrong.
 */
export async function auditVerify(ctx: Context, opts: { checkpoints: boolean }): Promise<number> {
  const config = parseConfig('roomkey audit verify', VerifyConfig, ctx.env);
  const keyring = keyringOrDevelopment(
    'roomkey audit verify',
    'AUDIT_CHAIN_KEYRING',
    config.AUDIT_CHAIN_KEYRING,
    config.ROOMKEY_DEV_KEYS,
  );
  let checkpoints: Parameters<typeof verifyChain>[1]['checkpoints'];
  if (opts.checkpoints) {
    const verifier = verifierOrDevelopment('roomkey audit verify', {
      publicKeys: config.AUDIT_CHECKPOINT_PUBLIC_KEYS,
      signingKey: config.AUDIT_CHECKPOINT_SIGNING_KEY,
      devKeys: config.ROOMKEY_DEV_KEYS,
    });
    const records: unknown[] = [];
    let bar: Progress = NO_PROGRESS;
    try {
      await replay(
        {
          connection: config,
          topic: AUDIT_CHECKPOINTS_V1,
          from: '0',
          onStart: (n) => {
            bar.stop();
            bar = ctx.out.progress('reading checkpoints', n);
          },
        },
        (r) => {
          records.push(r.value);
          bar.update(records.length);
        },
      );
    } finally {
      bar.stop();
    }
    checkpoints = { records, verifier };
  }
  const bar = ctx.out.progress('verifying the chain', 0);
  let report: ChainReport;
  try {
    report = await verifyChain(config.DATABASE_URL, {
      keys: chainKeys(keyring),
      checkpoints,
      onProgress: (done, total) => bar.update(done, total),
    });
  } finally {
    bar.stop();
  }
  const c = report.checkpoints;
  const problems = [
    ...(report.broken ? [`row ${report.broken.id}: ${BREAKS[report.broken.problem]}`] : []),
    ...(c?.problems.map(problemLine) ?? []),
  ];
  ctx.out.result({ intact: problems.length === 0, problems, report }, () => {
    const kinds = [
      ...Object.entries(report.keys).map(([id, n]) => `${n} under key ${id}`),
      ...(report.unkeyed > 0 ? [`${report.unkeyed} unkeyed, from before the chain had keys`] : []),
    ];
    const holding = report.rows - (report.broken ? 1 : 0);
    ctx.out.line(`audit log ${report.logId ?? '(no id)'}`);
    ctx.out.line(
      report.rows === 0
        ? 'chain: no chained rows'
        : `chain: rows ${report.firstRowId} to ${report.lastRowId} checked, ${holding} hold` +
            (kinds.length > 0 ? ` (${kinds.join(', ')})` : '') +
            (report.broken ? `, row ${report.broken.id} does not` : ''),
    );
    if (!c) {
      ctx.out.line(
        'checkpoints: not checked (--no-checkpoints): a deleted tail would go unnoticed',
      );
    } else {
      ctx.out.line(
        `checkpoints: ${c.checked} of this log on ${AUDIT_CHECKPOINTS_V1}, ${c.matched} matching their row` +
          (c.latest
            ? `; the newest (${c.latest.at}) covers rows up to ${c.latest.rowId}, ${c.after} rows since`
            : '; none yet: the whole log is unanchored') +
          (c.otherLogs > 0 ? `; ${c.otherLogs} of other audit logs ignored` : '') +
          (c.unreadable > 0 ? `; ${c.unreadable} unreadable records ignored` : ''),
      );
    }
    if (problems.length === 0)
      ctx.out.line(`audit log intact: ${report.rows} chained rows verified`);
    for (const p of problems) ctx.out.line(`audit log broken: ${p}`);
  });
  return problems.length === 0 ? EXIT.OK : EXIT.NEGATIVE;
}

export interface SimOptions {
  lock?: string;
  username?: string;
  mqtt?: string;
  demo?: boolean;
}

/**
 * A simulated smart lock until Ctrl-C: `o`, `c`, `f` or `h` + Enter report the door opening,
 * closing, forced or held open.
 */
export async function lockSim(ctx: Context, opts: SimOptions): Promise<number> {
  let lock: SimOptions & { secret?: string; password?: string } = {
    ...opts,
    secret: ctx.env.ROOMKEY_LOCK_SECRET,
    password: ctx.env.ROOMKEY_LOCK_PASSWORD,
  };
  if (opts.demo) {
    const demo = readDemo(ctx.env);
    lock = {
      ...opts,
      lock: demo.lock.id,
      secret: demo.lock.secret,
      password: demo.lock.mqtt.password,
      username: demo.lock.mqtt.username,
    };
  }
  if (!lock.lock || !lock.secret || !lock.password)
    throw usage(
      "--lock, ROOMKEY_LOCK_SECRET and ROOMKEY_LOCK_PASSWORD are needed (or --demo for the demo site's lock)",
    );
  const sim = new LockSimulator(
    lock.lock,
    Buffer.from(lock.secret, 'base64'),
    {
      url: lock.mqtt ?? stackUrls(stackSettings()).mqtt,
      username: lock.username ?? lockAccount(lock.lock).username,
      password: lock.password,
    },
    (line) => ctx.out.record({ lock: lock.lock, line }, (r) => r.line),
  );
  await sim.start();
  ctx.out.note(
    `lock ${lock.lock} online; o, c, f or h + Enter: door opened, closed, forced, held open; Ctrl-C leaves`,
  );
  process.stdin.setEncoding('utf8');
  const onInput = (input: string) => {
    const key = input.trim();
    if (key === 'o') void sim.openDoor();
    if (key === 'c') void sim.closeDoor();
    if (key === 'f') void sim.forceDoor();
    if (key === 'h') void sim.holdOpen();
  };
  process.stdin.on('data', onInput);
  await new Promise<void>((resolve) =>
    ctx.signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  process.stdin.off('data', onInput);
  process.stdin.pause();
  // Leaves as a crash would: the broker sends its last will, and the lock shows offline.
  sim.crash();
  return EXIT.OK;
}
