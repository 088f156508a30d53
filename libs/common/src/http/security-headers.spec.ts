import express from 'express';
import request from 'supertest';
import { pageCsp, securityHeaders } from './security-headers';

const serve = (handlers = securityHeaders()) => {
  const app = express();
  app.set('trust proxy', 'loopback');
  for (const h of handlers) app.use(h);
  app.get('/', (_req, res) => res.json({ ok: true }));
  return app;
};

describe('securityHeaders', () => {
  it('lets an API answer load, run and be framed by nothing, and sniff nothing', async () => {
    const res = await request(serve()).get('/');
    expect(res.headers['content-security-policy']).toBe(
      "default-src 'none';base-uri 'none';form-action 'none';frame-ancestors 'none'",
    );
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it('sends Strict-Transport-Security only for a request that came over TLS', async () => {
    expect((await request(serve()).get('/')).headers['strict-transport-security']).toBeUndefined();
    const tls = await request(serve()).get('/').set('x-forwarded-proto', 'https');
    expect(tls.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });

  it('allows a page its own scripts, never inline ones', async () => {
    const res = await request(
      serve(securityHeaders(pageCsp({ scriptSrc: ["'wasm-unsafe-eval'"] }))),
    ).get('/');
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval';");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
  });
});
