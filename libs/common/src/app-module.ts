import { DynamicModule, Provider, Type } from '@nestjs/common';
import type { HttpConfig, KafkaConfig, TokenConfig } from './config/fragments';
import { HealthModule, ReadinessChecks } from './health/health.module';
import type { KeyResolver } from './auth/key-resolver';
import { tokenAuthProviders } from './auth/token-auth';
import { KafkaModule } from './kafka/kafka.module';
import { loggingModule } from './logging/logging.module';

export interface AppModuleParts {
  /** The app's own modules: its store, its adapters. */
  imports?: NonNullable<DynamicModule['imports']>;
  controllers?: Type<unknown>[];
  providers?: Provider[];
  /** What `/health/ready` checks, and the modules its constructor needs. */
  readiness: Type<ReadinessChecks>;
  readinessImports?: NonNullable<DynamicModule['imports']>;
  /** Where token keys come from; the auth app's JWKS over HTTP unless given. */
  keyResolver?: Type<KeyResolver>;
}

/**
 * The root module every app shares: logs, Kafka, health, and default-deny token checks on
 * HTTP (health stays public), around the app's own parts.
 */
export function appModule(
  module: Type<unknown>,
  app: string,
  config: HttpConfig & KafkaConfig & TokenConfig,
  parts: AppModuleParts,
): DynamicModule {
  return {
    module,
    imports: [
      loggingModule(app, config),
      KafkaModule.forApp(app, config),
      ...(parts.imports ?? []),
      HealthModule.forApp(parts.readiness, parts.readinessImports),
    ],
    controllers: parts.controllers ?? [],
    providers: [...(parts.providers ?? []), ...tokenAuthProviders(app, config, parts.keyResolver)],
  };
}
