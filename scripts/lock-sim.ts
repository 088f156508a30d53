import { stackSettings, stackUrls } from '@roomkey/common';
import { lockAccount } from '../apps/access/src/domain/lock-account';
import { LockSimulator } from '../apps/access/src/sim/lock-simulator';

/**
 * A simulated smart lock:
 *   npm run lock:sim -- --lock <id> --secret <base64> --password <mqtt password>
 *     [--username <mqtt username>] [--mqtt <url>]
 * The secret and the MQTT credentials are the ones `POST /v1/locks` showed once (or
 * `POST /v1/locks/{id}/mqtt-credentials` gave since); the username is `lock-<id>` unless given.
 * Type `o` or `c` + Enter for the door opening or closing, `f` for a forced door, `h` for a door
 * held open; Ctrl-C leaves (as a crash: the last will fires).
 */
const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const lock = flag('--lock');
const secret = flag('--secret');
const password = flag('--password');
if (!lock || !secret || !password) {
  console.error(
    'usage: npm run lock:sim -- --lock <lock id> --secret <base64 secret> --password <mqtt password> [--username <mqtt username>] [--mqtt url]',
  );
  process.exit(2);
}
const sim = new LockSimulator(
  lock,
  Buffer.from(secret, 'base64'),
  {
    url: flag('--mqtt') ?? stackUrls(stackSettings()).mqtt,
    username: flag('--username') ?? lockAccount(lock).username,
    password,
  },
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
