import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildPipeline } from '../../apps/face/src/adapters/models';
import { DEFAULT_MATCH_THRESHOLD } from '../../apps/face/src/config';
import { DEFAULT_GATES } from '../../apps/face/src/domain/gates';
import {
  DEFAULT_GREYSCALE,
  DEFAULT_MIN_SHARPNESS,
  PipelineOptions,
} from '../../apps/face/src/domain/pipeline';
import { cosine } from '../../apps/face/src/domain/vectors';
import { measureGates } from './gates';
import { percent, upperBound } from './stats';

/**
 * Measures what the face app's thresholds rest on, and prints Markdown for
 * docs/face-threshold.md. The match threshold: the cosine scores of every same-person and
 * every different-person pair of the shared identity photos, the error rates at the threshold
 * and their 95% upper bounds. The gates: sharpness, liveness and greyscale captures on blurred,
 * re-encoded and greyscale copies made in memory (bench/face/gates.ts).
 * Run: npm run bench:threshold. FACE_MODEL_DIR and FACE_PHOTO_DIR point elsewhere.
 */
const ROOT = path.resolve(__dirname, '../..');
const MODELS = process.env.FACE_MODEL_DIR ?? path.resolve(ROOT, '../shared/models');
const PHOTOS = process.env.FACE_PHOTO_DIR ?? path.resolve(ROOT, '../shared/faces');
const LIVENESS_THRESHOLD = 0.5;

interface Entry {
  file: string;
  category: string;
  identity: string | null;
  liveness?: 'real' | 'spoof';
}

const pipelineWith = (options: Partial<PipelineOptions>) =>
  buildPipeline(
    { dir: MODELS, intraOpThreads: 1, interOpThreads: 1 },
    { maxBytes: 10_000_000, maxPixels: 40_000_000, workingSize: 640 },
    {
      gates: DEFAULT_GATES,
      minSharpness: DEFAULT_MIN_SHARPNESS,
      livenessThreshold: LIVENESS_THRESHOLD,
      greyscale: DEFAULT_GREYSCALE,
      ...options,
    },
  );

async function main(): Promise<void> {
  // Faces only: liveness is its own gate, and studio portraits are not live captures.
  const faces = await pipelineWith({ minSharpness: 0, livenessThreshold: null });
  const manifest = JSON.parse(readFileSync(path.join(PHOTOS, 'manifest.json'), 'utf8')) as {
    images: Entry[];
  };
  const people = manifest.images.filter((e) => e.category === 'identity');
  const embeddings = new Map<string, Float32Array>();
  for (const e of people) {
    const r = await faces.analyse(readFileSync(path.join(PHOTOS, e.file)), 'selfie');
    if (!r.ok) throw new Error(`${e.file}: ${r.problem}`);
    embeddings.set(e.file, r.embedding);
  }
  const same: [string, string, number][] = [];
  const different: number[] = [];
  for (let i = 0; i < people.length; i++) {
    for (let j = i + 1; j < people.length; j++) {
      const [a, b] = [people[i]!, people[j]!];
      const score = cosine(embeddings.get(a.file)!, embeddings.get(b.file)!);
      if (a.identity === b.identity) same.push([a.file, b.file, score]);
      else different.push(score);
    }
  }
  const sameScores = same.map((s) => s[2]);
  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const mean = s.reduce((t, x) => t + x, 0) / s.length;
    return {
      n: s.length,
      min: s[0]!,
      median: s[Math.floor(s.length / 2)]!,
      mean,
      max: s[s.length - 1]!,
    };
  };
  const f = (x: number) => x.toFixed(3);
  const S = stats(sameScores);
  const D = stats(different);
  console.log('## The match threshold\n');
  console.log(
    `${people.length} identity photos of ${new Set(people.map((p) => p.identity)).size} people.\n`,
  );
  console.log('| pairs | n | min | median | mean | max |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  console.log(
    `| same person | ${S.n} | ${f(S.min)} | ${f(S.median)} | ${f(S.mean)} | ${f(S.max)} |`,
  );
  console.log(
    `| different people | ${D.n} | ${f(D.min)} | ${f(D.median)} | ${f(D.mean)} | ${f(D.max)} |`,
  );
  console.log(
    `\nGap: ${f(D.max)} .. ${f(S.min)} (margin ${f(S.min - D.max)}); midpoint ${f((S.min + D.max) / 2)}`,
  );
  const t = DEFAULT_MATCH_THRESHOLD;
  const falseMatches = different.filter((x) => x >= t).length;
  const falseNonMatches = sameScores.filter((x) => x < t).length;
  console.log(`\nAt the threshold ${t} (95% one-sided upper bounds, Clopper-Pearson):\n`);
  console.log(
    `- FMR: ${falseMatches} of ${D.n} different-person pairs, ${percent(falseMatches / D.n)}; ` +
      `at most ${percent(upperBound(falseMatches, D.n))}`,
  );
  console.log(
    `- FNMR: ${falseNonMatches} of ${S.n} same-person pairs, ${percent(falseNonMatches / S.n)}; ` +
      `at most ${percent(upperBound(falseNonMatches, S.n))}`,
  );
  console.log('\nSame-person pairs:\n');
  for (const [a, b, s] of same) console.log(`- ${a} / ${b}: ${f(s)}`);
  const histogram = (xs: number[]) => {
    const bins = new Map<number, number>();
    for (const x of xs) {
      const lo = Math.floor(x * 10);
      bins.set(lo, (bins.get(lo) ?? 0) + 1);
    }
    return [...bins.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(
        ([lo, n]) =>
          `${(lo / 10).toFixed(1)}..${((lo + 1) / 10).toFixed(1)}: ${'#'.repeat(n)} ${n}`,
      );
  };
  console.log('\nDifferent-person scores by 0.1 bin:\n');
  for (const line of histogram(different)) console.log(`    ${line}`);

  const samples = manifest.images
    .filter((e) => e.category === 'identity' || e.category === 'liveness')
    .map((e) => ({
      file: e.file,
      live: e.liveness !== 'spoof',
      bytes: readFileSync(path.join(PHOTOS, e.file)),
    }));
  await measureGates(
    samples,
    await pipelineWith({}),
    await pipelineWith({
      minSharpness: 0,
      livenessThreshold: 0,
      greyscale: { ...DEFAULT_GREYSCALE, modes: ['kiosk', 'selfie'], spoofThreshold: 2 },
    }),
    {
      minSharpness: DEFAULT_MIN_SHARPNESS,
      livenessThreshold: LIVENESS_THRESHOLD,
      greyscaleSpoof: DEFAULT_GREYSCALE.spoofThreshold,
    },
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
