import { DynamicModule, Module } from '@nestjs/common';
import { appModule } from '@roomkey/common';
import { AuditClient } from './adapters/audit-client';
import { GATEWAY_CONFIG, GatewayConfig } from './config';
import { DecisionsConsumer } from './consumers/decisions.consumer';
import { RequestTracker } from './domain/request-tracker';
import { AccessRequestsController } from './http/access-requests.controller';
import { ProxyController } from './http/proxy.controller';
import { GatewayReadiness } from './readiness';
import { AccessRequestsService } from './services/access-requests.service';

/** The public HTTP edge: REST + OpenAPI; Kafka out (requests) and in (decisions). */
@Module({})
export class GatewayModule {
  static forConfig(config: GatewayConfig): DynamicModule {
    return appModule(GatewayModule, 'gateway', config, {
      controllers: [AccessRequestsController, ProxyController, DecisionsConsumer],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: RequestTracker, useValue: new RequestTracker(config.TRACKED_REQUESTS) },
        AuditClient,
        AccessRequestsService,
      ],
      readiness: GatewayReadiness,
    });
  }
}
