import type { Detection } from './detection';
import { DEFAULT_GATES } from './gates';
import type { RawImage } from './geometry';
import { DEFAULT_GREYSCALE, FacePipeline, PipelineOptions } from './pipeline';
import type { LivenessScores } from './ports';
import { meanChroma } from './quality';

const SIZE = 160;

/**
 * A SIZE x SIZE image of vertical stripes (sharp: strong edges everywhere), in colour (each
 * pixel's channels apart by `spread`) or greyscale (spread 0).
 */
function stripes(spread: number): RawImage {
  const data = new Uint8Array(SIZE * SIZE * 3);
  for (let i = 0; i < SIZE * SIZE; i++) {
    const v = (i % SIZE) % 4 < 2 ? 60 : 180;
    data.set([v + spread, v, v - spread], i * 3);
  }
  return { data, width: SIZE, height: SIZE };
}

/** The face the fake detector finds: eyes, nose and mouth where a real face has them. */
const FACE: Detection = {
  x: 30,
  y: 30,
  width: 100,
  height: 100,
  score: 0.89,
  landmarks: [
    [64, 76],
    [96, 76],
    [80, 94],
    [67, 112],
    [94, 112],
  ],
};

/** The pipeline around in-memory ports: `image` is what every upload decodes to. */
function pipelineFor(
  image: RawImage,
  scores: LivenessScores,
  options: Partial<PipelineOptions> = {},
) {
  const seen = { liveness: 0 };
  const pipeline = new FacePipeline(
    { decode: async () => ({ ...image, format: 'jpeg' as const }) },
    { detect: async () => [FACE] },
    { modelId: 'test-embedder', embed: async () => new Float32Array([1, 0]) },
    {
      modelId: 'test-liveness',
      scores: async () => {
        seen.liveness++;
        return scores;
      },
    },
    {
      gates: DEFAULT_GATES,
      minSharpness: 60,
      livenessThreshold: 0.5,
      greyscale: DEFAULT_GREYSCALE,
      ...options,
    },
  );
  return { pipeline, seen };
}

const scores = (real: number, attackB: number): LivenessScores => ({
  real,
  attacks: [1 - real - attackB, attackB],
});

describe('meanChroma', () => {
  it('is 0 for a greyscale image and the channel spread for a coloured one', () => {
    expect(meanChroma(stripes(0))).toBe(0);
    expect(meanChroma(stripes(20))).toBe(40);
  });
});

describe('FacePipeline liveness paths', () => {
  const bytes = Buffer.from('an image');

  it('judges a colour face by its real score', async () => {
    const live = pipelineFor(stripes(20), scores(0.9, 0.05), {
      gates: { ...DEFAULT_GATES, minDetectionScore: 0.85 },
    });
    expect(await live.pipeline.analyse(bytes, 'kiosk')).toMatchObject({
      ok: true,
      liveness: { real: 0.9, path: 'colour' },
    });
    const spoof = pipelineFor(stripes(20), scores(0.3, 0.05), {
      gates: { ...DEFAULT_GATES, minDetectionScore: 0.85 },
    });
    expect(await spoof.pipeline.analyse(bytes, 'kiosk')).toMatchObject({
      problem: 'spoof',
      livenessPath: 'colour',
    });
  });

  it('a colour face needs the colour detection score, a greyscale one its own', async () => {
    // The face scores 0.89: under the colour minimum (0.9), over the greyscale one (0.88).
    const colour = pipelineFor(stripes(20), scores(0.9, 0.05));
    expect(await colour.pipeline.analyse(bytes, 'kiosk')).toMatchObject({
      problem: 'low-detection-score',
    });
    const grey = pipelineFor(stripes(0), scores(0.01, 0.5));
    expect(await grey.pipeline.analyse(bytes, 'kiosk')).toMatchObject({ ok: true });
  });

  it('judges a greyscale face at a kiosk by the second attack class, not the real score', async () => {
    // A real score of 0.01 would be a spoof in colour; in greyscale it is the norm.
    const live = pipelineFor(stripes(0), scores(0.01, 0.95));
    expect(await live.pipeline.analyse(bytes, 'kiosk')).toMatchObject({
      ok: true,
      liveness: { real: 0.01, path: 'greyscale' },
    });
    const screen = pipelineFor(stripes(0), scores(0, 0.995));
    expect(await screen.pipeline.analyse(bytes, 'kiosk')).toMatchObject({
      problem: 'spoof',
      livenessPath: 'greyscale',
    });
  });

  it('a small colour cast still counts as greyscale, a colour photo does not', async () => {
    const cast = pipelineFor(stripes(2), scores(0.01, 0.5));
    expect(await cast.pipeline.analyse(bytes, 'kiosk')).toMatchObject({
      liveness: { path: 'greyscale' },
    });
    const colour = pipelineFor(stripes(3), scores(0.01, 0.5));
    expect(await colour.pipeline.analyse(bytes, 'kiosk')).toMatchObject({
      problem: 'low-detection-score',
    });
  });

  it('refuses a greyscale face from a phone or the API as a spoof, without the models', async () => {
    const { pipeline, seen } = pipelineFor(stripes(0), scores(0.99, 0));
    expect(await pipeline.analyse(bytes, 'selfie')).toMatchObject({
      problem: 'spoof',
      livenessPath: 'greyscale',
    });
    expect(seen.liveness).toBe(0);
    const anywhere = pipelineFor(stripes(0), scores(0.01, 0.5), {
      greyscale: { ...DEFAULT_GREYSCALE, modes: ['kiosk', 'selfie'] },
    });
    expect(await anywhere.pipeline.analyse(bytes, 'selfie')).toMatchObject({ ok: true });
    const nowhere = pipelineFor(stripes(0), scores(0.01, 0.5), {
      greyscale: { ...DEFAULT_GREYSCALE, modes: [] },
    });
    expect(await nowhere.pipeline.analyse(bytes, 'kiosk')).toMatchObject({ problem: 'spoof' });
  });

  it('with liveness off, a greyscale face is neither judged nor refused', async () => {
    const { pipeline, seen } = pipelineFor(stripes(0), scores(0, 1), { livenessThreshold: null });
    const r = await pipeline.analyse(bytes, 'selfie');
    expect(r).toMatchObject({ ok: true });
    expect(r).not.toHaveProperty('liveness');
    expect(seen.liveness).toBe(0);
  });

  it('refuses a face whose sharpness is under the minimum', async () => {
    const flat = { data: new Uint8Array(SIZE * SIZE * 3).fill(128), width: SIZE, height: SIZE };
    const { pipeline } = pipelineFor(flat, scores(0.9, 0.05));
    expect(await pipeline.analyse(bytes, 'kiosk')).toMatchObject({ problem: 'too-blurry' });
  });
});
