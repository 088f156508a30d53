import { DynamicModule, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { MongooseModule } from '@nestjs/mongoose';
import {
  appModule,
  keyringOrDevelopment,
  MongoKafkaReadiness,
  mongoModule,
  RateLimiter,
} from '@roomkey/common';
import { AUTH_CONFIG, AuthConfig } from './config';
import { AUTH_CONTROLLERS } from './http/routes';
import { MongoCounterStore } from './repositories/rate-counters';
import { AUTH_MODELS } from './repositories/schemas';
import { AccountOutbox } from './services/account-outbox';
import { Credentials } from './services/credentials.service';
import { AuthEvents } from './services/auth-events';
import { Devices } from './services/devices.service';
import { LoginThrottle } from './services/login-throttle.service';
import { Passwords } from './services/passwords';
import { Sessions } from './services/sessions.service';
import { SIGNING_KEYRING, SigningKeys } from './services/signing-keys.service';
import { Tokens } from './services/tokens.service';
import { Upkeep } from './services/upkeep.service';
import { Users } from './services/users.service';

/** The auth app: owns identities: users, roles, credentials, refresh tokens, device credentials and signing keys. */
@Module({})
export class AuthModule {
  static forConfig(config: AuthConfig): DynamicModule {
    return appModule(AuthModule, 'auth', config, {
      imports: [
        mongoModule(config),
        MongooseModule.forFeature(AUTH_MODELS),
        JwtModule.register({}),
      ],
      controllers: AUTH_CONTROLLERS,
      providers: [
        { provide: AUTH_CONFIG, useValue: config },
        {
          provide: SIGNING_KEYRING,
          useFactory: () =>
            keyringOrDevelopment(
              'auth',
              'SIGNING_KEYRING',
              config.SIGNING_KEYRING,
              config.ROOMKEY_DEV_KEYS,
            ),
        },
        SigningKeys,
        AuthEvents,
        AccountOutbox,
        Passwords,
        Tokens,
        MongoCounterStore,
        // Per-caller counters in MongoDB, shared by every auth instance.
        {
          provide: RateLimiter,
          inject: [MongoCounterStore],
          useFactory: (store: MongoCounterStore) => new RateLimiter(store),
        },
        LoginThrottle,
        Users,
        Credentials,
        Sessions,
        Devices,
        Upkeep,
      ],
      readiness: MongoKafkaReadiness,
      // Auth reads its own key store instead of fetching its own JWKS.
      keyResolver: SigningKeys,
    });
  }
}
