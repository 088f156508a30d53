import { randomBytes, randomUUID } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import {
  CreateWebhookBody,
  ListDeliveriesQuery,
  WebhookCreated,
  WebhookDeliveryPage,
  webhooksEventsV1,
  WebhookView,
  WebhooksEventsV1,
} from '@roomkey/contracts';
import {
  changed,
  describeError,
  DomainError,
  EventPublisher,
  Keyring,
  NotFoundError,
  type Sealed,
  withTimeout,
} from '@roomkey/common';
import { AUDIT_CONFIG, AuditConfig } from '../config';
import {
  addressAllowed,
  checkWebhookUrl,
  hostOf,
  WebhookNetworkPolicy,
  WebhookUrlRefused,
} from '../domain/webhook-url';

export const WEBHOOK_KEYS = Symbol('WEBHOOK_KEYS');

/** How long registering waits for the URL's name to resolve. */
const RESOLVE_TIMEOUT_MS = 3000;

export interface EndpointRow {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  secret: Sealed;
  enabled: boolean;
  failures: number;
  disabled_at: Date | null;
  created_at: Date;
  created_by: string | null;
}

const endpointView = (r: EndpointRow): WebhookView => ({
  id: r.id,
  url: r.url,
  events: r.events as WebhookView['events'],
  description: r.description,
  enabled: r.enabled,
  failures: r.failures,
  disabledAt: r.disabled_at?.toISOString() ?? null,
  createdAt: r.created_at.toISOString(),
  createdBy: r.created_by,
});

/** The secret's context when sealed: it opens only as this endpoint's. */
export const secretAad = (endpointId: string) => `webhook-secret:${endpointId}`;

export const networkPolicy = (config: AuditConfig): WebhookNetworkPolicy => ({
  allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_ADDRESSES,
  devHttpLoopback: config.WEBHOOK_DEV_ALLOW_HTTP_LOOPBACK,
});

interface DeliveryDbRow {
  id: string;
  endpoint_id: string;
  message_id: string;
  type: string;
  body: string;
  state: 'pending' | 'delivered' | 'failed';
  next_at: Date;
  created_at: Date;
  delivered_at: Date | null;
  attempts_log: {
    at: string;
    status: number | null;
    error: string | null;
    response: string | null;
    duration_ms: number;
  }[];
}

/**
 * Webhook endpoints as admins manage them: registered with a secret shown once, listed,
 * removed, enabled again after the system disabled them, and their deliveries listed. Each
 * change is announced on webhooks.events.v1, so the audit log says who pointed events where.
 */
@Injectable()
export class Webhooks {
  private readonly logger = new Logger('audit');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AUDIT_CONFIG) private readonly config: AuditConfig,
    @Inject(WEBHOOK_KEYS) private readonly keys: Keyring,
    private readonly publisher: EventPublisher,
  ) {}

  async create(body: CreateWebhookBody, by: string): Promise<WebhookCreated> {
    const url = await this.checkUrl(body.url);
    const id = randomUUID();
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const sealed = this.keys.seal(Buffer.from(secret), secretAad(id));
    return this.db.transaction(async (m) => {
      const [row] = (await m.query(
        `insert into webhook_endpoints (id, url, events, description, secret, created_by)
         values ($1, $2, $3, $4, $5, $6) returning *`,
        [id, url.href, body.events, body.description ?? null, JSON.stringify(sealed), by],
      )) as EndpointRow[];
      await this.announce(row!, 'created', by);
      return { ...endpointView(row!), secret };
    });
  }

  async list(): Promise<WebhookView[]> {
    const rows = (await this.db.query(
      'select * from webhook_endpoints order by created_at desc, id',
    )) as EndpointRow[];
    return rows.map(endpointView);
  }

  /** Removes the endpoint and its deliveries; nothing more is sent to it. */
  async remove(id: string, by: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const row = await this.lockEndpoint(m, id);
      await m.query('delete from webhook_endpoints where id = $1', [id]);
      await this.announce(row, 'deleted', by);
    });
  }

  /** Enables an endpoint again, its failures forgotten; what it missed meanwhile is not sent. */
  async enable(id: string, by: string): Promise<WebhookView> {
    return this.db.transaction(async (m) => {
      const before = await this.lockEndpoint(m, id);
      const {
        rows: [row],
      } = await changed<EndpointRow>(
        m,
        `update webhook_endpoints set enabled = true, failures = 0, disabled_at = null,
           disable_announced = true
         where id = $1 returning *`,
        [id],
      );
      if (!before.enabled) await this.announce(row!, 'enabled', by);
      return endpointView(row!);
    });
  }

  /** An endpoint's deliveries, newest first, each with its attempts and what they got. */
  async deliveries(endpointId: string, q: ListDeliveriesQuery): Promise<WebhookDeliveryPage> {
    const [endpoint] = (await this.db.query('select id from webhook_endpoints where id = $1', [
      endpointId,
    ])) as { id: string }[];
    if (!endpoint) throw new NotFoundError('WEBHOOK_NOT_FOUND', 'no webhook with this id');
    const rows = (await this.db.query(
      `select d.*, coalesce((
          select jsonb_agg(jsonb_build_object('at', a.at, 'status', a.status, 'error', a.error,
                   'response', a.response, 'duration_ms', a.duration_ms) order by a.n)
          from webhook_attempts a where a.delivery_id = d.id), '[]'::jsonb) as attempts_log
       from webhook_deliveries d
       where d.endpoint_id = $1
         and ($2::text is null or d.state = $2)
         and ($3::uuid is null or d.seq < (select seq from webhook_deliveries where id = $3))
       order by d.seq desc limit $4`,
      [endpointId, q.state ?? null, q.after ?? null, q.limit + 1],
    )) as DeliveryDbRow[];
    const page = rows.slice(0, q.limit);
    return {
      items: page.map((r) => ({
        id: r.id,
        endpointId: r.endpoint_id,
        messageId: r.message_id,
        type: r.type as WebhookView['events'][number],
        state: r.state,
        attempts: r.attempts_log.map((a) => ({
          at: new Date(a.at).toISOString(),
          status: a.status,
          error: a.error,
          response: a.response,
          durationMs: a.duration_ms,
        })),
        nextAttemptAt: r.state === 'pending' ? r.next_at.toISOString() : null,
        createdAt: r.created_at.toISOString(),
        deliveredAt: r.delivered_at?.toISOString() ?? null,
        body: r.body,
      })),
      next: rows.length > q.limit ? page[page.length - 1]!.id : null,
    };
  }

  /**
   * The URL's own rules, then where its name points now: a name that resolves to an address
   * deliveries would refuse is refused here too (and again at every delivery).
   */
  private async checkUrl(raw: string): Promise<URL> {
    const policy = networkPolicy(this.config);
    try {
      const url = checkWebhookUrl(raw, policy);
      const host = hostOf(url);
      // A resolver that does not answer must not hold the request past the gateway's patience.
      const addresses = await withTimeout(lookup(host, { all: true }), RESOLVE_TIMEOUT_MS).catch(
        () => {
          throw new WebhookUrlRefused('WEBHOOK_URL_INVALID', `${host} does not resolve`);
        },
      );
      if (addresses.some((a) => !addressAllowed(a.address, policy))) {
        throw new WebhookUrlRefused(
          'WEBHOOK_URL_NOT_ALLOWED',
          `${host} resolves to an address that is not a public one`,
        );
      }
      return url;
    } catch (err) {
      if (err instanceof WebhookUrlRefused) throw new DomainError(err.code, err.message, 422);
      throw err;
    }
  }

  private async lockEndpoint(m: EntityManager, id: string): Promise<EndpointRow> {
    const [row] = (await m.query('select * from webhook_endpoints where id = $1 for update', [
      id,
    ])) as EndpointRow[];
    if (!row) throw new NotFoundError('WEBHOOK_NOT_FOUND', 'no webhook with this id');
    return row;
  }

  /**
   * A change is kept only once announced (the transaction is open until then): the log says
   * who pointed the system's events where, or nothing changed (503).
   */
  private async announce(
    row: EndpointRow,
    kind: WebhooksEventsV1['payload']['kind'],
    by: string,
  ): Promise<void> {
    await this.publisher
      .publish(webhooksEventsV1, {
        key: row.id,
        correlationId: row.id,
        payload: {
          endpointId: row.id,
          kind,
          host: hostOf(new URL(row.url)),
          events: row.events,
          by,
        },
      })
      .catch((err: unknown) => {
        this.logger.warn(`could not announce webhook ${row.id} ${kind}: ${describeError(err)}`);
        throw new DomainError(
          'EVENTS_UNAVAILABLE',
          'the change could not be recorded right now; try again',
          503,
        );
      });
  }
}
