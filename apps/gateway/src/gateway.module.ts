import { DynamicModule, Module } from '@nestjs/common';
import { appModule, keyringOrDevelopment, MemoryCounterStore, RateLimiter } from '@roomkey/common';
import { AuditClient } from './adapters/audit-client';
import { GATEWAY_CONFIG, GatewayConfig } from './config';
import { DecisionsConsumer } from './consumers/decisions.consumer';
import { RequestTracker } from './domain/request-tracker';
import { AccessRequestsController } from './http/access-requests.controller';
import { AlertStreamController } from './http/alert-stream.controller';
import { ProxyController } from './http/proxy.controller';
import { GatewayReadiness } from './readiness';
import { AccessRequestsService } from './services/access-requests.service';
import { CAPTURE_KEYRING, FaceCaptures } from './services/face-captures';

/** The public HTTP edge: REST + OpenAPI; Kafka out (requests) and in (decisions). */
@Module({})
export class GatewayModule {
  static forConfig(config: GatewayConfig): DynamicModule {
    return appModule(GatewayModule, 'gateway', config, {
      // The alert stream before the proxy: `v1/alerts/stream` is the gateway's own.
      controllers: [
        AccessRequestsController,
        AlertStreamController,
        ProxyController,
        DecisionsConsumer,
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: RequestTracker, useValue: new RequestTracker(config.TRACKED_REQUESTS) },
        // The gateway keeps no database: its per-caller counts are per instance.
        { provide: RateLimiter, useValue: new RateLimiter(new MemoryCounterStore()) },
        {
          provide: CAPTURE_KEYRING,
          useFactory: () =>
            keyringOrDevelopment(
              'gateway',
              'FACE_CAPTURE_KEYRING',
              config.FACE_CAPTURE_KEYRING,
              config.ROOMKEY_DEV_KEYS,
            ),
        },
        FaceCaptures,
        AuditClient,
        AccessRequestsService,
      ],
      readiness: GatewayReadiness,
    });
  }
}
