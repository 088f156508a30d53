import { Injectable } from '@nestjs/common';
import type { LoginBody, TokenPair } from '@roomkey/contracts';
import { DomainError } from '@roomkey/common';
import { AuthEvents } from './auth-events';
import type { CallContext } from './context';
import { LoginThrottle } from './login-throttle.service';
import { Passwords } from './passwords';
import { invalidRefresh, Tokens } from './tokens.service';
import { emailKeyOf, Users } from './users.service';

const badCredentials = () =>
  new DomainError('INVALID_CREDENTIALS', 'the email or the password is wrong', 401);

/** Sign-in, token refresh and sign-out. */
@Injectable()
export class Sessions {
  constructor(
    private readonly users: Users,
    private readonly passwords: Passwords,
    private readonly tokens: Tokens,
    private readonly throttle: LoginThrottle,
    private readonly events: AuthEvents,
  ) {}

  async login(body: LoginBody, ctx: CallContext): Promise<TokenPair> {
    const check = await this.throttle.begin(emailKeyOf(body.email), ctx.ip);
    const user = await this.users.findByEmail(body.email);
    const ok = await this.passwords.verify(user?.passwordHash, body.password);
    if (!ok || !user) {
      const lockedUntil = await check.failed();
      const userId = user?._id;
      await this.events.emit(
        {
          kind: 'login-failed',
          ...(userId ? { userId } : {}),
          ip: ctx.ip,
          reason: 'bad-credentials',
        },
        ctx,
      );
      if (lockedUntil) {
        await this.events.emit(
          {
            kind: 'locked-out',
            ...(userId ? { userId } : {}),
            ip: ctx.ip,
            lockedUntil: lockedUntil.toISOString(),
          },
          ctx,
        );
      }
      throw badCredentials();
    }
    // The password was right: the attempt does not count against the account or the address.
    await check.succeeded();
    if (user.status !== 'active') {
      await this.events.emit(
        { kind: 'login-failed', userId: user._id, ip: ctx.ip, reason: 'disabled' },
        ctx,
      );
      throw new DomainError('ACCOUNT_DISABLED', 'this account is disabled', 403);
    }
    if (this.passwords.needsRehash(user.passwordHash)) {
      await this.users.updatePasswordHash(user._id, await this.passwords.hash(body.password));
    }
    await this.events.emit({ kind: 'login-succeeded', userId: user._id, ip: ctx.ip }, ctx);
    return this.tokens.pair(user._id, user.roles);
  }

  /** One use per refresh token; a second use revokes the family and is reported. */
  async refresh(refreshToken: string, ctx: CallContext): Promise<TokenPair> {
    const outcome = await this.tokens.consume(refreshToken);
    if (outcome.kind === 'reused') {
      await this.events.emit(
        { kind: 'token-reuse-detected', userId: outcome.userId, ip: ctx.ip },
        ctx,
      );
    }
    if (outcome.kind !== 'rotated') throw invalidRefresh();
    const user = await this.users.findById(outcome.userId);
    if (!user || user.status !== 'active') {
      await this.tokens.revokeFamily(outcome.familyId);
      throw invalidRefresh();
    }
    return this.tokens.pair(user._id, user.roles, outcome);
  }

  /** Revokes the session the refresh token belongs to. Unknown tokens are fine (idempotent). */
  async logout(refreshToken: string, ctx: CallContext): Promise<void> {
    const userId = await this.tokens.revokeFamilyOf(refreshToken);
    if (userId) {
      await this.events.emit({ kind: 'token-revoked', userId, reason: 'logout' }, ctx);
    }
  }
}
