import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { Principal, requestIdOf } from '@roomkey/common';
import type { CallContext } from '../services/context';

/** The request id, the client address (X-Forwarded-For from a trusted proxy) and the caller. */
export const Ctx = createParamDecorator((_: unknown, ctx: ExecutionContext): CallContext => {
  const req = ctx.switchToHttp().getRequest<Request & { user?: Principal }>();
  return {
    requestId: requestIdOf(req),
    ip: req.ip ?? req.socket.remoteAddress ?? 'unknown',
    ...(req.user ? { actorId: req.user.id } : {}),
  };
});
