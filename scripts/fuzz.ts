import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { ADMIN, login } from '../test/support/auth';
import { startSystem } from '../test/e2e/system';
import { record } from './test-results';

/**
 * `npm run test:fuzz`: schemathesis (from PyPI, in a virtualenv of its own under .fuzz/)
 * generates requests for every operation of the gateway's OpenAPI document and sends them,
 * with an admin's token, to the whole system started as `npm test`'s end-to-end test starts it.
 * It fails on any 5xx but a 503 (a database, broker or app that did not answer in time, which no
 * input causes: scripts/fuzz/schemathesis.toml) and on any answer that does not match the
 * documented schema; a 503 must match its schema too.
 * FUZZ_EXAMPLES (default 25) sets the examples per operation; the report goes to .fuzz/.
 */
const ROOT = path.resolve(__dirname, '..');
const DIR = path.join(ROOT, '.fuzz');
const VENV = path.join(DIR, 'venv');
const SCHEMATHESIS_VERSION = '4.32.5';
const bin = path.join(VENV, 'bin', 'schemathesis');

function ensureSchemathesis(): void {
  if (existsSync(bin)) return;
  mkdirSync(DIR, { recursive: true });
  const steps: [string, string[]][] = [
    ['python3', ['-m', 'venv', VENV]],
    [path.join(VENV, 'bin', 'pip'), ['install', '-q', `schemathesis==${SCHEMATHESIS_VERSION}`]],
  ];
  for (const [cmd, args] of steps) {
    const r = spawnSync(cmd, args, { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed`);
  }
}

function junitReports(): string[] {
  return existsSync(DIR) ? readdirSync(DIR).filter((f) => /^junit-.*\.xml$/.test(f)) : [];
}

/**
 * schemathesis closes with a pytest-style banner, `==== 4 warnings in 23.29s ====`, which
 * counts no test and so reads as a run that tested nothing. Its summary above the banner
 * (cases generated and passed) stays; the counts that `npm test` reports come from the
 * JUnit report.
 */
export function isClosingBanner(line: string): boolean {
  return /^=+ .* in [\d.]+s =+$/.test(line.trim());
}

/** Every operation schemathesis tested counts as a test in `npm test`'s closing line. */
function recordOperations(report: string | undefined, code: number): void {
  const head = report
    ? /<testsuites([^>]*)>/.exec(readFileSync(path.join(DIR, report), 'utf8'))
    : null;
  const attr = (name: string): number =>
    Number(new RegExp(`${name}="(\\d+)"`).exec(head?.[1] ?? '')?.[1] ?? 0);
  const failed = attr('failures') + attr('errors');
  record('fuzzing', {
    passed: attr('tests') - failed - attr('skipped'),
    // No report, or a failing exit without a failing operation, still fails the run.
    failed: failed > 0 || code === 0 ? failed : 1,
    skipped: attr('skipped'),
  });
}

async function main(): Promise<number> {
  ensureSchemathesis();
  const sys = await startSystem();
  try {
    const { accessToken } = await login(sys.gateway, ADMIN.email, ADMIN.password);
    const args = [
      '--config-file',
      path.join(__dirname, 'fuzz', 'schemathesis.toml'),
      'run',
      `${sys.gateway}/docs-json`,
      '--header',
      `Authorization: Bearer ${accessToken}`,
      '--checks',
      'not_a_server_error,response_schema_conformance',
      '--max-examples',
      process.env.FUZZ_EXAMPLES ?? '25',
      '--workers',
      '2',
      '--request-timeout',
      '15',
      // Streams that stay open by design: the alert feed and a request's decision events.
      '--exclude-path-regex',
      '/(stream|events)$',
      '--report',
      'junit',
      '--report-dir',
      DIR,
      '--seed',
      process.env.FUZZ_SEED ?? '1',
    ];
    const reportsBefore = new Set(junitReports());
    const code = await new Promise<number>((resolve) => {
      const child = spawn(bin, args, { stdio: ['inherit', 'pipe', 'inherit'], cwd: ROOT });
      const lines = createInterface({ input: child.stdout });
      lines.on('line', (line) => {
        if (!isClosingBanner(line)) process.stdout.write(`${line}\n`);
      });
      // 'close' waits for the piped output to be read to its end, unlike 'exit'.
      child.on('close', (status) => resolve(status ?? 1));
    });
    recordOperations(
      junitReports().find((f) => !reportsBefore.has(f)),
      code,
    );
    return code;
  } finally {
    await sys.stop();
  }
}

if (require.main === module) {
  main()
    .then((code) => process.exit(code))
    .catch((err: unknown) => {
      console.error(`fuzz failed: ${(err as Error).message}`);
      process.exit(1);
    });
}
