import { Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type {
  ChangePasswordBody,
  PasswordResetIssued,
  ResetPasswordBody,
  TokenPair,
} from '@roomkey/contracts';
import { DomainError, NotFoundError, RateLimiter } from '@roomkey/common';
import { AUTH_CONFIG, AuthConfig } from '../config';
import { opaqueSecret, sha256 } from '../domain/secrets';
import { PasswordResetRow } from '../repositories/schemas';
import { AuthEvents } from './auth-events';
import type { CallContext } from './context';
import { LoginThrottle } from './login-throttle.service';
import { Passwords } from './passwords';
import { Tokens } from './tokens.service';
import { emailKeyOf, Users } from './users.service';

const resetInvalid = () =>
  new DomainError(
    'RESET_TOKEN_INVALID',
    'this reset link is unknown, used or expired; ask an admin for a new one',
    400,
  );

/**
 * Password change by the person (proving the current password) and reset links issued by an
 * admin. Either way every session of the account ends; a change answers with a new one.
 */
@Injectable()
export class Credentials {
  constructor(
    @InjectModel(PasswordResetRow.name) private readonly resets: Model<PasswordResetRow>,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly limiter: RateLimiter,
    private readonly users: Users,
    private readonly passwords: Passwords,
    private readonly tokens: Tokens,
    private readonly throttle: LoginThrottle,
    private readonly events: AuthEvents,
  ) {}

  /** Checks the current password under the sign-in limits: a stolen token cannot guess it. */
  async change(userId: string, body: ChangePasswordBody, ctx: CallContext): Promise<TokenPair> {
    const user = await this.users.findById(userId);
    if (!user || user.status !== 'active') {
      throw new DomainError('ACCOUNT_DISABLED', 'this account is disabled', 403);
    }
    const check = await this.throttle.begin(user.emailKey, ctx.ip);
    if (!(await this.passwords.verify(user.passwordHash, body.currentPassword))) {
      const lockedUntil = await check.failed();
      await this.events.emit(
        { kind: 'login-failed', userId, ip: ctx.ip, reason: 'password-change-refused' },
        ctx,
      );
      if (lockedUntil) {
        await this.events.emit(
          { kind: 'locked-out', userId, ip: ctx.ip, lockedUntil: lockedUntil.toISOString() },
          ctx,
        );
      }
      throw new DomainError('PASSWORD_INCORRECT', 'the current password is wrong', 403);
    }
    await check.succeeded();
    this.passwords.assertAcceptable(body.newPassword, [user.email, user.displayName]);
    await this.setPassword(userId, body.newPassword, 'password-changed', ctx);
    return this.tokens.pair(user._id, user.roles);
  }

  /** A new single-use link for the account; earlier unused ones stop working. */
  async issueReset(userId: string, ctx: CallContext): Promise<PasswordResetIssued> {
    await this.limiter.enforce([[this.config.RATE_PASSWORD_RESET_ISSUE_PER_USER, ctx.actorId!]]);
    const user = await this.users.findById(userId);
    if (!user) throw new NotFoundError('USER_NOT_FOUND', 'no user with this id');
    const token = opaqueSecret('rkp_');
    const expiresAt = new Date(Date.now() + this.config.PASSWORD_RESET_TTL_S * 1000);
    await this.resets.deleteMany({ userId });
    await this.resets.create({
      _id: sha256(token),
      userId,
      issuedBy: ctx.actorId!,
      expiresAt,
      usedAt: null,
    });
    return { token, expiresAt: expiresAt.toISOString() };
  }

  /** Sets the new password once per link; the password policy is checked before it is used up. */
  async reset(body: ResetPasswordBody, ctx: CallContext): Promise<void> {
    await this.limiter.enforce([[this.config.RATE_PASSWORD_RESET_PER_ADDRESS, ctx.ip]]);
    const id = sha256(body.token);
    const now = new Date();
    const open = { _id: id, usedAt: null, expiresAt: { $gt: now } };
    const link = await this.resets.findOne(open).lean();
    const user = link ? await this.users.findById(link.userId) : null;
    if (!link || !user) throw resetInvalid();
    this.passwords.assertAcceptable(body.newPassword, [user.email, user.displayName]);
    const used = await this.resets.updateOne(open, { $set: { usedAt: now } });
    if (used.modifiedCount !== 1) throw resetInvalid();
    await this.setPassword(user._id, body.newPassword, 'password-reset', ctx);
    // A person locked out by their own typos gets in with the new password at once.
    await this.throttle.clear(emailKeyOf(user.email));
  }

  /** Forgets links that expired a day ago. */
  async sweep(now = new Date()): Promise<void> {
    await this.resets.deleteMany({ expiresAt: { $lt: new Date(now.getTime() - 86400_000) } });
  }

  private async setPassword(
    userId: string,
    password: string,
    reason: string,
    ctx: CallContext,
  ): Promise<void> {
    await this.users.updatePasswordHash(userId, await this.passwords.hash(password));
    await this.tokens.revokeAllFor(userId);
    await this.events.emit({ kind: 'token-revoked', userId, reason }, ctx);
  }
}
