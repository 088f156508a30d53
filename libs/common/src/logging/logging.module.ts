import { randomUUID } from 'node:crypto';
import { DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import { currentTraceId } from '../tracing/tracing';
import type { HttpConfig } from '../config/fragments';

/** Header a caller may send to name its request; echoed back, and carried in every log line. */
export const REQUEST_ID_HEADER = 'x-request-id';
const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;

/** Takes a well-formed caller request id, or makes one; never trusts arbitrary header content. */
export function requestIdOf(req: IncomingMessage): string {
  const existing = (req as IncomingMessage & { id?: unknown }).id;
  if (typeof existing === 'string') return existing;
  const header = req.headers[REQUEST_ID_HEADER];
  return typeof header === 'string' && REQUEST_ID_RE.test(header) ? header : randomUUID();
}

/**
 * JSON logs (pino) with the request id and the trace id on every line. Credentials, cookies
 * and bodies are never logged: only method, url, status and timing.
 */
export function loggingModule(
  app: string,
  config: Pick<HttpConfig, 'LOG_LEVEL' | 'LOG_PRETTY'>,
): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: {
      level: config.LOG_LEVEL,
      base: { app },
      genReqId: (req, res) => {
        const id = requestIdOf(req);
        res.setHeader(REQUEST_ID_HEADER, id);
        return id;
      },
      mixin: () => {
        const traceId = currentTraceId();
        return traceId ? { traceId } : {};
      },
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          requestId: req.id,
          method: req.method,
          url: req.url,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      redact: {
        paths: ['req.headers', 'headers.authorization', '*.password', '*.token'],
        remove: true,
      },
      autoLogging: { ignore: (req) => req.url?.startsWith('/health') ?? false },
      transport: config.LOG_PRETTY
        ? { target: 'pino-pretty', options: { singleLine: true } }
        : undefined,
    },
  });
}
