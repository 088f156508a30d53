import type { AppOptions } from '@roomkey/common';
import { AuthConfig, loadAuthConfig } from './config';
import { AuthModule } from './auth.module';

/** Express "trust proxy": true/false, a hop count, or names and subnets ("loopback, 10.0.0.0/8"). */
export function trustProxy(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}

export function authAppOptions(config: AuthConfig = loadAuthConfig()): AppOptions {
  return {
    name: 'auth',
    module: AuthModule.forConfig(config),
    config,
    setup: (app) => {
      app.set('trust proxy', trustProxy(config.TRUST_PROXY));
    },
  };
}
