import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, LessThan, Repository } from 'typeorm';
import type { FaceChallenge } from '@roomkey/contracts';
import { changed, PostgresCounterStore, RateLimiter } from '@roomkey/common';
import { FACE_CONFIG, FaceConfig } from '../config';
import { ChallengeFailure, ChallengePolicy, drawPoses, Pose } from '../domain/challenge';
import { FaceChallengeRow } from '../repositories/entities';

/** A challenge taken for a burst: its poses and when it was issued, or why it cannot be. */
export type Taken = { poses: Pose[]; issuedAt: Date } | { failure: ChallengeFailure };

/**
 * Active liveness challenges (ADR 028), kept in PostgreSQL so that every face instance agrees
 * on each: issued to one caller, answerable until it expires, and used by one request at most.
 */
@Injectable()
export class Challenges {
  private readonly limiter: RateLimiter;

  constructor(
    @InjectRepository(FaceChallengeRow) private readonly rows: Repository<FaceChallengeRow>,
    @Inject(FACE_CONFIG) private readonly config: FaceConfig,
    data: DataSource,
  ) {
    this.limiter = new RateLimiter(
      new PostgresCounterStore((sql, params) => data.query(sql, params)),
    );
  }

  get policy(): ChallengePolicy {
    const c = this.config;
    return {
      ttlMs: c.FACE_CHALLENGE_TTL_S * 1000,
      minYaw: c.FACE_CHALLENGE_MIN_YAW,
      minPitch: c.FACE_CHALLENGE_MIN_PITCH,
      maxFrontal: c.FACE_CHALLENGE_MAX_FRONTAL,
      samePerson: c.FACE_CHALLENGE_SAME_PERSON,
      poses: c.FACE_CHALLENGE_POSES,
      minGapMs: c.FACE_CHALLENGE_MIN_GAP_MS,
      maxGapMs: c.FACE_CHALLENGE_MAX_GAP_MS,
    };
  }

  /**
   * A new challenge for the caller (limited per caller: each is a row), timed by the database's
   * clock, which every face instance shares.
   */
  async issue(callerId: string): Promise<FaceChallenge> {
    await this.limiter.enforce([[this.config.RATE_CHALLENGES_PER_CALLER, callerId]]);
    const { ttlMs, minGapMs, maxGapMs, poses: from } = this.policy;
    const poses = drawPoses(from);
    const id = randomUUID();
    const [row] = (await this.rows.query(
      `insert into face_challenges (id, caller_id, poses, issued_at, expires_at)
       values ($1, $2, $3, now(), now() + $4 * interval '1 millisecond')
       returning expires_at`,
      [id, callerId, JSON.stringify(poses), ttlMs],
    )) as { expires_at: Date }[];
    return {
      challengeId: id,
      poses,
      frames: poses.length + 1,
      minGapMs,
      maxGapMs,
      expiresAt: row!.expires_at.toISOString(),
    };
  }

  /**
   * Uses the challenge for a request, once: the same request may take it again (a redelivered
   * burst), any other is refused. A burst that reached the gateway after the challenge expired
   * uses it up all the same. The burst must have reached the gateway while the challenge was
   * open (`arrivedAt`, the gateway's clock), and be taken here, by the database's clock, at most
   * one more TTL after it closed: a gateway whose clock lags cannot stretch a challenge further.
   */
  async take(
    challengeId: string,
    callerId: string,
    requestId: string,
    arrivedAt: Date,
  ): Promise<Taken> {
    type Row = { poses: Pose[]; issued_at: Date; expires_at: Date; too_late: boolean };
    const {
      rows: [row],
    } = await changed<Row>(
      this.rows,
      `update face_challenges set used_at = coalesce(used_at, now()), request_id = $3
       where id = $1 and caller_id = $2 and (used_at is null or request_id = $3)
       returning poses, issued_at, expires_at,
         now() > expires_at + (expires_at - issued_at) as too_late`,
      [challengeId, callerId, requestId],
    );
    if (!row) {
      const known = await this.rows.findOneBy({ id: challengeId, callerId });
      return { failure: known ? 'challenge-used' : 'challenge-unknown' };
    }
    if (arrivedAt > row.expires_at || arrivedAt < row.issued_at || row.too_late) {
      return { failure: 'challenge-expired' };
    }
    return { poses: row.poses, issuedAt: row.issued_at };
  }

  /** Drops challenges long expired: a day later nobody asks about them. */
  async sweep(now = new Date()): Promise<void> {
    await this.rows.delete({ expiresAt: LessThan(new Date(now.getTime() - 86_400_000)) });
  }
}
