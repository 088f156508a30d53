import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { auditCheckpointsV1 } from '@roomkey/contracts';
import { describeError, EventPublisher, withTimeout } from '@roomkey/common';
import { AUDIT_CONFIG, AuditConfig } from '../config';
import { CheckpointSigner } from '../adapters/checkpoint-keys';
import { ChainEnd, checkpointMessage } from '../domain/checkpoint';

/** How long a stopping app waits for its last checkpoint. */
const SHUTDOWN_CHECKPOINT_MS = 5000;

/**
 * Publishes the end of the chain, signed, on audit.checkpoints.v1: once AUDIT_CHECKPOINT_ROWS
 * rows were logged since the last checkpoint, every AUDIT_CHECKPOINT_MS when the chain moved,
 * and at shutdown. Rows up to a checkpoint cannot then be rewritten or removed without the
 * log disagreeing with it.
 *
 * A checkpoint is read from the log when it is made, so there is nothing to keep in an outbox:
 * one that cannot be published is reported and the next one covers the same rows. What was
 * checkpointed last is kept in memory, not in the database that checkpoints are there to check
 * (a row there could hold them back); after a restart the first tick checkpoints the end again.
 */
@Injectable()
export class Checkpoints implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('audit');
  private timer?: NodeJS.Timeout;
  /** Rows this instance logged since its last checkpoint. */
  private sinceLast = 0;
  /** The row of the last checkpoint this instance published. */
  private lastRowId?: string;
  /** The checkpoint running, and the one waiting behind it (shared by whoever asks meanwhile). */
  private running: Promise<void> = Promise.resolve();
  private waiting?: Promise<void>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AUDIT_CONFIG) private readonly config: AuditConfig,
    private readonly publisher: EventPublisher,
    private readonly signer: CheckpointSigner,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.checkpoint(), this.config.AUDIT_CHECKPOINT_MS);
    this.timer.unref();
  }

  /** The rows logged since the last checkpoint get one, unless that would hold the stop up. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    if (this.sinceLast === 0) return;
    await withTimeout(this.checkpoint(), SHUTDOWN_CHECKPOINT_MS).catch(() =>
      this.logger.warn('no checkpoint at shutdown: the broker did not answer in time'),
    );
  }

  /** Rows were committed to the log. */
  logged(rows: number): void {
    this.sinceLast += rows;
    if (this.sinceLast >= this.config.AUDIT_CHECKPOINT_ROWS) void this.checkpoint();
  }

  /** Publishes a checkpoint of the chain's end, unless it is the last one; never throws. */
  checkpoint(): Promise<void> {
    this.waiting ??= this.running.then(() => {
      this.waiting = undefined;
      return this.publishEnd();
    });
    this.running = this.waiting;
    return this.waiting;
  }

  private async publishEnd(): Promise<void> {
    const counted = this.sinceLast;
    try {
      // The chain's last committed row: appends commit one at a time, in id order.
      const [last] = (await this.db.query(
        `select c.log_id::text as log_id, e.id::text as row_id, e.hash, e.chain_key_id
         from event_log_chain c,
              lateral (select id, hash, chain_key_id from event_log order by id desc limit 1) e`,
      )) as { log_id: string; row_id: string; hash: string; chain_key_id: string | null }[];
      // Only rows chained before the chain had keys: nothing to checkpoint yet.
      if (!last?.chain_key_id) return;
      if (last.row_id !== this.lastRowId) {
        const end: ChainEnd = {
          logId: last.log_id,
          rowId: last.row_id,
          hash: last.hash,
          chainKeyId: last.chain_key_id,
          at: new Date().toISOString(),
        };
        await this.publisher.publish(auditCheckpointsV1, {
          key: end.logId,
          correlationId: end.logId,
          occurredAt: new Date(end.at),
          payload: {
            ...end,
            signingKeyId: this.signer.keyId,
            signature: this.signer.sign(checkpointMessage(end, this.signer.keyId)),
          },
        });
        this.lastRowId = end.rowId;
      }
      // The rows counted before the end was read are covered by it.
      this.sinceLast -= counted;
    } catch (err) {
      this.logger.warn(`could not publish a checkpoint of the audit log: ${describeError(err)}`);
    }
  }
}
