import { Inject, Injectable } from '@nestjs/common';
import { AccessRequestView } from '@roomkey/contracts';
import { DomainError, traceHeadersForOutgoing } from '@roomkey/common';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';

/** The audit app's internal REST API, as the gateway uses it. */
@Injectable()
export class AuditClient {
  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  /** The logged state of a request, or null when audit has no record of it. */
  async accessRequest(requestId: string): Promise<AccessRequestView | null> {
    const url = new URL(
      `/internal/access-requests/${encodeURIComponent(requestId)}`,
      this.config.AUDIT_URL,
    );
    let res: Response;
    try {
      res = await fetch(url, {
        headers: { accept: 'application/json', ...traceHeadersForOutgoing() },
        signal: AbortSignal.timeout(this.config.UPSTREAM_TIMEOUT_MS),
      });
    } catch (err) {
      const timedOut = (err as Error).name === 'TimeoutError';
      throw new DomainError(
        timedOut ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNAVAILABLE',
        'the access log is not reachable right now; try again',
        timedOut ? 504 : 503,
      );
    }
    if (res.status === 404) return null;
    if (!res.ok) {
      throw new DomainError('UPSTREAM_FAILED', 'the access log could not answer; try again', 502);
    }
    return AccessRequestView.parse(await res.json());
  }
}
