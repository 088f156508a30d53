import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import type { z } from 'zod';
import {
  FaceCapturedV1,
  FaceCapturedV2,
  faceCheckedV1,
  FaceCheckedV1Payload,
} from '@roomkey/contracts';
import {
  CallerQuota,
  describeError,
  EventPublisher,
  Keyring,
  PermanentEventError,
  Release,
} from '@roomkey/common';
import { FACE_CONFIG, FaceConfig } from '../config';
import { BurstFrame, checkBurst } from '../domain/challenge';
import type { CaptureMode, FaceProblem } from '../domain/gates';
import type { FaceAnalysis, FacePipeline, LivenessPath } from '../domain/pipeline';
import { estimatePose } from '../domain/pose';
import { cosine } from '../domain/vectors';
import { QrAnswer, QrAnswerFeed } from '../adapters/qr-answers';
import { FaceCheckRow } from '../repositories/entities';
import { Challenges } from './challenges.service';
import { Templates } from './templates.service';
import { CAPTURE_KEYRING, FACE_PIPELINE, PHOTO_QUOTA } from './tokens';

type Answer = Omit<z.infer<typeof FaceCheckedV1Payload>, 'requestId'>;

/** How a refused image reads on face.checked.v1. */
function outcomeOf(problem: FaceProblem): Answer {
  switch (problem) {
    case 'no-face':
    case 'many-faces':
    case 'spoof':
      return { outcome: problem };
    default:
      return { outcome: 'low-quality', reason: problem };
  }
}

/** How long an analysis took, all stages together. */
const msOf = (analysis: FaceAnalysis) => Object.values(analysis.timings).reduce((a, b) => a + b, 0);

/** How face.checked.v1 names the liveness rule that judged a face. */
const LIVENESS_OF: Record<LivenessPath, Answer['liveness']> = {
  colour: 'passive',
  greyscale: 'passive-greyscale',
};

/** A single photo (face.captured.v1) or a burst answering a challenge (face.captured.v2). */
type Capture = FaceCapturedV1 | FaceCapturedV2;

/** How the photo was taken: a kiosk's camera, or the member's own phone. */
const modeOf = (event: Capture): CaptureMode =>
  event.payload.channel === 'kiosk' ? 'kiosk' : 'selfie';

/**
 * What the analysis made of a capture: the embedding to compare and the liveness that judged
 * it, or the answer that refuses it; and how long it took.
 */
type Judged = (
  | { ok: true; embedding: Float32Array; liveness?: Answer['liveness'] }
  | { ok: false; refusal: Pick<Answer, 'outcome' | 'reason' | 'liveness' | 'challenge'> }
) & { analysisMs: number };

/**
 * A capture waiting for the QR step's answer: in memory only, never written anywhere. It is
 * analysed only once the answer is valid, so a request with a bad code costs no analysis. It
 * holds a unit of its caller's photo quota until it is answered or dropped.
 */
interface Held {
  event: Capture;
  receivedAt: Date;
  /** The photo, or the burst's frames in order. */
  images: Buffer[];
  unit: Release;
  timer?: NodeJS.Timeout;
}

/**
 * The face step of the access flow. A capture (a photo on face.captured.v1, or a burst of
 * frames answering an active liveness challenge on face.captured.v2, to one instance of the
 * shared group) is joined in memory with the QR step's answer (qr.checked.v1, which every instance
 * reads: `QrAnswerFeed`) by request id, whichever comes first; no instance depends on which
 * partitions another holds, and nothing polls. The capture, which must never be stored, is held
 * for at most FACE_QR_WAIT_MS, at most FACE_MAX_PHOTOS_PER_CALLER of one caller's and
 * FACE_MAX_PHOTOS_HELD in all (beyond them a capture is dropped). When a valid answer arrives
 * the face is analysed and compared at once. With no valid QR answer in time nothing is
 * compared or published: the access saga denies on its deadline. Handlers never wait on each
 * other, so one partition cannot stall another.
 */
@Injectable()
export class FaceChecks implements OnApplicationShutdown {
  private readonly logger = new Logger('face');
  private readonly held = new Map<string, Held>();

  constructor(
    @InjectRepository(FaceCheckRow) private readonly checks: Repository<FaceCheckRow>,
    @Inject(FACE_PIPELINE) private readonly pipeline: FacePipeline,
    @Inject(CAPTURE_KEYRING) private readonly captureKeys: Keyring,
    @Inject(FACE_CONFIG) private readonly config: FaceConfig,
    @Inject(PHOTO_QUOTA) private readonly quota: CallerQuota,
    private readonly templates: Templates,
    private readonly publisher: EventPublisher,
    private readonly qrAnswers: QrAnswerFeed,
    private readonly challenges: Challenges,
  ) {
    qrAnswers.onAnswer((requestId, answer) => {
      this.onQrAnswer(requestId, answer).catch((err: unknown) =>
        this.logger.warn(`request ${requestId}: face check failed: ${describeError(err)}`),
      );
    });
  }

  onApplicationShutdown(): void {
    for (const requestId of [...this.held.keys()]) this.release(requestId)?.unit();
  }

  /** A QR answer read by this instance: it completes a capture held here, if any. */
  async onQrAnswer(requestId: string, answer: QrAnswer): Promise<void> {
    const held = this.release(requestId);
    if (held) await this.answerHeld(held, answer);
  }

  onCaptured(event: FaceCapturedV1): Promise<void> {
    const { requestId } = event.payload;
    return this.receive(event, () => [
      this.captureKeys.open(event.payload.image, `face-capture:${requestId}`),
    ]);
  }

  /** A burst answering an active liveness challenge: each frame is sealed to its place. */
  onBurst(event: FaceCapturedV2): Promise<void> {
    const { requestId, frames } = event.payload;
    return this.receive(event, () =>
      frames.map((f, i) => this.captureKeys.open(f.image, `face-capture:${requestId}:${i}`)),
    );
  }

  private async receive(event: Capture, open: () => Buffer[]): Promise<void> {
    const receivedAt = new Date();
    const { requestId, captureId } = event.payload;
    // A redelivered capture gets the answer stored the first time.
    const stored = await this.checks.findOneBy({ requestId });
    if (stored) return this.publish(event, stored.payload as Answer);
    let images: Buffer[];
    try {
      images = open();
    } catch {
      throw new PermanentEventError(`capture ${captureId} does not open under the capture keys`);
    }
    const qr = this.qrAnswers.get(requestId);
    if (qr) return this.answer({ event, receivedAt }, images, qr);
    // A second copy of a capture already waiting adds nothing.
    if (this.held.has(requestId)) return;
    // A capture without its caller (sent before captures named one) counts only in the total.
    const unit = this.quota.take(event.payload.callerId ?? `request:${requestId}`);
    if (!unit) {
      this.logger.warn(`request ${requestId}: too many photos waiting; face not checked`);
      return;
    }
    const held: Held = { event, receivedAt, images, unit };
    // No await since the answer was looked for: it cannot have slipped in between.
    this.held.set(requestId, held);
    held.timer = setTimeout(() => {
      if (this.held.get(requestId) !== held) return;
      this.release(requestId)?.unit();
      this.logger.warn(`request ${requestId}: no QR answer within the wait; face not checked`);
    }, this.config.FACE_QR_WAIT_MS);
    held.timer.unref();
  }

  private release(requestId: string): Held | undefined {
    const held = this.held.get(requestId);
    if (!held) return undefined;
    clearTimeout(held.timer);
    this.held.delete(requestId);
    return held;
  }

  /** Answers a capture that was held, then gives its caller's unit back. */
  private async answerHeld(held: Held, qr: Pick<QrAnswer, 'valid' | 'userId'>): Promise<void> {
    try {
      await this.answer(held, held.images, qr);
    } finally {
      held.unit();
    }
  }

  /**
   * Analyses and compares (for a valid QR answer), stores the answer once, publishes it. The
   * row also keeps when the capture arrived and how long its analysis took.
   */
  private async answer(
    capture: Pick<Held, 'event' | 'receivedAt'>,
    images: Buffer[],
    qr: Pick<QrAnswer, 'valid' | 'userId'>,
  ): Promise<void> {
    if (!qr.valid) return; // the QR step already refused: nothing to analyse or compare
    const { event, receivedAt } = capture;
    const { requestId } = event.payload;
    const judge = () =>
      'challengeId' in event.payload
        ? this.judgeBurst(event as FaceCapturedV2, images)
        : this.judgePhoto(images[0]!, modeOf(event));
    const { answer, analysisMs } = await this.compare(judge, qr.userId);
    // The first answer stored is the answer, whichever instance stored it.
    const [stored] = (await this.checks.query(
      `with added as (
         insert into face_checks (request_id, payload, checked_at, received_at, analysis_ms)
         values ($1, $2, now(), $3, $4)
         on conflict (request_id) do nothing returning payload)
       select payload from added
       union all select payload from face_checks where request_id = $1
       limit 1`,
      [requestId, answer, receivedAt, analysisMs],
    )) as { payload: Answer }[];
    // Empty only when another instance's insert committed while this statement waited on it.
    const payload =
      stored?.payload ?? ((await this.checks.findOneByOrFail({ requestId })).payload as Answer);
    await this.publish(event, payload);
  }

  private async compare(
    judge: () => Promise<Judged>,
    userId: string | null,
  ): Promise<{ answer: Answer; analysisMs: number | null }> {
    const model = this.pipeline.modelId;
    if (!userId) return { answer: { outcome: 'not-enrolled', model }, analysisMs: null };
    const template = await this.templates.templateOf(userId);
    if (!template) return { answer: { outcome: 'not-enrolled', userId, model }, analysisMs: null };
    const judged = await judge();
    const { analysisMs } = judged;
    if (!judged.ok) return { answer: { ...judged.refusal, userId, model }, analysisMs };
    const liveness = judged.liveness ? { liveness: judged.liveness } : {};
    const threshold = this.config.FACE_MATCH_THRESHOLD;
    const score = Math.round(cosine(judged.embedding, template.embedding) * 1e4) / 1e4;
    const outcome = score >= threshold ? 'match' : 'no-match';
    return { answer: { outcome, userId, score, threshold, ...liveness, model }, analysisMs };
  }

  /** One photo, judged by the pipeline alone (passive liveness). */
  private async judgePhoto(image: Buffer, mode: CaptureMode): Promise<Judged> {
    const analysis = await this.pipeline.analyse(image, mode);
    const analysisMs = msOf(analysis);
    const path = analysis.ok ? analysis.liveness?.path : analysis.livenessPath;
    const liveness = path ? { liveness: LIVENESS_OF[path] } : {};
    if (!analysis.ok) {
      return { ok: false, refusal: { ...outcomeOf(analysis.problem), ...liveness }, analysisMs };
    }
    return { ok: true, embedding: analysis.embedding, ...liveness, analysisMs };
  }

  /**
   * A burst answering a challenge (ADR 028): the challenge is used up first (single use, in the
   * database), then every frame must pass the pipeline, passive liveness included, and the
   * frames must answer the poses asked for, show one person and keep to the timing. The frontal
   * frame is the one compared with the template.
   */
  private async judgeBurst(event: FaceCapturedV2, images: Buffer[]): Promise<Judged> {
    const { challengeId, callerId, requestId, frames } = event.payload;
    const arrivedAt = new Date(event.occurredAt);
    const taken = await this.challenges.take(challengeId, callerId, requestId, arrivedAt);
    const refused = (challenge: Answer['challenge'], analysisMs = 0): Judged => ({
      ok: false,
      refusal: { outcome: 'spoof', liveness: 'active', challenge },
      analysisMs,
    });
    if ('failure' in taken) return refused(taken.failure);
    const policy = this.challenges.policy;
    if (images.length !== taken.poses.length + 1) return refused('frame-count');
    const analysed: BurstFrame[] = [];
    let analysisMs = 0;
    for (const [i, image] of images.entries()) {
      const analysis = await this.pipeline.analyse(image, modeOf(event));
      analysisMs += msOf(analysis);
      if (!analysis.ok) {
        const { outcome, reason } = outcomeOf(analysis.problem);
        const refusal = { outcome, ...(reason ? { reason } : {}), liveness: 'active' as const };
        return { ok: false, refusal: { ...refusal, challenge: 'frame-unusable' }, analysisMs };
      }
      analysed.push({
        pose: estimatePose(analysis.face.landmarks),
        embedding: analysis.embedding,
        atMs: frames[i]!.atMs,
      });
    }
    const elapsedMs = arrivedAt.getTime() - taken.issuedAt.getTime();
    const failure = checkBurst(taken.poses, analysed, elapsedMs, policy, cosine);
    if (failure) return refused(failure, analysisMs);
    return { ok: true, embedding: analysed[0]!.embedding, liveness: 'active', analysisMs };
  }

  private async publish(event: Capture, answer: Answer): Promise<void> {
    const { requestId } = event.payload;
    await this.publisher.publish(faceCheckedV1, {
      key: requestId,
      correlationId: event.correlationId,
      causationId: event.eventId,
      payload: { requestId, ...answer },
    });
    this.logger.log(
      `request ${requestId}: ${answer.outcome}${answer.reason ? ` (${answer.reason})` : ''}`,
    );
  }

  /** Drops face answers nobody will ask for again. */
  async sweep(now = new Date()): Promise<void> {
    await this.checks.delete({ checkedAt: LessThan(new Date(now.getTime() - 35 * 86_400_000)) });
  }
}
