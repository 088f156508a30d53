import { DataSource } from 'typeorm';
import { z } from 'zod';
import { kafkaEnv, parseConfig, stackSettings, stackUrls } from '@roomkey/common';
import { replay } from '../apps/audit/src/replay';
import { AuditConfigSchema } from '../apps/audit/src/config';
import { MIGRATIONS } from '../apps/audit/src/migrations';
import { AccessLogProjection } from '../apps/audit/src/projections/access-log.projection';
import { AlertsProjection } from '../apps/audit/src/projections/alerts.projection';
import type { Projection } from '../apps/audit/src/projections/projection';
import { rebuildProjection } from '../apps/audit/src/rebuild';

/**
 * `npm run replay -- --topic <t> --from <offset|ISO time> [--to <offset|ISO time>] --print [--json]`
 * prints the records of a topic without touching any app's consumer group (KAFKA_BROKERS,
 * default the local stack).
 *
 * `npm run replay -- --rebuild <access-log|alerts>` rebuilds a projection of the audit log
 * (DATABASE_URL, default the local stack's roomkey_audit) into a fresh table and swaps it in,
 * with the alert rules' settings from the environment (ALERT_DENIALS_THRESHOLD, ...).
 */
const USAGE = `usage:
  npm run replay -- --topic <topic> --from <offset|ISO time> [--to <offset|ISO time>] --print [--json]
  npm run replay -- --rebuild <access-log|alerts>`;
const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const fail = (what: string) => (err: unknown) => {
  console.error(`${what} failed: ${(err as Error).message}`);
  process.exit(1);
};

async function rebuild(name: string): Promise<void> {
  const rules = AuditConfigSchema.pick({
    ALERT_DENIALS_THRESHOLD: true,
    ALERT_DENIALS_WINDOW_S: true,
    ALERT_DEVICE_WINDOW_S: true,
  }).parse(process.env);
  const projections: Projection[] = [new AccessLogProjection(), new AlertsProjection(rules)];
  const projection = projections.find((p) => p.name === name);
  if (!projection) {
    console.error(`no projection named ${name}: ${projections.map((p) => p.name).join(', ')}`);
    process.exit(2);
  }
  const db = new DataSource({
    type: 'postgres',
    url: process.env.DATABASE_URL ?? stackUrls(stackSettings()).postgres('roomkey_audit'),
    migrations: MIGRATIONS,
  });
  await db.initialize();
  try {
    await db.runMigrations({ transaction: 'each' });
    const started = Date.now();
    const { rows } = await rebuildProjection(db, projection);
    console.log(
      `${projection.name} rebuilt from ${rows} logged events in ${Date.now() - started} ms and swapped in`,
    );
  } finally {
    await db.destroy();
  }
}

const projection = flag('--rebuild');
const topic = flag('--topic');
const from = flag('--from');
if (projection) {
  rebuild(projection).catch(fail('rebuild'));
} else if (topic && from && args.includes('--print')) {
  const json = args.includes('--json');
  // An operator's principal (KAFKA_USERNAME, KAFKA_PASSWORD); by default the local stack's own.
  const connection = parseConfig('replay', z.object(kafkaEnv('admin')), process.env);
  replay({ connection, topic, from, to: flag('--to') }, (r) => {
    if (json) console.log(JSON.stringify(r));
    else
      console.log(
        `${r.timestamp} ${r.topic}[${r.partition}]@${r.offset} key=${r.key}\n${JSON.stringify(r.value, null, 2)}`,
      );
  })
    .then((n) => console.error(`${n} records`))
    .catch(fail('replay'));
} else {
  console.error(USAGE);
  process.exit(2);
}
