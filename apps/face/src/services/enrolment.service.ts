import { Inject, Injectable } from '@nestjs/common';
import type { FaceStatus } from '@roomkey/contracts';
import {
  CallerQuota,
  DomainError,
  photoTooLarge,
  readPhotoHeader,
  tooManyPhotos,
} from '@roomkey/common';
import { FACE_CONFIG, FaceConfig } from '../config';
import type { FacePipeline } from '../domain/pipeline';
import { cosine, meanTemplate } from '../domain/vectors';
import { Templates } from './templates.service';
import { FACE_PIPELINE, PHOTO_QUOTA } from './tokens';

export const MAX_ENROLMENT_IMAGES = 5;

/** Enrolment: one to five photos of the person, each good enough, all of the same face. */
@Injectable()
export class Enrolment {
  constructor(
    @Inject(FACE_PIPELINE) private readonly pipeline: FacePipeline,
    @Inject(FACE_CONFIG) private readonly config: FaceConfig,
    @Inject(PHOTO_QUOTA) private readonly quota: CallerQuota,
    private readonly templates: Templates,
  ) {}

  /**
   * `readImages` is how the photos arrive (the upload): consent is checked first, so without
   * it not even the upload is read. One enrolment holds a unit of the person's photo quota
   * from the upload to the answer.
   */
  async enrol(userId: string, readImages: () => Promise<Buffer[]>): Promise<FaceStatus> {
    await this.templates.assertConsent(userId);
    const unit = this.quota.take(userId);
    if (!unit) throw tooManyPhotos(this.quota.perCaller, 5);
    try {
      return await this.enrolWith(userId, await readImages());
    } finally {
      unit();
    }
  }

  private async enrolWith(userId: string, images: Buffer[]): Promise<FaceStatus> {
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
    return this.templates.enrol(
      userId,
      meanTemplate(embeddings),
      this.pipeline.modelId,
      embeddings.length,
    );
  }
}
