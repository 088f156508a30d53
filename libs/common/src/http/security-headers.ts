import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/** CSP directives, as helmet takes them: `{ scriptSrc: ["'self'"] }`. */
export type CspDirectives = Record<string, string[]>;

/**
 * An API's answers are data: nothing in them may load or run anything, and nothing may frame
 * them.
 */
export const API_CSP: CspDirectives = {
  defaultSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

/**
 * A page built by the project (the admin web, the kiosk, the API's documentation): its own
 * scripts and styles only, never inline scripts; images also as data: URLs (QR codes); no
 * plugins, no framing, no other origin. `extra` adds to a directive.
 */
export function pageCsp(extra: CspDirectives = {}): CspDirectives {
  const base: CspDirectives = {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  };
  for (const [name, values] of Object.entries(extra))
    base[name] = [...(base[name] ?? []), ...values];
  return base;
}

/**
 * The response headers every roomkey server sends (helmet): this Content-Security-Policy,
 * `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`, `X-Frame-Options: DENY`
 * for browsers without frame-ancestors, and helmet's other defaults. Strict-Transport-Security
 * only on a request that came over TLS (`req.secure`, which honours X-Forwarded-Proto from a
 * trusted proxy): over plain HTTP it would mean nothing.
 */
export function securityHeaders(directives: CspDirectives = API_CSP): RequestHandler[] {
  const hsts = helmet.strictTransportSecurity({ maxAge: 31_536_000, includeSubDomains: true });
  return [
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives },
      referrerPolicy: { policy: 'no-referrer' },
      xFrameOptions: { action: 'deny' },
      strictTransportSecurity: false,
    }),
    (req: Request, res: Response, next: NextFunction) =>
      req.secure ? hsts(req, res, next) : next(),
  ];
}
