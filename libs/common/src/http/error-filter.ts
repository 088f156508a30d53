import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ErrorBody } from '@roomkey/contracts';
import { describeError, DomainError, isTransient } from '../errors';
import { requestIdOf } from '../logging/logging.module';

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  502: 'UPSTREAM_FAILED',
  503: 'UNAVAILABLE',
  504: 'UPSTREAM_TIMEOUT',
};

/** How long a client is asked to wait before it tries again after a 503, in seconds. */
export const UNAVAILABLE_RETRY_AFTER_S = 2;

/**
 * Maps every error to `{ code, message, requestId }`. Domain errors keep their code and status;
 * Nest's HTTP exceptions get a code by status; an error that means a dependency did not answer
 * (a database connection timing out, a broker away: `isTransient`) is a 503 UNAVAILABLE with
 * Retry-After, since the same request may well succeed a moment later; anything else unknown is
 * a 500 INTERNAL. Neither message says anything about the internals (the log has the detail).
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const requestId = requestIdOf(req);
    const { status, body, passthrough, headers } = this.map(exception, requestId);
    if (status >= 500) {
      this.logger.error(
        `${req.method} ${req.path} -> ${status} [${requestId}]: ${describeError(exception)}`,
      );
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    if (headers) res.set(headers);
    res.status(status).json(passthrough ?? body);
  }

  private map(
    exception: unknown,
    requestId: string,
  ): {
    status: number;
    body: ErrorBody & { details?: unknown };
    passthrough?: unknown;
    headers?: Record<string, string>;
  } {
    if (exception instanceof DomainError) {
      const details = exception.details === undefined ? {} : { details: exception.details };
      return {
        status: exception.status,
        body: { code: exception.code, message: exception.message, requestId, ...details },
        headers: exception.headers,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      // Terminus answers an unready check with its own report; keep it for probes and people.
      if (status === HttpStatus.SERVICE_UNAVAILABLE && isHealthReport(response)) {
        return {
          status,
          body: { code: CODE_BY_STATUS[503]!, message: 'not ready', requestId },
          passthrough: response,
        };
      }
      const code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST');
      const message =
        status === 404
          ? 'no such resource'
          : status >= 500
            ? 'the service could not handle the request'
            : exception.message;
      return { status, body: { code, message, requestId } };
    }
    if (isTransient(exception)) {
      return {
        status: 503,
        body: {
          code: CODE_BY_STATUS[503]!,
          message: 'a part of the service did not answer in time; try again shortly',
          requestId,
        },
        headers: { 'retry-after': String(UNAVAILABLE_RETRY_AFTER_S) },
      };
    }
    return {
      status: 500,
      body: { code: 'INTERNAL', message: 'the service could not handle the request', requestId },
    };
  }
}

function isHealthReport(r: unknown): boolean {
  return typeof r === 'object' && r !== null && 'status' in r && 'details' in r;
}
