import sharp from 'sharp';
import type { CaptureMode } from '../../apps/face/src/domain/gates';
import type { FaceAnalysis, FacePipeline } from '../../apps/face/src/domain/pipeline';
import { meanChroma } from '../../apps/face/src/domain/quality';
import { percent, upperBound } from './stats';

/**
 * The quality and liveness gates measured on augmented copies of the shared photos, made in
 * memory with sharp and never written anywhere: blurred, re-encoded as JPEG, turned greyscale.
 * `deciding` is the pipeline with the app's defaults, whose answer is the outcome; `measuring`
 * refuses nothing after detection, so that every figure can be read.
 */
export interface GateSample {
  file: string;
  live: boolean;
  bytes: Buffer;
}

type Make = (bytes: Buffer) => Promise<Buffer>;
const WORKING = 640;

/** Upright and at the working size, as the app's decoder sees it; lossless from here. */
const working = (bytes: Buffer) =>
  sharp(bytes)
    .rotate()
    .resize({ width: WORKING, height: WORKING, fit: 'inside', withoutEnlargement: true });
const jpeg =
  (quality: number): Make =>
  (b) =>
    working(b).jpeg({ quality }).toBuffer();
const greyJpeg =
  (quality: number): Make =>
  (b) =>
    working(b).greyscale().jpeg({ quality }).toBuffer();
const blurred =
  (sigma: number, quality = 90): Make =>
  (b) =>
    (sigma < 0.3 ? working(b) : working(b).blur(sigma)).jpeg({ quality }).toBuffer();

const f3 = (x: number) => x.toFixed(3);
const outcome = (r: FaceAnalysis) => (r.ok ? 'accepted' : r.problem);

export async function measureGates(
  samples: GateSample[],
  deciding: FacePipeline,
  measuring: FacePipeline,
  gates: { minSharpness: number; livenessThreshold: number; greyscaleSpoof: number },
): Promise<void> {
  const analyse = async (s: GateSample, make: Make, mode: CaptureMode = 'kiosk') => {
    const bytes = await make(s.bytes);
    const [decided, measured] = await Promise.all([
      deciding.analyse(bytes, mode),
      measuring.analyse(bytes, mode),
    ]);
    return { decided, measured, bytes };
  };
  const widths = new Map<string, number>();
  for (const s of samples) {
    const r = await measuring.analyse(await jpeg(95)(s.bytes), 'kiosk');
    if (!r.ok) throw new Error(`${s.file}: ${r.problem}`);
    widths.set(s.file, r.face.width);
  }
  const lives = samples.filter((s) => s.live);
  const spoofs = samples.filter((s) => !s.live);

  console.log('\n## Sharpness on blurred copies\n');
  console.log(
    `Each photo at the working size (${WORKING} px), blurred with a Gaussian of the sigma given, ` +
      `JPEG quality 90. Gate: variance of the Laplacian under ${gates.minSharpness} is too-blurry.\n`,
  );
  console.log('| blur sigma | n | min | median | max | refused as too-blurry |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  const levels: [string, (s: GateSample) => number][] = [
    ['none', () => 0],
    ...[0.01, 0.015, 0.02, 0.03].map(
      (f) =>
        [`${percent(f)} of the face width`, (s: GateSample) => f * widths.get(s.file)!] as [
          string,
          (s: GateSample) => number,
        ],
    ),
    ...[1, 2, 4].map((px) => [`${px} px`, () => px] as [string, (s: GateSample) => number]),
  ];
  for (const [name, sigma] of levels) {
    const scores: number[] = [];
    let refused = 0;
    for (const s of samples) {
      const { decided, measured } = await analyse(s, blurred(sigma(s)));
      if (measured.ok) scores.push(measured.sharpness);
      if (!decided.ok && decided.problem === 'too-blurry') refused++;
    }
    scores.sort((a, b) => a - b);
    console.log(
      `| ${name} | ${scores.length} | ${scores[0]!.toFixed(0)} | ${scores[scores.length >> 1]!.toFixed(0)} | ${scores[scores.length - 1]!.toFixed(0)} | ${refused} of ${samples.length} |`,
    );
  }
  console.log(
    `\nFace widths at the working size: ${[...widths.values()].map((w) => w.toFixed(0)).join(', ')} px.`,
  );

  const qualities = [70, 75, 80, 85, 90, 95];
  const stability = async (title: string, make: (q: number) => Make, score: string) => {
    console.log(`\n## ${title}\n`);
    console.log(`| photo | truth | ${qualities.map((q) => `q${q}`).join(' | ')} | outcomes |`);
    console.log(`| --- | --- | ${qualities.map(() => '---').join(' | ')} | --- |`);
    const changed: string[] = [];
    for (const s of samples) {
      const cells: string[] = [];
      const outcomes = new Set<string>();
      for (const q of qualities) {
        const { decided, measured } = await analyse(s, make(q));
        outcomes.add(outcome(decided));
        if (!measured.ok) cells.push(measured.problem);
        else if (!measured.liveness) cells.push('-');
        else
          cells.push(f3(score === 'real' ? measured.liveness.real : measured.liveness.attacks[1]));
      }
      if (outcomes.size > 1) changed.push(s.file);
      console.log(
        `| ${s.file} | ${s.live ? 'live' : 'attack'} | ${cells.join(' | ')} | ${[...outcomes].join(', ')} |`,
      );
    }
    console.log(
      `\nPhotos whose outcome changes with the quality: ${changed.length} of ${samples.length}` +
        `${changed.length ? ` (${changed.join(', ')})` : ''}.`,
    );
  };
  await stability(
    `Colour liveness under JPEG re-encoding (real score; spoof under ${gates.livenessThreshold})`,
    jpeg,
    'real',
  );
  await stability(
    `Greyscale liveness at a kiosk under JPEG re-encoding (second attack class; spoof at ${gates.greyscaleSpoof} or above)`,
    greyJpeg,
    'attack',
  );

  console.log('\n## Greyscale captures\n');
  const colourChroma: number[] = [];
  const greyChroma: number[] = [];
  for (const s of samples) {
    for (const [list, make] of [
      [colourChroma, jpeg(90)],
      [greyChroma, greyJpeg(90)],
    ] as const) {
      const { data, info } = await sharp(await make(s.bytes))
        .toColourspace('srgb')
        .raw()
        .toBuffer({ resolveWithObject: true });
      if (info.channels === 3) list.push(meanChroma({ ...info, data }));
    }
  }
  console.log(
    `Mean chroma: colour photos ${f3(Math.min(...colourChroma))} to ${f3(Math.max(...colourChroma))}, ` +
      `their greyscale copies ${f3(Math.min(...greyChroma))} to ${f3(Math.max(...greyChroma))}.\n`,
  );
  const refusedOf = async (set: GateSample[], make: Make, mode: CaptureMode) => {
    const refused: string[] = [];
    for (const s of set) {
      const { decided } = await analyse(s, make, mode);
      if (!decided.ok) refused.push(`${s.file} (${decided.problem})`);
    }
    return refused;
  };
  console.log('| capture | mode | live photos refused (FTA, 95% upper bound) | attacks refused |');
  console.log('| --- | --- | --- | --- |');
  for (const [name, make] of [
    ['colour', jpeg(90)],
    ['greyscale', greyJpeg(90)],
  ] as const) {
    for (const mode of ['kiosk', 'selfie'] as const) {
      const fta = await refusedOf(lives, make, mode);
      const caught = await refusedOf(spoofs, make, mode);
      console.log(
        `| ${name} | ${mode} | ${fta.length} of ${lives.length}, ${percent(fta.length / lives.length)} (≤ ${percent(upperBound(fta.length, lives.length), 0)})${fta.length ? `: ${fta.join(', ')}` : ''} | ${caught.length} of ${spoofs.length} |`,
      );
    }
  }
}
