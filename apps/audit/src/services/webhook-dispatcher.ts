import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { webhooksEventsV1 } from '@roomkey/contracts';
import { changed, describeError, EventPublisher, Keyring, type Sealed } from '@roomkey/common';
import { AUDIT_CONFIG, AuditConfig } from '../config';
import { SendResult, WebhookSender } from '../adapters/webhook-sender';
import { hostOf } from '../domain/webhook-url';
import { nextAttemptDelay, RetryPolicy } from '../domain/webhook-retry';
import { EndpointRow, networkPolicy, secretAad, WEBHOOK_KEYS } from './webhooks.service';

/** Deliveries claimed at once; sent in parallel. */
const BATCH = 16;
/** How often settled deliveries past their retention are deleted. */
const SWEEP_EVERY_MS = 3_600_000;

interface Claimed {
  id: string;
  endpoint_id: string;
  message_id: string;
  body: string;
  attempts: number;
  url: string;
  secret: Sealed;
}

/**
 * Sends what the queue holds: due deliveries are claimed (a lease, so another audit instance
 * skips them and a dead one's come back), signed and POSTed; each attempt and its answer is
 * recorded. A failure is tried again later with exponential backoff until the attempts are
 * spent; an endpoint failing too often in a row is disabled, which is announced on
 * webhooks.events.v1 and raises the `webhook-disabled` alert.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('audit');
  private readonly sender: WebhookSender;
  private readonly retry: RetryPolicy;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private lastSweep = 0;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AUDIT_CONFIG) private readonly config: AuditConfig,
    @Inject(WEBHOOK_KEYS) private readonly keys: Keyring,
    private readonly publisher: EventPublisher,
  ) {
    this.sender = new WebhookSender(networkPolicy(config), config.WEBHOOK_TIMEOUT_MS);
    this.retry = {
      baseMs: config.WEBHOOK_RETRY_BASE_MS,
      maxMs: config.WEBHOOK_RETRY_MAX_MS,
      maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
    };
  }

  onApplicationBootstrap(): void {
    if (this.config.WEBHOOK_DEV_ALLOW_HTTP_LOOPBACK) {
      this.logger.warn(
        'WEBHOOK_DEV_ALLOW_HTTP_LOOPBACK is set: webhooks may go UNENCRYPTED over http to loopback. DEVELOPMENT ONLY, never in production',
      );
    }
    this.timer = setInterval(() => this.kick(), this.config.WEBHOOK_POLL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Looks at the queue now (after messages were queued), or right after the look running. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      if (Date.now() - this.lastSweep >= SWEEP_EVERY_MS) {
        this.lastSweep = Date.now();
        await this.sweepSettled();
      }
      await this.announceDisabled();
      while (!this.stopped) {
        const claimed = await this.claim();
        await Promise.all(claimed.map((d) => this.deliver(d)));
        if (claimed.length < BATCH) break;
      }
    } catch (err) {
      this.logger.warn(`webhook deliveries paused: ${describeError(err)}`);
    }
  }

  /**
   * Deletes settled deliveries past WEBHOOK_RETENTION_DAYS (hourly), in batches; how many.
   * Pending ones stay, however old.
   */
  async sweepSettled(): Promise<number> {
    let total = 0;
    for (;;) {
      const { count: deleted } = await changed(
        this.db,
        `delete from webhook_deliveries where id in (
           select id from webhook_deliveries
           where state <> 'pending' and created_at < now() - ($1 || ' days')::interval
           limit 5000)`,
        [String(this.config.WEBHOOK_RETENTION_DAYS)],
      );
      total += deleted;
      if (deleted < 5000 || this.stopped) return total;
    }
  }

  /** Due deliveries of enabled endpoints, each leased for long enough to be tried once. */
  private async claim(): Promise<Claimed[]> {
    const leaseMs = this.config.WEBHOOK_TIMEOUT_MS + 30_000;
    const { rows } = await changed<Claimed>(
      this.db,
      `with due as (
         select d.id from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id
         where d.state = 'pending' and d.next_at <= now() and e.enabled
           and (d.locked_until is null or d.locked_until < now())
         order by d.next_at limit $1
         for update of d skip locked)
       update webhook_deliveries d
         set locked_until = now() + ($2 || ' milliseconds')::interval, attempts = d.attempts + 1
       from due, webhook_endpoints e
       where d.id = due.id and e.id = d.endpoint_id
       returning d.id, d.endpoint_id, d.message_id, d.body, d.attempts, e.url, e.secret`,
      [BATCH, String(leaseMs)],
    );
    return rows;
  }

  private async deliver(d: Claimed): Promise<void> {
    let result: SendResult;
    try {
      const secret = this.keys.open(d.secret, secretAad(d.endpoint_id)).toString();
      result = await this.sender.send({
        url: d.url,
        secret,
        messageId: d.message_id,
        body: d.body,
      });
    } catch (err) {
      // A secret that does not open (a key removed from the keyring) is the system's fault,
      // recorded as the attempt's.
      result = { status: null, error: describeError(err), response: null, durationMs: 0 };
    }
    await this.record(d, result).catch((err: unknown) =>
      this.logger.warn(`could not record webhook attempt ${d.id}: ${describeError(err)}`),
    );
  }

  /** The attempt, the delivery's new state, and the endpoint's count of failures in a row. */
  private async record(d: Claimed, r: SendResult): Promise<void> {
    const ok = r.status !== null && r.status >= 200 && r.status < 300;
    const delay = ok ? null : nextAttemptDelay(this.retry, d.attempts);
    await this.db.transaction(async (m) => {
      // The endpoint first: its attempts are recorded one at a time, in one lock order.
      await m.query('select 1 from webhook_endpoints where id = $1 for update', [d.endpoint_id]);
      await m.query(
        `insert into webhook_attempts (delivery_id, n, at, status, error, response, duration_ms)
         values ($1, $2, now(), $3, $4, $5, $6) on conflict do nothing`,
        [d.id, d.attempts, r.status, r.error, r.response, r.durationMs],
      );
      if (ok) {
        await m.query(
          `update webhook_deliveries set state = 'delivered', delivered_at = now(),
             locked_until = null where id = $1`,
          [d.id],
        );
        await m.query('update webhook_endpoints set failures = 0 where id = $1', [d.endpoint_id]);
        return;
      }
      await m.query(
        `update webhook_deliveries set locked_until = null,
           state = case when $2::int is null then 'failed' else 'pending' end,
           next_at = now() + (coalesce($2::int, 0) || ' milliseconds')::interval
         where id = $1`,
        [d.id, delay],
      );
      // Disabled once, by whichever failure crossed the line; its pending messages are given up.
      const {
        rows: [endpoint],
      } = await changed<{ enabled: boolean; disable_announced: boolean }>(
        m,
        `update webhook_endpoints set failures = failures + 1,
           enabled = enabled and failures + 1 < $2,
           disabled_at = case when enabled and failures + 1 >= $2 then now() else disabled_at end,
           disable_announced = disable_announced and not (enabled and failures + 1 >= $2)
         where id = $1 returning enabled, disable_announced`,
        [d.endpoint_id, this.config.WEBHOOK_DISABLE_AFTER_FAILURES],
      );
      if (endpoint && !endpoint.enabled) {
        await m.query(
          `update webhook_deliveries set state = 'failed', locked_until = null
           where endpoint_id = $1 and state = 'pending'`,
          [d.endpoint_id],
        );
      }
    });
  }

  /**
   * Disabled endpoints not yet announced: the announcement is what raises the alert, so it is
   * published until it goes through (the flag is the outbox).
   */
  private async announceDisabled(): Promise<void> {
    const rows = (await this.db.query(
      'select * from webhook_endpoints where not enabled and not disable_announced',
    )) as EndpointRow[];
    for (const row of rows) {
      await this.publisher.publish(webhooksEventsV1, {
        key: row.id,
        correlationId: row.id,
        payload: {
          endpointId: row.id,
          kind: 'disabled',
          host: hostOf(new URL(row.url)),
          events: row.events,
          failures: Math.max(1, row.failures),
        },
      });
      await this.db.query(
        'update webhook_endpoints set disable_announced = true where id = $1 and not enabled',
        [row.id],
      );
      this.logger.warn(`webhook ${row.id} disabled after ${row.failures} failed attempts in a row`);
    }
  }
}
