import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { buildPipeline, ModelSettings } from '../../apps/face/src/adapters/models';
import { DEFAULT_GATES } from '../../apps/face/src/domain/gates';
import {
  DEFAULT_GREYSCALE,
  DEFAULT_MIN_SHARPNESS,
  PipelineOptions,
} from '../../apps/face/src/domain/pipeline';
import { faceAppOptions } from '../../apps/face/src/app';
import { loadFaceConfig } from '../../apps/face/src/config';
import { AUTH_EVENTS_V1, FACE_CAPTURED_V1, FACE_CAPTURED_V2 } from '@roomkey/contracts';
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
  minSharpness: DEFAULT_MIN_SHARPNESS,
  livenessThreshold: 0.5,
  greyscale: DEFAULT_GREYSCALE,
};

export const testPipeline = (
  options: Partial<PipelineOptions> = {},
  models: Partial<ModelSettings> = {},
) =>
  buildPipeline(
    { dir: MODEL_DIR, intraOpThreads: 1, interOpThreads: 1, ...models },
    { maxBytes: 10_000_000, maxPixels: 12_000_000, workingSize: 640 },
    { ...TEST_PIPELINE, ...options },
  );

/** Seals templates in test face apps (random per run). */
export const TEST_TEMPLATE_KEYRING = testKeyring();

/** The face app on a fresh PostgreSQL database (or the one given), trusting `auth`'s keys. */
export async function startFace(
  auth: StartedAuth,
  opts: { databaseUrl?: string; groupId?: string; env?: Record<string, string> } = {},
) {
  const db = opts.databaseUrl ? undefined : await freshDatabase('roomkey_face');
  const databaseUrl = opts.databaseUrl ?? db!.url;
  const groupId = opts.groupId ?? unique('roomkey.face.it');
  // QR answers are read by each instance apart, from a little before it starts.
  if (!opts.groupId)
    await groupAtEnd(groupId, [FACE_CAPTURED_V1, FACE_CAPTURED_V2, AUTH_EVENTS_V1]);
  const started = await startTestApp(
    faceAppOptions(
      loadFaceConfig({
        DATABASE_URL: databaseUrl,
        KAFKA_GROUP_ID: groupId,
        JWKS_URL: auth.jwksUrl,
        FACE_MODEL_DIR: MODEL_DIR,
        FACE_TEMPLATE_KEYRING: TEST_TEMPLATE_KEYRING,
        FACE_CAPTURE_KEYRING: TEST_CAPTURE_KEYRING,
        // On a machine busy with other work the QR step's answer can come seconds after the
        // capture: how long a capture waits for it is not what these tests are about.
        FACE_QR_WAIT_MS: '15000',
        LOG_LEVEL: process.env.FACE_TEST_LOG ?? 'warn',
        ...opts.env,
      }),
    ),
  );
  return {
    ...started,
    databaseUrl,
    groupId,
    stop: async () => {
      await started.app.close();
      await db?.drop();
    },
  };
}
export type StartedFace = Awaited<ReturnType<typeof startFace>>;

/**
 * A PNG whose header claims `width` x `height` pixels, followed by a scrap of pixel data: the
 * header reads, but decoding it fails as truncated, so a refusal for its size shows that it was
 * refused from the header, before any decoding.
 */
export function pngHeaderOnly(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(100_000))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A photo as a kiosk or phone camera frame: at most 640 px on its longer side (the face app's
 * working size), JPEG; `mirror` flips it left to right, which turns a head turned to one side
 * into one turned to the other (active liveness tests: docs/face.md says what that shows).
 */
export async function cameraFrame(bytes: Buffer, mirror = false): Promise<Buffer> {
  const image = sharp(bytes).rotate().resize(640, 640, { fit: 'inside', withoutEnlargement: true });
  return (mirror ? image.flop() : image).jpeg({ quality: 90 }).toBuffer();
}
