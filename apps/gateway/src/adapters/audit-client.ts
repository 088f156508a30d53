import { Inject, Injectable } from '@nestjs/common';
import { AccessRequestView } from '@roomkey/contracts';
import { DomainError } from '@roomkey/common';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { callUpstream } from './upstream';

/** The audit app's internal REST API, as the gateway uses it. */
@Injectable()
export class AuditClient {
  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  /**
   * The logged state of a request, or null when audit has no record of it. The caller's token
   * goes along: audit checks it itself.
   */
  async accessRequest(requestId: string, authorization: string): Promise<AccessRequestView | null> {
    const url = new URL(
      `/internal/access-requests/${encodeURIComponent(requestId)}`,
      this.config.AUDIT_URL,
    );
    const res = await callUpstream(url, {
      headers: { authorization },
      timeoutMs: this.config.UPSTREAM_TIMEOUT_MS,
      what: 'the access log',
    });
    if (res.status === 404) return null;
    if (res.status === 401) {
      throw new DomainError('TOKEN_INVALID', 'the access token is no longer valid', 401);
    }
    if (!res.ok) {
      throw new DomainError('UPSTREAM_FAILED', 'the access log could not answer; try again', 502);
    }
    return AccessRequestView.parse(await res.json());
  }
}
