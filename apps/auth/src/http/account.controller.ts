import { Body, Controller, Header, HttpCode, Param, Post } from '@nestjs/common';
import { ChangePasswordBody, Id, ResetPasswordBody, UserRole } from '@roomkey/contracts';
import { Caller, Principal, Public, Roles, ZodPipe } from '@roomkey/common';
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
  @Header('Cache-Control', 'no-store')
  issueReset(@Param('id', new ZodPipe(Id, 'user id')) id: string, @Ctx() ctx: CallContext) {
    return this.credentials.issueReset(id, ctx);
  }

  @Post('auth/password-reset')
  @Public()
  @HttpCode(204)
  async reset(
    @Body(new ZodPipe(ResetPasswordBody)) body: ResetPasswordBody,
    @Ctx() ctx: CallContext,
  ) {
    await this.credentials.reset(body, ctx);
  }
}
