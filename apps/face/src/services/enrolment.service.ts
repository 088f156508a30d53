import { Inject, Injectable } from '@nestjs/common';
import type { FaceStatus } from '@roomkey/contracts';
import { DomainError } from '@roomkey/common';
import { FACE_CONFIG, FaceConfig } from '../config';
import type { FacePipeline } from '../domain/pipeline';
import { cosine, meanTemplate } from '../domain/vectors';
import { Templates } from './templates.service';
import { FACE_PIPELINE } from './tokens';

export const MAX_ENROLMENT_IMAGES = 5;

/** Enrolment: one to five photos of the person, each good enough, all of the same face. */
@Injectable()
export class Enrolment {
  constructor(
    @Inject(FACE_PIPELINE) private readonly pipeline: FacePipeline,
    @Inject(FACE_CONFIG) private readonly config: FaceConfig,
    private readonly templates: Templates,
  ) {}

  /**
   * `readImages` is how the photos arrive (the upload): consent is checked first, so without
   * it not even the upload is read.
   */
  async enrol(userId: string, readImages: () => Promise<Buffer[]>): Promise<FaceStatus> {
    await this.templates.assertConsent(userId);
    const images = await readImages();
    if (images.length < 1 || images.length > MAX_ENROLMENT_IMAGES) {
      throw new DomainError(
        'IMAGES_REQUIRED',
        `send 1 to ${MAX_ENROLMENT_IMAGES} photos of your face in the "images" field`,
        400,
      );
    }
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
