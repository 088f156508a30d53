import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildPipeline } from '../../apps/face/src/adapters/models';
import { DEFAULT_GATES } from '../../apps/face/src/domain/gates';
import type { PipelineOptions } from '../../apps/face/src/domain/pipeline';

/**
 * The models and photos the tests use are never part of the project: they are read from the
 * shared folder beside it (ROOMKEY_SHARED_DIR, default ../shared).
 */
const SHARED = process.env.ROOMKEY_SHARED_DIR ?? path.resolve(__dirname, '../../../shared');
export const MODEL_DIR = process.env.FACE_MODEL_DIR ?? path.join(SHARED, 'models');
export const PHOTO_DIR = process.env.FACE_PHOTO_DIR ?? path.join(SHARED, 'faces');

export interface PhotoEntry {
  file: string;
  category: 'identity' | 'multi_face' | 'no_face' | 'liveness';
  identity: string | null;
  expected_faces: number;
  liveness?: 'real' | 'spoof';
}

export const photoManifest = (): PhotoEntry[] =>
  (
    JSON.parse(readFileSync(path.join(PHOTO_DIR, 'manifest.json'), 'utf8')) as {
      images: PhotoEntry[];
    }
  ).images;

export const photo = (file: string): Buffer => readFileSync(path.join(PHOTO_DIR, file));

export const TEST_PIPELINE: PipelineOptions = {
  gates: DEFAULT_GATES,
  minSharpness: 40,
  livenessThreshold: 0.5,
};

export const testPipeline = (options: Partial<PipelineOptions> = {}) =>
  buildPipeline(
    { dir: MODEL_DIR, intraOpThreads: 1, interOpThreads: 1 },
    { maxBytes: 10_000_000, maxPixels: 40_000_000, workingSize: 640 },
    { ...TEST_PIPELINE, ...options },
  );
