import type { AppOptions } from '@roomkey/common';
import { AuthConfig, loadAuthConfig } from './config';
import { AuthModule } from './auth.module';
import { authOpenApi } from './http/routes';

export function authAppOptions(config: AuthConfig = loadAuthConfig()): AppOptions {
  return {
    name: 'auth',
    module: AuthModule.forConfig(config),
    config,
    openApi: authOpenApi,
    // Sign-in throttling counts per client address, which the gateway passes on.
    trustProxy: config.TRUST_PROXY,
  };
}
