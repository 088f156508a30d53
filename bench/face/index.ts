import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { buildPipeline } from '../../apps/face/src/adapters/models';
import { DEFAULT_GATES } from '../../apps/face/src/domain/gates';
import { DEFAULT_GREYSCALE } from '../../apps/face/src/domain/pipeline';
import { cosine } from '../../apps/face/src/domain/vectors';

/**
 * Per-stage latency of the face pipeline (median and p95) over the shared photos and over a
 * 640x480 JPEG, and whole images per second. Run: npm run bench:face [-- --threads N]
 * Reads the models from FACE_MODEL_DIR (default ../shared/models), photos from FACE_PHOTO_DIR.
 */
const ROOT = path.resolve(__dirname, '../..');
const MODELS = process.env.FACE_MODEL_DIR ?? path.resolve(ROOT, '../shared/models');
const PHOTOS = process.env.FACE_PHOTO_DIR ?? path.resolve(ROOT, '../shared/faces');
const threadsArg = process.argv.indexOf('--threads');
const THREADS = threadsArg > 0 ? Number(process.argv[threadsArg + 1]) : 1;
const STAGES = ['decode', 'detect', 'align', 'liveness', 'embed', 'compare', 'total'] as const;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
};

async function main(): Promise<void> {
  const pipeline = await buildPipeline(
    { dir: MODELS, intraOpThreads: THREADS, interOpThreads: 1 },
    { maxBytes: 10_000_000, maxPixels: 40_000_000, workingSize: 640 },
    { gates: DEFAULT_GATES, minSharpness: 0, livenessThreshold: 0, greyscale: DEFAULT_GREYSCALE },
  );
  const photos = readdirSync(PHOTOS)
    .filter((f) => /\.(jpe?g|png)$/i.test(f))
    .map((f) => readFileSync(path.join(PHOTOS, f)));
  const vga = await sharp(readFileSync(path.join(PHOTOS, 'person_c_rudd_1.jpg')))
    .resize(640, 480, { fit: 'cover' })
    .jpeg({ quality: 85 })
    .toBuffer();
  const reference = await pipeline.analyse(vga, 'selfie');
  if (!reference.ok) throw new Error(`the 640x480 image was refused: ${reference.problem}`);

  const run = async (name: string, images: Buffer[], rounds: number) => {
    const samples: Record<string, number[]> = {};
    for (const img of images) await pipeline.analyse(img, 'kiosk'); // warm-up
    const started = performance.now();
    let count = 0;
    for (let r = 0; r < rounds; r++) {
      for (const img of images) {
        const t0 = performance.now();
        const result = await pipeline.analyse(img, 'kiosk');
        const t1 = performance.now();
        if (result.ok) cosine(result.embedding, reference.embedding);
        const compare = performance.now() - t1;
        count++;
        for (const [stage, ms] of Object.entries({
          ...result.timings,
          compare: result.ok ? compare : undefined,
          total: t1 - t0 + (result.ok ? compare : 0),
        })) {
          if (ms !== undefined) (samples[stage] ??= []).push(ms);
        }
      }
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `\n${name}: ${count} images, ${(count / seconds).toFixed(1)} images/s (sequential)`,
    );
    console.log('stage      p50 ms   p95 ms   n');
    for (const stage of STAGES) {
      const xs = samples[stage] ?? [];
      if (xs.length === 0) continue;
      console.log(
        `${stage.padEnd(9)} ${pct(xs, 0.5).toFixed(2).padStart(7)} ${pct(xs, 0.95).toFixed(2).padStart(8)} ${String(xs.length).padStart(4)}`,
      );
    }
  };

  console.log(
    `face pipeline bench: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, onnxruntime intra-op threads ${THREADS}`,
  );
  await run(`shared photos (${photos.length} files, all outcomes)`, photos, 5);
  await run('640x480 JPEG (one face, accepted)', [vga], 100);

  // Throughput with two requests in flight at once (one per core), the way the app serves.
  const perWorker = 100;
  const started = performance.now();
  await Promise.all(
    [0, 1].map(async () => {
      for (let i = 0; i < perWorker; i++) await pipeline.analyse(vga, 'kiosk');
    }),
  );
  const rate = (2 * perWorker) / ((performance.now() - started) / 1000);
  console.log(`\n640x480 JPEG, two at a time: ${rate.toFixed(1)} images/s`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
