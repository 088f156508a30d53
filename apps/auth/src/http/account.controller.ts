import { Body, Controller, Header, HttpCode, Param, Post } from '@nestjs/common';
import { ChangePasswordBody, Id, ResetPasswordBody, UserRole } from '@roomkey/contracts';
import {
  ADMIN_ONLY,
  BAD_BODY,
  BAD_ID,
  Caller,
  Operation,
  Principal,
  Public,
  RATE_LIMITED,
  Roles,
  TOKEN,
  ZodPipe,
} from '@roomkey/common';
import type { CallContext } from '../services/context';
import { Credentials } from '../services/credentials.service';
import { Ctx } from './call-context';

/** Passwords: a person's own change, and reset links an admin issues. */
@Controller('v1')
export class AccountController {
  constructor(private readonly credentials: Credentials) {}

  @Post('me/password')
  @Roles(...UserRole.options)
  @HttpCode(200)
  @Operation({
    tag: 'auth',
    summary:
      'Change your own password, proving the current one (wrong guesses count towards the sign-in lock). Every other session ends; the answer is a new session for this one.',
    ok: { schema: 'TokenPair', description: 'A new access token and refresh token' },
    errors: {
      400: BAD_BODY,
      401: TOKEN,
      403: 'PASSWORD_INCORRECT, ACCOUNT_DISABLED, or INSUFFICIENT_ROLE (device tokens have no password)',
      422: 'WEAK_PASSWORD',
      429: 'ACCOUNT_LOCKED or TOO_MANY_ATTEMPTS (from this address); see Retry-After',
    },
  })
  @Header('Cache-Control', 'no-store')
  changePassword(
    @Body(new ZodPipe(ChangePasswordBody)) body: ChangePasswordBody,
    @Caller() caller: Principal,
    @Ctx() ctx: CallContext,
  ) {
    return this.credentials.change(caller.id, body, ctx);
  }

  @Post('users/:id/password-reset')
  @Roles('admin')
  @Operation({
    tag: 'users',
    summary:
      'Issue a password reset link for an account: the token, shown this once, works once within 30 minutes; issuing another voids it. Give the person `/reset-password#token=<token>` on the admin web.',
    ok: { schema: 'PasswordResetIssued', description: 'The token and when it expires' },
    errors: {
      400: BAD_ID,
      401: TOKEN,
      403: ADMIN_ONLY,
      404: 'USER_NOT_FOUND',
      429: RATE_LIMITED,
    },
  })
  @Header('Cache-Control', 'no-store')
  issueReset(@Param('id', new ZodPipe(Id, 'user id')) id: string, @Ctx() ctx: CallContext) {
    return this.credentials.issueReset(id, ctx);
  }

  @Post('auth/password-reset')
  @Public()
  @HttpCode(204)
  @Operation({
    tag: 'auth',
    summary:
      'Set a new password with the token of a reset link an admin issued. The link works once, for 30 minutes; every session of the account ends and a sign-in lock is lifted.',
    ok: { description: 'The password is changed' },
    errors: {
      400: `${BAD_BODY}, or RESET_TOKEN_INVALID (unknown, used or expired)`,
      422: 'WEAK_PASSWORD (the link still works)',
      429: RATE_LIMITED,
    },
  })
  async reset(
    @Body(new ZodPipe(ResetPasswordBody)) body: ResetPasswordBody,
    @Ctx() ctx: CallContext,
  ) {
    await this.credentials.reset(body, ctx);
  }
}
