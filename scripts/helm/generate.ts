import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { AclOperationTypes, AclResourceTypes, ResourcePatternTypes } from 'kafkajs';
import { ALL_TOPICS, APP_NAMES, DLQ_TOPICS, SCALING_PARTITIONS } from '@roomkey/contracts';
import { aclsFromContracts } from '../stack/kafka';

/**
 * What the Helm chart knows of the contracts (deploy/helm/roomkey/files/contracts.json): every
 * topic with its partitions, retention and apps, each app's Kafka ACLs (the very list the local
 * stack and the compose file put on their broker, `aclsFromContracts`) and the topics each app
 * works through in its shared group. The chart makes its KafkaTopics, KafkaUsers and the
 * autoscalers' limits from it, so the contracts stay the one place that says who owns a topic.
 *
 *   npx tsx scripts/helm/generate.ts            writes it
 *   npx tsx scripts/helm/generate.ts --check    exits 1 when it differs from what it would write
 */
const ROOT = path.resolve(__dirname, '../..');
export const CONTRACTS_FILE = path.join(
  ROOT,
  'deploy',
  'helm',
  'roomkey',
  'files',
  'contracts.json',
);

/** Strimzi's names for Kafka's ACL parts (`KafkaUser.spec.authorization.acls`). */
const RESOURCE: Partial<Record<AclResourceTypes, string>> = {
  [AclResourceTypes.TOPIC]: 'topic',
  [AclResourceTypes.GROUP]: 'group',
};
const OPERATION: Partial<Record<AclOperationTypes, string>> = {
  [AclOperationTypes.READ]: 'Read',
  [AclOperationTypes.WRITE]: 'Write',
};
const PATTERN: Partial<Record<ResourcePatternTypes, string>> = {
  [ResourcePatternTypes.LITERAL]: 'literal',
  [ResourcePatternTypes.PREFIXED]: 'prefix',
};

function known<T>(table: Partial<Record<number, T>>, value: number, what: string): T {
  const found = table[value];
  if (found === undefined) throw new Error(`no Strimzi name for the ${what} ${value}`);
  return found;
}

export interface StrimziAcl {
  resource: { type: string; name: string; patternType: string };
  operations: string[];
}

/** Each app's ACLs in Strimzi's form, in the order the contracts give them. */
export function strimziAcls(): Record<string, StrimziAcl[]> {
  const users: Record<string, StrimziAcl[]> = Object.fromEntries(APP_NAMES.map((a) => [a, []]));
  for (const acl of aclsFromContracts(ALL_TOPICS)) {
    const app = acl.principal.replace(/^User:roomkey-/, '');
    users[app]!.push({
      resource: {
        type: known(RESOURCE, acl.resourceType, 'resource type'),
        name: acl.resourceName,
        patternType: known(PATTERN, acl.resourcePatternType, 'pattern type'),
      },
      operations: [known(OPERATION, acl.operation, 'operation')],
    });
  }
  return users;
}

const DEAD_LETTER = new Set(DLQ_TOPICS.map((t) => t.name));

export function contractsData() {
  return {
    comment: 'Made by scripts/helm/generate.ts from libs/contracts: do not edit.',
    scalingPartitions: SCALING_PARTITIONS,
    apps: [...APP_NAMES],
    topics: ALL_TOPICS.map((t) => ({
      name: t.name,
      partitions: t.partitions,
      retentionMs: t.retentionMs,
      producers: [...t.producers],
      consumers: [...t.consumers],
    })),
    acls: strimziAcls(),
    /**
     * The event topics each app reads in its consumer group: what its lag is measured on, and
     * what bounds its replicas (a partition goes to one member). A dead-letter topic has one
     * partition by design (rare records); the audit app reads it with one member, and its other
     * replicas share the rest.
     */
    consumes: Object.fromEntries(
      APP_NAMES.map((app) => [
        app,
        ALL_TOPICS.filter((t) => t.consumers.includes(app) && !DEAD_LETTER.has(t.name)).map(
          (t) => t.name,
        ),
      ]),
    ),
  };
}

export const render = () => `${JSON.stringify(contractsData(), null, 2)}\n`;

export const isCurrent = () =>
  existsSync(CONTRACTS_FILE) && readFileSync(CONTRACTS_FILE, 'utf8') === render();

if (require.main === module) {
  const rel = path.relative(ROOT, CONTRACTS_FILE);
  if (process.argv.includes('--check')) {
    if (!isCurrent()) {
      console.error(`${rel}: out of date, run npx tsx scripts/helm/generate.ts`);
      process.exit(1);
    }
  } else {
    writeFileSync(CONTRACTS_FILE, render());
    console.log(`wrote ${rel}`);
  }
}
