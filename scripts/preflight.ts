import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { stackSettings } from '@roomkey/common/config/stack';
import { FerretDbServer } from './stack/ferretdb';
import { KafkaServer } from './stack/kafka';
import { ensurePackages } from './stack/packages';
import { seconds } from './stack/proc';
import { downloadModels, modelDir, modelProblems, OWN_MODEL_DIR, SHARED_DIR } from './models';

/**
 * `npm start` and `npm test` run this first (after scripts/deps.mjs has the npm packages in
 * place): whatever the command will need later is checked now, and fetched when it can be, so
 * that a missing piece stops the command in its first seconds with one line saying what is
 * missing and how to get it.
 *
 *   tsx scripts/preflight.ts start|test
 */
const mode = process.argv[2];
const log = (line: string) => console.log(`[preflight] ${line}`);

class Missing extends Error {}

function onPath(cmd: string): boolean {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .some((dir) => dir !== '' && existsSync(path.join(dir, cmd)));
}

/** The commands the local stack runs or builds with; the ones for a build only when it is due. */
function stackTools(): void {
  if (process.env.ROOMKEY_SKIP_STACK === '1') return;
  const s = stackSettings();
  const need: Array<[string, string]> = [
    ['java', 'Java 17 or newer (apt-get install openjdk-17-jre-headless)'],
  ];
  if (!new KafkaServer(s).installed()) {
    need.push(['mvn', 'Maven, to fetch Kafka from Maven Central (apt-get install maven)']);
  }
  if (!new FerretDbServer(s).installed()) {
    need.push(['go', 'Go 1.22 or newer, to build FerretDB (https://go.dev/dl)']);
  }
  const missing = need.filter(([cmd]) => !onPath(cmd));
  if (missing.length > 0) {
    throw new Missing(`the local stack needs ${missing.map(([, what]) => what).join('; ')}`);
  }
}

async function startModels(): Promise<void> {
  const checking = Date.now();
  const dir = modelDir();
  let problems = await modelProblems(dir);
  if (problems.length > 0 && dir === OWN_MODEL_DIR && !process.env.FACE_MODEL_DIR) {
    const started = Date.now();
    log(`face models: ${problems.join(', ')}; fetching them into ${dir} …`);
    try {
      await downloadModels(dir, { log: (line) => log(`  ${line}`) });
      log(`face models: fetched in ${seconds(started)}`);
    } catch (err) {
      throw new Missing(
        `the face models are not in ${dir} and could not be fetched (${(err as Error).message}): ` +
          `run \`npm run models:download -- --from <mirror>\`, or set FACE_MODEL_DIR to a folder holding them (docs/face.md)`,
      );
    }
    problems = await modelProblems(dir);
  }
  if (problems.length > 0) {
    throw new Missing(
      `the face models in ${dir} are not usable (${problems.join(', ')}): run \`npm run models:download\` (docs/face.md)`,
    );
  }
  log(`face models: ${dir}, each checked against its sha256 in ${seconds(checking)}`);
}

/** The tests read the models and photos from the shared folder beside the project. */
async function testData(): Promise<void> {
  const checking = Date.now();
  const models = process.env.FACE_MODEL_DIR ?? path.join(SHARED_DIR, 'models');
  const photos = process.env.FACE_PHOTO_DIR ?? path.join(SHARED_DIR, 'faces');
  const problems = await modelProblems(models);
  if (problems.length > 0) {
    throw new Missing(
      `the tests read the face models from ${models} (${problems.join(', ')}): put the shared folder beside the project or set ROOMKEY_SHARED_DIR`,
    );
  }
  if (!existsSync(path.join(photos, 'manifest.json'))) {
    throw new Missing(
      `the tests read the test photos from ${photos}, which has no manifest.json: put the shared folder beside the project or set ROOMKEY_SHARED_DIR`,
    );
  }
  log(
    `test data: models in ${models} (each checked against its sha256 in ${seconds(checking)}), photos in ${photos}`,
  );
}

async function main(): Promise<void> {
  if (mode !== 'start' && mode !== 'test') throw new Error('usage: preflight start|test');
  stackTools();
  if (process.env.ROOMKEY_SKIP_STACK !== '1') {
    await ensurePackages(log).catch((err: Error) => {
      throw new Missing(err.message);
    });
  }
  await (mode === 'start' ? startModels() : testData());
}

main().catch((err: Error) => {
  // What is missing is one line; anything else keeps its detail for the reader.
  console.error(`roomkey: ${err instanceof Missing ? err.message : (err.stack ?? err.message)}`);
  process.exit(1);
});
