import type { Command } from 'commander';
import type { Run } from './run';

/** The projections of the audit log that can be rebuilt. */
export const PROJECTIONS = ['access-log', 'alerts'];

// The operator's tools load Kafka, TypeORM and the apps' code: only when one of them runs.
const tools = async (): Promise<typeof import('../operator/tools')> =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('../operator/tools');

export function registerOperator(program: Command, run: Run): void {
  program
    .command('replay')
    .description(
      "print a topic's records from an offset or an instant, without touching any app's consumer group (Kafka: KAFKA_BROKERS, KAFKA_USERNAME, KAFKA_PASSWORD; default the local stack's)",
    )
    .requiredOption('--topic <topic>', 'the topic, such as access.decided.v1')
    .requiredOption('--from <offset|instant>', 'an offset (on every partition) or an ISO date-time')
    .option(
      '--to <offset|instant>',
      'stop after this offset or instant (default: the end as it is now)',
    )
    .action(
      run((ctx, opts: { topic: string; from: string; to?: string }) =>
        tools().then((t) => t.replayTopic(ctx, opts)),
      ),
    );
  program
    .command('rebuild')
    .description(
      "rebuild a projection of the audit log (access-log or alerts) into a fresh table and swap it in, with progress (DATABASE_URL: default the local stack's roomkey_audit; the alert rules' settings from the environment)",
    )
    .argument('<projection>', PROJECTIONS.join(' or '))
    .action(run((ctx, name: string) => tools().then((t) => t.rebuild(ctx, name))));
  const audit = program.command('audit').description('the audit log');
  audit
    .command('verify')
    .description(
      "recompute the audit log's keyed chain (DATABASE_URL, AUDIT_CHAIN_KEYRING) and compare it with the signed checkpoints on Kafka (AUDIT_CHECKPOINT_PUBLIC_KEYS); names the first broken row or a deleted tail; exit 1 when broken",
    )
    .option('--no-checkpoints', 'check the chain only (a deleted tail then goes unnoticed)')
    .action(
      run((ctx, opts: { checkpoints: boolean }) => tools().then((t) => t.auditVerify(ctx, opts))),
    );
  const lock = program.command('lock').description('smart locks');
  lock
    .command('sim')
    .description(
      'run a simulated smart lock until Ctrl-C: it logs in to the broker as the lock, verifies and acknowledges unlock commands and reports its state, signed (the secret and MQTT password are the ones POST /v1/locks showed once)',
    )
    .addHelpText(
      'after',
      "\nThe lock's secret and MQTT password come from ROOMKEY_LOCK_SECRET and ROOMKEY_LOCK_PASSWORD\n(never arguments, which anyone on the machine can read in the process list).\nWhile it runs, type o, c, f or h and Enter: the door opened, closed, forced, held open.",
    )
    .option('--lock <id>', 'the lock id')
    .option('--username <username>', 'its MQTT username (default lock-<id>)')
    .option('--mqtt <url>', "the broker (default the local stack's)")
    .option('--demo', "the demo site's lock (roomkey demo seed)")
    .action(
      run((ctx, opts: import('../operator/tools').SimOptions) =>
        tools().then((t) => t.lockSim(ctx, opts)),
      ),
    );
}
