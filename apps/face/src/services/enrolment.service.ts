import { Inject, Injectable } from '@nestjs/common';
import type { FaceStatus } from '@roomkey/contracts';
import {
  assertRecentSignIn,
  CallerQuota,
  DomainError,
  photoTooLarge,
  Principal,
  readPhotoHeader,
  tooManyPhotos,
} from '@roomkey/common';
import { FACE_CONFIG, FaceConfig } from '../config';
import type { FacePipeline } from '../domain/pipeline';
import { cosine, meanTemplate } from '../domain/vectors';
import { Templates } from './templates.service';
import { FACE_PIPELINE, PHOTO_QUOTA } from './tokens';

export const MAX_ENROLMENT_IMAGES = 5;

/** What an enrolment came to: the face is in use, or it waits for an admin. */
export interface EnrolmentOutcome {
  enrolled: boolean;
  status: FaceStatus;
}

/**
 * Enrolment: one to five photos of the person, each good enough, all of the same face. Whoever
 * holds a person's access token must not be able to put their own face in its place:
 * enrolling needs a recent sign-in with the password, and a new face is in use at once only
 * when it matches the one on record; otherwise (the first enrolment included) it waits for an
 * admin's approval. An admin standing by the person may enrol them directly.
 */
@Injectable()
export class Enrolment {
  constructor(
    @Inject(FACE_PIPELINE) private readonly pipeline: FacePipeline,
    @Inject(FACE_CONFIG) private readonly config: FaceConfig,
    @Inject(PHOTO_QUOTA) private readonly quota: CallerQuota,
    private readonly templates: Templates,
  ) {}

  /**
   * The person enrols their own face. `readImages` is how the photos arrive (the upload): the
   * sign-in and consent are checked first, so without them not even the upload is read.
   */
  async enrol(me: Principal, readImages: () => Promise<Buffer[]>): Promise<EnrolmentOutcome> {
    assertRecentSignIn(me, this.config.FACE_ENROL_SIGN_IN_MAX_AGE_S);
    await this.templates.assertConsent(me.id);
    const { template, count } = await this.templateFrom(me.id, readImages);
    const model = this.pipeline.modelId;
    const current = await this.templates.current(me.id);
    if (
      current?.model === model &&
      cosine(current.embedding, template) >= this.config.FACE_MATCH_THRESHOLD
    ) {
      const status = await this.templates.enrol(me.id, template, model, count, { via: 'matched' });
      return { enrolled: true, status };
    }
    const reason = current ? 'no-match' : 'no-template';
    return {
      enrolled: false,
      status: await this.templates.hold(me.id, template, model, count, reason),
    };
  }

  /**
   * An admin enrols a person they stand by (who has given consent): in use at once. The admin
   * too must have signed in recently.
   */
  async enrolFor(
    admin: Principal,
    userId: string,
    readImages: () => Promise<Buffer[]>,
  ): Promise<FaceStatus> {
    assertRecentSignIn(admin, this.config.FACE_ENROL_SIGN_IN_MAX_AGE_S);
    await this.templates.assertConsent(userId);
    const { template, count } = await this.templateFrom(userId, readImages);
    return this.templates.enrol(userId, template, this.pipeline.modelId, count, {
      via: 'supervised',
      by: admin.id,
    });
  }

  /**
   * The template the photos make. One enrolment holds a unit of the person's photo quota from
   * the upload to the answer.
   */
  private async templateFrom(
    userId: string,
    readImages: () => Promise<Buffer[]>,
  ): Promise<{ template: Float32Array; count: number }> {
    const unit = this.quota.take(userId);
    if (!unit) throw tooManyPhotos(this.quota.perCaller, 5);
    try {
      return await this.templateOf(await readImages());
    } finally {
      unit();
    }
  }

  private async templateOf(images: Buffer[]): Promise<{ template: Float32Array; count: number }> {
    if (images.length < 1 || images.length > MAX_ENROLMENT_IMAGES) {
      throw new DomainError(
        'IMAGES_REQUIRED',
        `send 1 to ${MAX_ENROLMENT_IMAGES} photos of your face in the "images" field`,
        400,
      );
    }
    // Every header is read before any photo is decoded: one too large refuses them all.
    const maxPixels = this.config.FACE_MAX_PIXELS;
    const tooLarge: { image: number; reason: 'too-large' }[] = [];
    for (const [i, bytes] of images.entries()) {
      const header = await readPhotoHeader(bytes);
      if (header && header.width * header.height > maxPixels) {
        tooLarge.push({ image: i, reason: 'too-large' });
      }
    }
    if (tooLarge.length > 0) throw photoTooLarge(maxPixels, tooLarge);
    const embeddings: Float32Array[] = [];
    const problems: { image: number; reason: string }[] = [];
    for (const [i, bytes] of images.entries()) {
      const result = await this.pipeline.analyse(bytes, 'selfie');
      if (result.ok) embeddings.push(result.embedding);
      else problems.push({ image: i, reason: result.detail ?? result.problem });
    }
    if (problems.length > 0) {
      throw new DomainError(
        'FACE_REJECTED',
        'a photo cannot be used: see details for which and why',
        422,
        problems,
      );
    }
    const threshold = this.config.FACE_MATCH_THRESHOLD;
    for (let a = 0; a < embeddings.length; a++) {
      for (let b = a + 1; b < embeddings.length; b++) {
        if (cosine(embeddings[a]!, embeddings[b]!) < threshold) {
          throw new DomainError(
            'FACES_DO_NOT_MATCH',
            `photos ${a} and ${b} do not show the same face`,
            422,
          );
        }
      }
    }
    return { template: meanTemplate(embeddings), count: embeddings.length };
  }
}
