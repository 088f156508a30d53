import { CallerQuota, DomainError, Principal } from '@roomkey/common';
import { loadFaceConfig } from '../config';
import type { FacePipeline } from '../domain/pipeline';
import { Enrolment } from './enrolment.service';
import type { Templates } from './templates.service';

/** Consent given; nothing is enrolled (no photo gets that far here). */
const templates = { assertConsent: async () => undefined } as unknown as Templates;
/** Every photo is refused, so an enrolment ends with FACE_REJECTED once it is analysed. */
const pipeline = {
  modelId: 'test',
  analyse: async () => ({ ok: false, problem: 'bad-image', detail: 'not-an-image', timings: {} }),
} as unknown as FacePipeline;

/** A person who signed in with their password just now. */
const person = (id: string): Principal => ({
  kind: 'user',
  id,
  roles: ['member'],
  doors: [],
  tokenId: id,
  authTime: Date.now(),
});

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (err: unknown) => (err instanceof DomainError ? err.code : String(err)),
  );

describe('Enrolment', () => {
  it("holds a unit of the person's photo quota from the upload to the answer", async () => {
    const config = loadFaceConfig({ ROOMKEY_DEV_KEYS: '1' });
    const quota = new CallerQuota(1);
    const enrolment = new Enrolment(pipeline, config, quota, templates);
    let arrive!: (images: Buffer[]) => void;
    const first = enrolment.enrol(person('u1'), () => new Promise((r) => (arrive = r)));
    await new Promise((r) => setImmediate(r));
    // While the first upload is read, a second one by the same person is refused at once.
    await expect(
      codeOf(enrolment.enrol(person('u1'), async () => [Buffer.from('x')])),
    ).resolves.toBe('TOO_MANY_PHOTOS');
    // Another person is not held up.
    await expect(
      codeOf(enrolment.enrol(person('u2'), async () => [Buffer.from('x')])),
    ).resolves.toBe('FACE_REJECTED');
    arrive([Buffer.from('x')]);
    await expect(codeOf(first)).resolves.toBe('FACE_REJECTED');
    expect(quota.inUse).toBe(0);
  });
});
