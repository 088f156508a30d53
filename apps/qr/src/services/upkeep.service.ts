import { Inject, Injectable, Logger } from '@nestjs/common';
import { PeriodicJob } from '@roomkey/common';
import { QR_CONFIG, QrConfig } from '../config';
import { Checks } from './checks.service';
import { Ledger } from './ledger';
import { VisitorPasses } from './visitor-passes.service';

/** Sweeps what has outlived its use (FerretDB has no TTL indexes), every SWEEP_INTERVAL_S. */
@Injectable()
export class Upkeep extends PeriodicJob {
  protected readonly logger = new Logger('qr');
  protected readonly jobName = 'sweep';

  constructor(
    @Inject(QR_CONFIG) private readonly config: QrConfig,
    private readonly ledger: Ledger,
    private readonly checks: Checks,
    private readonly passes: VisitorPasses,
  ) {
    super();
  }

  protected periodMs(): number {
    return this.config.SWEEP_INTERVAL_S * 1000;
  }

  protected runJob(): Promise<unknown> {
    return this.sweep();
  }

  async sweep(now = new Date()): Promise<{ uses: number; checks: number; passes: number }> {
    const retention = this.config.VISITOR_PASS_RETENTION_DAYS * 86_400_000;
    const swept = {
      uses: await this.ledger.sweep(now),
      checks: await this.checks.sweep(now),
      passes: await this.passes.sweep(new Date(now.getTime() - retention)),
    };
    if (swept.uses + swept.checks + swept.passes > 0) {
      this.logger.log(
        `swept ${swept.uses} pass uses, ${swept.checks} answers, ${swept.passes} visitor passes`,
      );
    }
    return swept;
  }
}
