import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError, PeriodicJob } from '@roomkey/common';
import { AUTH_CONFIG, AuthConfig } from '../config';
import { MongoCounterStore } from '../repositories/rate-counters';
import { Credentials } from './credentials.service';
import { LoginThrottle } from './login-throttle.service';
import { Tokens } from './tokens.service';
import { Users } from './users.service';

const HOUR_MS = 3600_000;

/** First-start admin, and the hourly sweep of expired rows (FerretDB has no TTL indexes). */
@Injectable()
export class Upkeep extends PeriodicJob {
  protected readonly logger = new Logger('auth');
  protected readonly jobName = 'sweep';

  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly users: Users,
    private readonly tokens: Tokens,
    private readonly throttle: LoginThrottle,
    private readonly counters: MongoCounterStore,
    private readonly credentials: Credentials,
  ) {
    super();
  }

  override async onApplicationBootstrap(): Promise<void> {
    await this.seedAdmin();
    await super.onApplicationBootstrap();
  }

  protected periodMs(): number {
    return HOUR_MS;
  }

  protected runJob(): Promise<unknown> {
    return this.sweep();
  }

  /** Creates the admin from ROOMKEY_ADMIN_EMAIL/ROOMKEY_ADMIN_PASSWORD when there is none. */
  async seedAdmin(): Promise<void> {
    if (await this.users.hasAdmin()) return;
    const email = this.config.ROOMKEY_ADMIN_EMAIL;
    const password = this.config.ROOMKEY_ADMIN_PASSWORD;
    if (!email || !password) {
      this.logger.warn(
        'there is no admin account: set ROOMKEY_ADMIN_EMAIL and ROOMKEY_ADMIN_PASSWORD and restart auth',
      );
      return;
    }
    try {
      await this.users.create(
        { email, password, displayName: 'Administrator', roles: ['admin'] },
        { requestId: 'seed-admin', ip: 'local' },
      );
    } catch (err) {
      // Another instance starting at the same time created it first.
      if (err instanceof DomainError && err.code === 'EMAIL_TAKEN') return;
      throw err;
    }
    this.logger.log(`created the first admin account (${email})`);
  }

  private async sweep(): Promise<void> {
    await this.tokens.sweep();
    await this.throttle.sweep();
    await this.counters.sweep();
    await this.credentials.sweep();
  }
}
