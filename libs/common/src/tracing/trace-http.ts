import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import { tracer } from './tracing';

/**
 * One SERVER span per HTTP request, continuing the caller's `traceparent` when it sent one, and
 * active for everything the request does (so events it publishes belong to the same trace).
 */
export function traceHttp(req: Request, res: Response, next: NextFunction): void {
  if (req.path.startsWith('/health')) return next();
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  const span = tracer().startSpan(
    `${req.method} ${req.path}`,
    {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': req.method, 'url.path': req.path },
    },
    parent,
  );
  res.once('finish', () => {
    span.setAttribute('http.response.status_code', res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  context.with(trace.setSpan(parent, span), next);
}

/** Headers that carry the active trace to an internal REST call. */
export function traceHeadersForOutgoing(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}
