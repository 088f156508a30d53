import { Body, Controller, Get, Header, HttpCode, Inject, Post } from '@nestjs/common';
import {
  DeviceTokenBody,
  Jwks,
  LoginBody,
  RefreshBody,
  RegisterBody,
  UserRole,
} from '@roomkey/contracts';
import {
  Caller,
  DomainError,
  OptionalAuth,
  Principal,
  Public,
  Roles,
  ZodPipe,
} from '@roomkey/common';
import { AUTH_CONFIG, AuthConfig } from '../config';
import type { CallContext } from '../services/context';
import { Devices } from '../services/devices.service';
import { Sessions } from '../services/sessions.service';
import { SigningKeys } from '../services/signing-keys.service';
import { Users } from '../services/users.service';
import { Ctx } from './call-context';

/** Sign-up, sign-in, token refresh and sign-out; device tokens; the public keys. */
@Controller()
export class AuthController {
  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly users: Users,
    private readonly sessions: Sessions,
    private readonly devices: Devices,
    private readonly keys: SigningKeys,
  ) {}

  @Post('v1/auth/register')
  @OptionalAuth()
  register(
    @Body(new ZodPipe(RegisterBody)) body: RegisterBody,
    @Caller() caller: Principal | undefined,
    @Ctx() ctx: CallContext,
  ) {
    const byAdmin = caller?.roles.includes('admin') ?? false;
    if (!byAdmin && !this.config.SELF_REGISTRATION) {
      throw new DomainError(
        'SELF_REGISTRATION_DISABLED',
        'accounts are created by an admin here; ask one to add you',
        403,
      );
    }
    return this.users.create({ ...body, roles: ['member'] }, ctx);
  }

  @Post('v1/auth/login')
  @Public()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  login(@Body(new ZodPipe(LoginBody)) body: LoginBody, @Ctx() ctx: CallContext) {
    return this.sessions.login(body, ctx);
  }

  @Post('v1/auth/refresh')
  @Public()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  refresh(@Body(new ZodPipe(RefreshBody)) body: RefreshBody, @Ctx() ctx: CallContext) {
    return this.sessions.refresh(body.refreshToken, ctx);
  }

  @Post('v1/auth/logout')
  @Public()
  @HttpCode(204)
  async logout(@Body(new ZodPipe(RefreshBody)) body: RefreshBody, @Ctx() ctx: CallContext) {
    await this.sessions.logout(body.refreshToken, ctx);
  }

  @Post('v1/auth/device-token')
  @Public()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  deviceToken(@Body(new ZodPipe(DeviceTokenBody)) body: DeviceTokenBody, @Ctx() ctx: CallContext) {
    return this.devices.token(body, ctx);
  }

  @Get('v1/me')
  @Roles(...UserRole.options)
  me(@Caller() caller: Principal) {
    return this.users.get(caller.id);
  }

  @Get('.well-known/jwks.json')
  @Public()
  @Header('Cache-Control', 'public, max-age=300')
  jwks(): Jwks {
    return this.keys.jwks();
  }
}
