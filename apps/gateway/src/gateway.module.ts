import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { appModule, keyringOrDevelopment, MemoryCounterStore, RateLimiter } from '@roomkey/common';
import { AuditClient } from './adapters/audit-client';
import { RevocationFeed } from './adapters/revocation-feed';
import { GATEWAY_CONFIG, GatewayConfig } from './config';
import { DecisionsConsumer } from './consumers/decisions.consumer';
import { RequestTracker } from './domain/request-tracker';
import { Revocations } from './domain/revocations';
import { ProxyController } from './http/proxy.controller';
import { RevokedTokenGuard } from './http/revoked-token.guard';
import { GATEWAY_CONTROLLERS } from './http/routes';
import { GatewayReadiness } from './readiness';
import { AccessRequestsService } from './services/access-requests.service';
import { CAPTURE_KEYRING, FaceCaptures } from './services/face-captures';

/** The public HTTP edge: REST + OpenAPI; Kafka out (requests) and in (decisions). */
@Module({})
export class GatewayModule {
  static forConfig(config: GatewayConfig): DynamicModule {
    return appModule(GatewayModule, 'gateway', config, {
      // The gateway's own routes before the forwarded ones.
      controllers: [...GATEWAY_CONTROLLERS, ProxyController, DecisionsConsumer],
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
        {
          provide: Revocations,
          useValue: new Revocations(
            (config.TOKEN_MAX_LIFETIME_S + config.TOKEN_CLOCK_TOLERANCE_S) * 1000,
          ),
        },
        RevocationFeed,
        { provide: APP_GUARD, useClass: RevokedTokenGuard },
        FaceCaptures,
        AuditClient,
        AccessRequestsService,
      ],
      readiness: GatewayReadiness,
    });
  }
}
