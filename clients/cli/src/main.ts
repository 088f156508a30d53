import { readFileSync } from 'node:fs';
import { runCli } from './program';

const controller = new AbortController();
// The first Ctrl-C ends a long-running command cleanly; a second one ends the process.
process.once('SIGINT', () => {
  controller.abort();
  process.once('SIGINT', () => process.exit(130));
});
process.once('SIGTERM', () => controller.abort());

runCli(process.argv.slice(2), {
  streams: process,
  env: process.env,
  signal: controller.signal,
  readStdin: () => readFileSync(0, 'utf8'),
}).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`roomkey: unexpected failure: ${(err as Error).message}`);
    process.exit(70);
  },
);
