import { stackSettings, stackUrls } from '@roomkey/common';
import { replay } from '../apps/audit/src/replay';

/**
 * `npm run replay -- --topic <t> --from <offset|ISO time> [--to <offset|ISO time>] --print [--json]`
 * prints the records of a topic without touching any app's consumer group.
 * KAFKA_BROKERS (default the local stack) says where.
 */
const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const topic = flag('--topic');
const from = flag('--from');
if (!topic || !from || !args.includes('--print')) {
  console.error(
    'usage: npm run replay -- --topic <topic> --from <offset|ISO time> [--to <offset|ISO time>] --print [--json]',
  );
  process.exit(2);
}
const json = args.includes('--json');
const brokers = (process.env.KAFKA_BROKERS ?? stackUrls(stackSettings()).kafkaBrokers).split(',');
replay({ brokers, topic, from, to: flag('--to') }, (r) => {
  if (json) console.log(JSON.stringify(r));
  else
    console.log(
      `${r.timestamp} ${r.topic}[${r.partition}]@${r.offset} key=${r.key}\n${JSON.stringify(r.value, null, 2)}`,
    );
})
  .then((n) => console.error(`${n} records`))
  .catch((err: unknown) => {
    console.error(`replay failed: ${(err as Error).message}`);
    process.exit(1);
  });
