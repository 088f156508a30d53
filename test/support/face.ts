import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildPipeline, ModelSettings } from '../../apps/face/src/adapters/models';
import { DEFAULT_GATES } from '../../apps/face/src/domain/gates';
import type { PipelineOptions } from '../../apps/face/src/domain/pipeline';
import { faceAppOptions } from '../../apps/face/src/app';
import { loadFaceConfig } from '../../apps/face/src/config';
import { AUTH_EVENTS_V1, FACE_CAPTURED_V1, QR_CHECKED_V1 } from '@roomkey/contracts';
import { startTestApp, TEST_CAPTURE_KEYRING, testKeyring, unique } from './apps';
import type { StartedAuth } from './auth';
import { groupAtEnd } from './kafka';
import { freshDatabase } from './postgres';

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

export const testPipeline = (
  options: Partial<PipelineOptions> = {},
  models: Partial<ModelSettings> = {},
) =>
  buildPipeline(
    { dir: MODEL_DIR, intraOpThreads: 1, interOpThreads: 1, ...models },
    { maxBytes: 10_000_000, maxPixels: 40_000_000, workingSize: 640 },
    { ...TEST_PIPELINE, ...options },
  );

/** Seals templates in test face apps (random per run). */
export const TEST_TEMPLATE_KEYRING = testKeyring();

/** The face app on a fresh PostgreSQL database (or the one given), trusting `auth`'s keys. */
export async function startFace(
  auth: StartedAuth,
  opts: { databaseUrl?: string; env?: Record<string, string> } = {},
) {
  const db = opts.databaseUrl ? undefined : await freshDatabase('roomkey_face');
  const databaseUrl = opts.databaseUrl ?? db!.url;
  const groupId = unique('roomkey.face.it');
  await groupAtEnd(groupId, [QR_CHECKED_V1, FACE_CAPTURED_V1, AUTH_EVENTS_V1]);
  const started = await startTestApp(
    faceAppOptions(
      loadFaceConfig({
        DATABASE_URL: databaseUrl,
        KAFKA_GROUP_ID: groupId,
        JWKS_URL: auth.jwksUrl,
        FACE_MODEL_DIR: MODEL_DIR,
        FACE_TEMPLATE_KEYRING: TEST_TEMPLATE_KEYRING,
        FACE_CAPTURE_KEYRING: TEST_CAPTURE_KEYRING,
        LOG_LEVEL: 'warn',
        ...opts.env,
      }),
    ),
  );
  return {
    ...started,
    databaseUrl,
    stop: async () => {
      await started.app.close();
      await db?.drop();
    },
  };
}
export type StartedFace = Awaited<ReturnType<typeof startFace>>;
