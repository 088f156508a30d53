import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { gatewayAppOptions } from '../src/app';
import { loadGatewayConfig } from '../src/config';
import { startTestApp, TEST_CAPTURE_KEYRING } from '../../../test/support/apps';

let app: INestApplication;
let url: string;

beforeAll(async () => {
  ({ app, url } = await startTestApp(
    gatewayAppOptions(
      loadGatewayConfig({
        FACE_CAPTURE_KEYRING: TEST_CAPTURE_KEYRING,
        // As behind an ingress on this host that terminates TLS.
        TRUST_PROXY: 'loopback',
        LOG_LEVEL: 'fatal',
      }),
    ),
  ));
});
afterAll(() => app?.close());

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${url}${path}`, { headers }).then(async (res) => {
    await res.arrayBuffer();
    return res;
  });

describe('security headers on the gateway', () => {
  it.each([
    ['an error', `/v1/access-requests/${randomUUID()}`],
    ['readiness', '/health/live'],
    ['the OpenAPI document', '/docs-json'],
  ])('%s: a CSP that lets nothing load or frame it, nosniff, no referrer', async (_, path) => {
    const res = await get(path);
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'none';base-uri 'none';form-action 'none';frame-ancestors 'none'",
    );
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('the documentation page: its own scripts only, none inline, and no framing', async () => {
    const res = await fetch(`${url}/docs`);
    const html = await res.text();
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(/script-src [^;]*unsafe-inline/.test(csp)).toBe(false);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    // The page works under it: every script it has is loaded from a file.
    expect(html).toMatch(/<script src=/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it('Strict-Transport-Security only when the request came over TLS', async () => {
    expect((await get('/health/live')).headers.get('strict-transport-security')).toBeNull();
    const tls = await get('/health/live', { 'x-forwarded-proto': 'https' });
    expect(tls.headers.get('strict-transport-security')).toBe(
      'max-age=31536000; includeSubDomains',
    );
  });
});
