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
  BAD_BODY,
  Caller,
  DomainError,
  Operation,
  OptionalAuth,
  Principal,
  Public,
  Roles,
  TOKEN,
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
  @Operation({
    tag: 'auth',
    summary:
      'Create a member account. Open to anyone when self-registration is on; otherwise an admin token is needed.',
    ok: { schema: 'UserView', description: 'The new account' },
    errors: {
      400: BAD_BODY,
      401: 'TOKEN_INVALID (a token was sent and is not valid)',
      403: 'SELF_REGISTRATION_DISABLED',
      409: 'EMAIL_TAKEN',
      422: 'WEAK_PASSWORD (under 8 characters, a common password, or your email or name)',
    },
  })
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
  @Operation({
    tag: 'auth',
    summary:
      'Sign in with email and password. After 5 failures in a row the email is locked for a while (doubling each time); the answer never says whether the email has an account.',
    ok: { schema: 'TokenPair', description: 'An access token and a refresh token' },
    errors: {
      400: BAD_BODY,
      401: 'INVALID_CREDENTIALS',
      403: 'ACCOUNT_DISABLED',
      429: 'ACCOUNT_LOCKED or TOO_MANY_ATTEMPTS (from this address); see Retry-After',
    },
  })
  @Header('Cache-Control', 'no-store')
  login(@Body(new ZodPipe(LoginBody)) body: LoginBody, @Ctx() ctx: CallContext) {
    return this.sessions.login(body, ctx);
  }

  @Post('v1/auth/refresh')
  @Public()
  @HttpCode(200)
  @Operation({
    tag: 'auth',
    summary:
      'Trade a refresh token for a new pair. Each refresh token works once; using one twice revokes the whole session.',
    ok: { schema: 'TokenPair', description: 'A new access token and refresh token' },
    errors: { 400: BAD_BODY, 401: 'REFRESH_TOKEN_INVALID' },
  })
  @Header('Cache-Control', 'no-store')
  refresh(@Body(new ZodPipe(RefreshBody)) body: RefreshBody, @Ctx() ctx: CallContext) {
    return this.sessions.refresh(body.refreshToken, ctx);
  }

  @Post('v1/auth/logout')
  @Public()
  @HttpCode(204)
  @Operation({
    tag: 'auth',
    summary: 'End the session the refresh token belongs to.',
    ok: { description: 'Signed out (also when the token was already unknown)' },
    errors: { 400: BAD_BODY },
  })
  async logout(@Body(new ZodPipe(RefreshBody)) body: RefreshBody, @Ctx() ctx: CallContext) {
    await this.sessions.logout(body.refreshToken, ctx);
  }

  @Post('v1/auth/device-token')
  @Public()
  @HttpCode(200)
  @Operation({
    tag: 'auth',
    summary: 'A kiosk or lock trades its secret for a short access token scoped to its doors.',
    ok: { schema: 'DeviceToken', description: 'The device token' },
    errors: {
      400: BAD_BODY,
      401: 'DEVICE_CREDENTIALS_INVALID (also once the device is revoked)',
      429: 'RATE_LIMITED (too many for this device, or too many failures from this address); see Retry-After',
    },
  })
  @Header('Cache-Control', 'no-store')
  deviceToken(@Body(new ZodPipe(DeviceTokenBody)) body: DeviceTokenBody, @Ctx() ctx: CallContext) {
    return this.devices.token(body, ctx);
  }

  @Get('v1/me')
  @Roles(...UserRole.options)
  @Operation({
    tag: 'auth',
    summary: 'The signed-in account.',
    ok: { schema: 'UserView', description: 'The account' },
    errors: {
      401: TOKEN,
      403: 'INSUFFICIENT_ROLE (device tokens have no account)',
      404: 'USER_NOT_FOUND',
    },
  })
  me(@Caller() caller: Principal) {
    return this.users.get(caller.id);
  }

  @Get('.well-known/jwks.json')
  @Public()
  @Header('Cache-Control', 'public, max-age=300')
  @Operation({
    tag: 'auth',
    summary:
      'The public keys access tokens are signed with (ES256). A retired key stays listed until the last token it signed has expired.',
    ok: { schema: 'Jwks', description: 'The JSON Web Key Set' },
    errors: {},
  })
  jwks(): Jwks {
    return this.keys.jwks();
  }
}
