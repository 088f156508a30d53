import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { DataSource, Repository } from 'typeorm';
import { EventPublisher, Keyring } from '@roomkey/common';
import type { FaceTemplateRow } from '../repositories/entities';
import { Templates } from './templates.service';

const keyring = (id: string) => new Keyring(`${id}:${randomBytes(32).toString('base64')}`);

/** The template rows of one person, sealed as the app seals them, under `sealedWith`. */
function templatesWith(sealedWith: Keyring, openWith: Keyring): Templates {
  const embedding = new Float32Array([0.6, 0.8]);
  const row = {
    userId: 'u1',
    model: 'm',
    ...sealedWith.seal(Buffer.from(embedding.buffer), 'face-template:u1'),
  } as unknown as FaceTemplateRow;
  const rows = {
    findOneBy: async () => row,
    update: async () => ({ affected: 1 }),
  } as unknown as Repository<FaceTemplateRow>;
  const none = {} as never;
  return new Templates(
    rows,
    none,
    none,
    {} as DataSource,
    openWith,
    {} as unknown as EventPublisher,
  );
}

describe('Templates', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('opens a template sealed with a key of its keyring', async () => {
    const keys = keyring('k1');
    const current = await templatesWith(keys, keys).current('u1');
    expect(Array.from(current!.embedding)).toEqual([Math.fround(0.6), Math.fround(0.8)]);
  });

  it('counts a template whose key left the keyring as none, at the door and at enrolment', async () => {
    const templates = templatesWith(keyring('old'), keyring('new'));
    await expect(templates.current('u1')).resolves.toBeUndefined();
    await expect(templates.templateOf('u1')).resolves.toBeUndefined();
  });
});
