import { Inject, Injectable, Logger } from '@nestjs/common';
import { PeriodicJob } from '@roomkey/common';
import { FACE_CONFIG, FaceConfig } from '../config';
import { Challenges } from './challenges.service';
import { FaceChecks } from './face-checks.service';
import { Templates } from './templates.service';

/** Retention (unused templates are erased), re-sealing under the newest key, and sweeping. */
@Injectable()
export class Upkeep extends PeriodicJob {
  protected readonly logger = new Logger('face');
  protected readonly jobName = 'upkeep';

  constructor(
    @Inject(FACE_CONFIG) private readonly config: FaceConfig,
    private readonly templates: Templates,
    private readonly checks: FaceChecks,
    private readonly challenges: Challenges,
  ) {
    super();
  }

  protected periodMs(): number {
    return this.config.FACE_UPKEEP_INTERVAL_S * 1000;
  }

  protected runJob(): Promise<unknown> {
    return this.run();
  }

  async run(now = new Date()): Promise<{ erased: number; resealed: number }> {
    const erased = await this.templates.enforceRetention(this.config.FACE_RETENTION_DAYS, now);
    const resealed = await this.templates.reseal();
    const expired = await this.templates.expirePending(this.config.FACE_ENROL_PENDING_DAYS, now);
    await this.checks.sweep(now);
    await this.challenges.sweep(now);
    if (erased + resealed + expired > 0) {
      this.logger.log(
        `retention erased ${erased} templates; ${resealed} re-sealed under the newest key; ` +
          `${expired} enrolments left unapproved withdrawn`,
      );
    }
    return { erased, resealed };
  }
}
