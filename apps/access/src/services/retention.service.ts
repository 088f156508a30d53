import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { changed, PeriodicJob } from '@roomkey/common';
import { ACCESS_CONFIG, AccessConfig } from '../config';

/** Rows one statement deletes at most, so that a large backlog never holds one long lock. */
const BATCH = 5000;

/**
 * Deletes what the access app no longer needs, every SWEEP_INTERVAL_S: decided requests and
 * settled unlock commands older than ACCESS_RETENTION_DAYS, and outbox rows sent more than
 * OUTBOX_RETENTION_HOURS ago. The audit log keeps the lasting record of every request; nothing
 * undecided, unsent or unsettled is ever deleted.
 */
@Injectable()
export class Retention extends PeriodicJob {
  protected readonly logger = new Logger('access');
  protected readonly jobName = 'retention sweep';

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(ACCESS_CONFIG) private readonly config: AccessConfig,
  ) {
    super();
  }

  protected periodMs(): number {
    return this.config.SWEEP_INTERVAL_S * 1000;
  }

  protected runJob(): Promise<unknown> {
    return this.sweep();
  }

  async sweep(now = new Date()): Promise<{ requests: number; commands: number; events: number }> {
    const decidedBefore = new Date(now.getTime() - this.config.ACCESS_RETENTION_DAYS * 86_400_000);
    const sentBefore = new Date(now.getTime() - this.config.OUTBOX_RETENTION_HOURS * 3_600_000);
    const swept = {
      commands: await this.deleteAll(
        `delete from lock_commands where request_id in (
           select request_id from lock_commands
           where (acked_at is not null or timed_out_at is not null)
             and coalesce(acked_at, timed_out_at) < $1 limit ${BATCH})`,
        decidedBefore,
      ),
      requests: await this.deleteAll(
        `delete from sagas where request_id in (
           select request_id from sagas
           where decision is not null and decided_at < $1 limit ${BATCH})`,
        decidedBefore,
      ),
      events: await this.deleteAll(
        `delete from outbox where id in (
           select id from outbox where sent_at is not null and sent_at < $1 limit ${BATCH})`,
        sentBefore,
      ),
    };
    if (swept.requests + swept.commands + swept.events > 0) {
      this.logger.log(
        `swept ${swept.requests} decided requests, ${swept.commands} unlock commands, ${swept.events} sent events`,
      );
    }
    return swept;
  }

  /** Runs a batched delete until a batch comes back short; how many rows it deleted. */
  private async deleteAll(sql: string, before: Date): Promise<number> {
    let total = 0;
    for (;;) {
      const { count } = await changed(this.db, sql, [before]);
      total += count;
      if (count < BATCH) return total;
    }
  }
}
