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

/** Who may call a route: the token it needs, and the roles of which the caller needs one. */
export interface RouteAccess {
  /** `none`: @Public; `optional`: @OptionalAuth (checked when sent); `required` otherwise. */
  token: 'none' | 'optional' | 'required';
  /** From @Roles; absent when any valid token will do. */
  roles?: readonly TokenRole[];
}

/**
 * A route's access as its handler's and its controller's decorators declare it (the handler's
 * win). The token guard enforces exactly this, and the OpenAPI document states it.
 */
export function routeAccess(handler: object, controller: object): RouteAccess {
  const declared = (key: string): unknown =>
    Reflect.getMetadata(key, handler) ?? Reflect.getMetadata(key, controller);
  const roles = declared(ROLES_KEY) as TokenRole[] | undefined;
  const token = declared(PUBLIC_KEY)
    ? 'none'
    : declared(OPTIONAL_AUTH_KEY)
      ? 'optional'
      : 'required';
  return { token, ...(roles ? { roles } : {}) };
}

/** The verified caller (undefined only on @Public or @OptionalAuth routes). */
export const Caller = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal | undefined =>
    ctx.switchToHttp().getRequest<{ user?: Principal }>().user,
);
