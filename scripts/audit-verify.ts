import { z } from 'zod';
import {
  devKeysEnv,
  kafkaEnv,
  keyringEnv,
  keyringOrDevelopment,
  parseConfig,
  postgresEnv,
} from '@roomkey/common';
import { AUDIT_CHECKPOINTS_V1 } from '@roomkey/contracts';
import { chainKeys } from '../apps/audit/src/adapters/chain-keys';
import { verifierOrDevelopment } from '../apps/audit/src/adapters/checkpoint-keys';
import { oneKeyEnv } from '../apps/audit/src/config';
import { CheckpointProblem } from '../apps/audit/src/domain/checkpoint';
import { replay } from '../apps/audit/src/replay';
import { ChainReport, verifyChain } from '../apps/audit/src/verify';

/**
 * `npm run audit:verify [-- --no-checkpoints]`: recomputes the audit log's chain under its keys
 * (DATABASE_URL, default the local stack's roomkey_audit; AUDIT_CHAIN_KEYRING) and compares it
 * with the signed checkpoints on audit.checkpoints.v1 (KAFKA_BROKERS as KAFKA_USERNAME;
 * AUDIT_CHECKPOINT_PUBLIC_KEYS, or the signing key's public half). Says what it checked and
 * names what is wrong. Exit 0 intact, 1 broken, 2 could not check.
 */
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

async function main(): Promise<number> {
  const config = parseConfig('audit:verify', VerifyConfig);
  const keyring = keyringOrDevelopment(
    'audit:verify',
    'AUDIT_CHAIN_KEYRING',
    config.AUDIT_CHAIN_KEYRING,
    config.ROOMKEY_DEV_KEYS,
  );
  const withCheckpoints = !process.argv.includes('--no-checkpoints');
  let checkpoints: Parameters<typeof verifyChain>[1]['checkpoints'];
  if (withCheckpoints) {
    const verifier = verifierOrDevelopment('audit:verify', {
      publicKeys: config.AUDIT_CHECKPOINT_PUBLIC_KEYS,
      signingKey: config.AUDIT_CHECKPOINT_SIGNING_KEY,
      devKeys: config.ROOMKEY_DEV_KEYS,
    });
    const records: unknown[] = [];
    await replay({ connection: config, topic: AUDIT_CHECKPOINTS_V1, from: '0' }, (r) => {
      records.push(r.value);
    });
    checkpoints = { records, verifier };
  }
  const report = await verifyChain(config.DATABASE_URL, { keys: chainKeys(keyring), checkpoints });

  const kinds = [
    ...Object.entries(report.keys).map(([id, n]) => `${n} under key ${id}`),
    ...(report.unkeyed > 0 ? [`${report.unkeyed} unkeyed, from before the chain had keys`] : []),
  ];
  const holding = report.rows - (report.broken ? 1 : 0);
  console.log(`audit log ${report.logId ?? '(no id)'}`);
  console.log(
    report.rows === 0
      ? 'chain: no chained rows'
      : `chain: rows ${report.firstRowId} to ${report.lastRowId} checked, ${holding} hold` +
          (kinds.length > 0 ? ` (${kinds.join(', ')})` : '') +
          (report.broken ? `, row ${report.broken.id} does not` : ''),
  );
  const c = report.checkpoints;
  if (!c) {
    console.log('checkpoints: not checked (--no-checkpoints): a deleted tail would go unnoticed');
  } else {
    console.log(
      `checkpoints: ${c.checked} of this log on ${AUDIT_CHECKPOINTS_V1}, ${c.matched} matching their row` +
        (c.latest
          ? `; the newest (${c.latest.at}) covers rows up to ${c.latest.rowId}, ${c.after} rows since`
          : '; none yet: the whole log is unanchored') +
        (c.otherLogs > 0 ? `; ${c.otherLogs} of other audit logs ignored` : '') +
        (c.unreadable > 0 ? `; ${c.unreadable} unreadable records ignored` : ''),
    );
  }
  const problems = [
    ...(report.broken ? [`row ${report.broken.id}: ${BREAKS[report.broken.problem]}`] : []),
    ...(c?.problems.map(problemLine) ?? []),
  ];
  if (problems.length === 0) {
    console.log(`audit log intact: ${report.rows} chained rows verified`);
    return 0;
  }
  for (const p of problems) console.error(`audit log broken: ${p}`);
  return 1;
}

main()
  .then((code) => process.exit(code))
  .catch((err: unknown) => {
    console.error(`audit:verify failed: ${(err as Error).message}`);
    process.exit(2);
  });
