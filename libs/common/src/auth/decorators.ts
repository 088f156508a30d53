import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { TokenRole } from '@roomkey/contracts';
import type { Principal } from './principal';

export const PUBLIC_KEY = 'roomkey:public';
export const OPTIONAL_AUTH_KEY = 'roomkey:optional-auth';
export const ROLES_KEY = 'roomkey:roles';

/** No token needed (health, login, JWKS). Every other route requires one. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** A token is optional; when one is sent it must be valid. */
export const OptionalAuth = () => SetMetadata(OPTIONAL_AUTH_KEY, true);

/** The caller needs at least one of these roles. Without it, any valid token will do. */
export const Roles = (...roles: TokenRole[]) => SetMetadata(ROLES_KEY, roles);

/** The verified caller (undefined only on @Public or @OptionalAuth routes). */
export const Caller = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal | undefined =>
    ctx.switchToHttp().getRequest<{ user?: Principal }>().user,
);
