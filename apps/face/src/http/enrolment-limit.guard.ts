import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Request } from 'express';
import { PostgresCounterStore, Principal, RateLimiter } from '@roomkey/common';
import { FACE_CONFIG, FaceConfig } from '../config';

/**
 * Enrolment runs the face models on up to five photos: limited per person and per client
 * address, before the upload is read. The counts are in PostgreSQL, shared by every face
 * instance.
 */
@Injectable()
export class EnrolmentLimit implements CanActivate {
  private readonly limiter: RateLimiter;

  constructor(
    data: DataSource,
    @Inject(FACE_CONFIG) private readonly config: FaceConfig,
  ) {
    this.limiter = new RateLimiter(
      new PostgresCounterStore((sql, params) => data.query(sql, params)),
    );
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<Request & { user?: Principal }>();
    await this.limiter.enforce([
      [this.config.RATE_ENROLMENT_PER_USER, req.user!.id],
      [this.config.RATE_ENROLMENT_PER_ADDRESS, req.ip ?? req.socket.remoteAddress ?? ''],
    ]);
    return true;
  }
}
