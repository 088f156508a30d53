import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { MODEL_FILES } from '../apps/face/src/adapters/model-files';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * Fetches the face models into `dir` from their public sources (or from a mirror: `from` is
 * a base URL the file names are appended to), each checked against its pinned sha256 and size
 * before it is moved into place. A file already there with the right hash is kept.
 */
export async function downloadModels(
  dir: string,
  opts: { from?: string; log?: (line: string) => void } = {},
): Promise<void> {
  const log = opts.log ?? console.log;
  await mkdir(dir, { recursive: true });
  for (const model of MODEL_FILES) {
    const target = path.join(dir, model.file);
    const existing = await readFile(target).catch(() => undefined);
    if (existing && sha256(existing) === model.sha256) {
      log(`ok       ${model.file} (already there)`);
      continue;
    }
    const url = opts.from ? `${opts.from.replace(/\/$/, '')}/${model.file}` : model.url;
    const res = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(120_000) });
    if (!res.ok) throw new Error(`${model.file}: ${url} answered ${res.status}`);
    const bytes = Buffer.from(await res.arrayBuffer());
    const actual = sha256(bytes);
    if (actual !== model.sha256 || bytes.length !== model.bytes) {
      throw new Error(
        `${model.file}: got ${bytes.length} bytes with sha256 ${actual}; expected ${model.bytes} bytes with ${model.sha256}`,
      );
    }
    const partial = `${target}.partial`;
    await writeFile(partial, bytes);
    await rename(partial, target).catch(async (err: unknown) => {
      await rm(partial, { force: true });
      throw err;
    });
    log(`fetched  ${model.file} (${model.licence})`);
  }
}

const ROOT = path.resolve(__dirname, '..');
/** Where `npm run models:download` puts the models by default. */
export const OWN_MODEL_DIR = path.join(ROOT, 'models');
/** The shared folder beside the project, which the tests read. */
export const SHARED_DIR = path.resolve(
  process.env.ROOMKEY_SHARED_DIR ?? path.join(ROOT, '../shared'),
);

const complete = (dir: string) => MODEL_FILES.every((m) => existsSync(path.join(dir, m.file)));

/**
 * Where the face app reads its models: FACE_MODEL_DIR, else ./models when
 * `npm run models:download` filled it, else a `shared/models` folder beside the project, else
 * ./models (to be filled).
 */
export function modelDir(): string {
  if (process.env.FACE_MODEL_DIR) return path.resolve(process.env.FACE_MODEL_DIR);
  const beside = path.join(SHARED_DIR, 'models');
  return complete(OWN_MODEL_DIR) || !complete(beside) ? OWN_MODEL_DIR : beside;
}

/** The model files in `dir` that are missing or not the pinned bytes, each with why. */
export async function modelProblems(dir: string): Promise<string[]> {
  const problems: string[] = [];
  for (const model of MODEL_FILES) {
    const bytes = await readFile(path.join(dir, model.file)).catch(() => undefined);
    if (!bytes) problems.push(`${model.file} is missing`);
    else if (sha256(bytes) !== model.sha256) problems.push(`${model.file} has another sha256`);
  }
  return problems;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const dir = path.resolve(flag('--dir') ?? process.env.FACE_MODEL_DIR ?? 'models');
  downloadModels(dir, { from: flag('--from') })
    .then(() => console.log(`models are in ${dir}`))
    .catch((err: unknown) => {
      console.error(`models:download failed: ${(err as Error).message}`);
      process.exit(1);
    });
}
