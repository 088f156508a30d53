import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { MONGO_ADMIN_USER, MONGO_APPS, POSTGRES_DATABASES } from '@roomkey/common/config/stack';
import { KAFKA_USERS } from '../stack/credentials';
import { CLUSTER_ID, serverProperties } from '../stack/kafka';
import { passwordVariable } from './variables';

/**
 * The files docker-compose.yml hands to the stock Kafka, PostgreSQL and MongoDB images, made from
 * the same code as the local stack (its principals, roles, databases and broker settings), so
 * the two never differ. Passwords stay out of them: each is read from the environment the
 * compose file gives the container, from the `.env` file (see .env.example).
 *
 *   npx tsx scripts/compose/generate.ts            writes them
 *   npx tsx scripts/compose/generate.ts --check    exits 1 when one differs from what it would write
 */
const ROOT = path.resolve(__dirname, '../..');
const DIR = path.join(ROOT, 'deploy', 'compose');
const HEADER = 'Made by scripts/compose/generate.ts from the code of the local stack: do not edit.';

/** Where the broker keeps its settings and its log in the compose file's volume. */
const KAFKA_HOME = '/var/lib/kafka';

function kafkaFormat(): string {
  const props = serverProperties(
    { bind: '0.0.0.0', advertised: 'kafka', port: 9092, controllerPort: 9093 },
    `${KAFKA_HOME}/data`,
    `\${${passwordVariable('KAFKA', 'admin')}}`,
  );
  const scram = KAFKA_USERS.map(
    (user) =>
      `  --add-scram "SCRAM-SHA-512=[name=${user},password=\${${passwordVariable('KAFKA', user)}}]"`,
  );
  return [
    '#!/bin/sh',
    `# ${HEADER}`,
    "# The broker's settings and its SCRAM users (one per app, and the admin that makes topics",
    '# and ACLs), written into its volume before it first starts: run once, as root, by the',
    '# kafka-format service. A log folder formatted earlier is kept (--ignore-formatted).',
    'set -eu',
    `mkdir -p ${KAFKA_HOME}/data`,
    `umask 077`,
    `cat > ${KAFKA_HOME}/server.properties <<EOF`,
    props.trimEnd(),
    'EOF',
    `/opt/kafka/bin/kafka-storage.sh format -t ${CLUSTER_ID} -c ${KAFKA_HOME}/server.properties --ignore-formatted \\`,
    scram.join(' \\\n'),
    "# The broker runs as the image's own user.",
    `chown -R "\${KAFKA_UID:-1000}" ${KAFKA_HOME}`,
    '',
  ].join('\n');
}

function postgresRoles(): string {
  const lines = POSTGRES_DATABASES.flatMap((db) => [
    `create role ${db} login nosuperuser nocreatedb nocreaterole password :'${db}';`,
    `create database ${db} owner ${db};`,
    `revoke connect, temporary on database ${db} from public;`,
  ]);
  const vars = POSTGRES_DATABASES.map(
    (db) => `  -v ${db}="\${${passwordVariable('POSTGRES', db)}:?}" \\`,
  );
  return [
    '#!/bin/sh',
    `# ${HEADER}`,
    '# A role per app, owning its database and nothing else; only it may connect there. Run by',
    '# the postgres image once, when it makes its cluster (/docker-entrypoint-initdb.d).',
    'set -eu',
    'psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \\',
    ...vars,
    '  <<EOF',
    ...lines,
    'EOF',
    '',
  ].join('\n');
}

function mongoUsers(): string {
  const users = MONGO_APPS.map(
    (app) =>
      `admin.createUser({ user: 'roomkey-${app}', pwd: need('${passwordVariable('MONGO', app)}'), roles: [{ role: 'readWrite', db: 'roomkey_${app}' }] });`,
  );
  return [
    `// ${HEADER}`,
    `// A user per app, allowed to read and write its own database only. Run by the mongo image once,`,
    `// when it makes its data folder (/docker-entrypoint-initdb.d), as ${MONGO_ADMIN_USER}.`,
    'const need = (name) => {',
    '  if (!process.env[name]) throw new Error(`${name} is not set`);',
    '  return process.env[name];',
    '};',
    "const admin = db.getSiblingDB('admin');",
    ...users,
    '',
  ].join('\n');
}

export const GENERATED: Record<string, () => string> = {
  'kafka/format.sh': kafkaFormat,
  'postgres/init-roles.sh': postgresRoles,
  'mongo/init-users.js': mongoUsers,
};

/** The generated files that differ from what they would be now. */
export function staleFiles(): string[] {
  return Object.entries(GENERATED)
    .filter(([file, make]) => {
      const at = path.join(DIR, file);
      return !existsSync(at) || readFileSync(at, 'utf8') !== make();
    })
    .map(([file]) => `deploy/compose/${file}`);
}

if (require.main === module) {
  if (process.argv.includes('--check')) {
    const stale = staleFiles();
    if (stale.length > 0) {
      console.error(`${stale.join(', ')}: out of date, run npx tsx scripts/compose/generate.ts`);
      process.exit(1);
    }
  } else {
    for (const [file, make] of Object.entries(GENERATED)) {
      mkdirSync(path.dirname(path.join(DIR, file)), { recursive: true });
      writeFileSync(path.join(DIR, file), make(), { mode: file.endsWith('.sh') ? 0o755 : 0o644 });
      console.log(`wrote deploy/compose/${file}`);
    }
  }
}
