import { stackSettings, stackUrls } from '@roomkey/common';
import { LockSimulator } from '../apps/access/src/sim/lock-simulator';

/**
 * A simulated smart lock: npm run lock:sim -- --lock <id> --secret <base64> [--mqtt <url>]
 * The secret is the one `POST /v1/locks` showed once. Type `o` or `c` + Enter for the door
 * opening or closing, `f` for a forced door, `h` for a door held open; Ctrl-C leaves (as a
 * crash: the last will fires).
 */
const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const lock = flag('--lock');
const secret = flag('--secret');
if (!lock || !secret) {
  console.error(
    'usage: npm run lock:sim -- --lock <lock id> --secret <base64 secret> [--mqtt url]',
  );
  process.exit(2);
}
const sim = new LockSimulator(
  lock,
  Buffer.from(secret, 'base64'),
  flag('--mqtt') ?? stackUrls(stackSettings()).mqtt,
  (line) => console.log(line),
);
sim
  .start()
  .then(() => {
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (input: string) => {
      if (input.trim() === 'o') void sim.openDoor();
      if (input.trim() === 'c') void sim.closeDoor();
      if (input.trim() === 'f') void sim.forceDoor();
      if (input.trim() === 'h') void sim.holdOpen();
    });
    process.on('SIGINT', () => {
      sim.crash();
      process.exit(0);
    });
  })
  .catch((err: unknown) => {
    console.error(`lock:sim: ${(err as Error).message}`);
    process.exit(1);
  });
