import express from 'express';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import * as path from 'node:path';
import { pageCsp, securityHeaders } from '../libs/common/src/http/security-headers';
import { kioskSession } from './kiosk-session';

/**
 * Serves the built admin web, door kiosk and mobile app's web build (clients/<name>/dist), each
 * on a port of its own, and forwards their API calls (/v1, /.well-known) to the gateway, so that
 * the browser talks to one origin. The gateway must trust this server's address (its TRUST_PROXY) to see each
 * browser's address rather than this server's. `npm start` runs it next to the gateway; the browser tests run it the same way.
 * Every answer carries the security headers (a CSP without inline scripts, no framing, nosniff,
 * no referrer; HSTS over TLS, which a TLS proxy on this host reports with X-Forwarded-Proto).
 * The kiosk's server also keeps the kiosk's device secret out of the page's reach (ADR 017).
 *
 *   ROOMKEY_GATEWAY_URL   the gateway (default http://127.0.0.1:3000)
 *   ROOMKEY_ADMIN_PORT    the admin web (default 3100)
 *   ROOMKEY_KIOSK_PORT    the kiosk (default 3101)
 *   ROOMKEY_MOBILE_PORT   the mobile app's web build (default 3102)
 *   ROOMKEY_CLIENTS_HOST  the address they listen on (default 127.0.0.1; 0.0.0.0 in the web image)
 *
 * `GET /health/live` answers 200 on each, for a container's health check.
 */
const ROOT = path.resolve(__dirname, '..');
const CLIENTS = ['admin', 'kiosk', 'mobile'] as const;
export type ClientName = (typeof CLIENTS)[number];
const DEFAULT_PORTS: Record<ClientName, number> = { admin: 3100, kiosk: 3101, mobile: 3102 };
/**
 * The kiosk and the mobile app compile their QR readers from WebAssembly (ZXing), which CSP must
 * allow. The mobile app's camera preview is a media stream, a photo (sent, or shown as a
 * thumbnail) may be a blob: URL, and react-native-web styles its views with style attributes
 * and a style sheet it writes, which only 'unsafe-inline' for styles allows (scripts stay
 * 'self').
 */
const CSP = {
  admin: pageCsp(),
  kiosk: pageCsp({ scriptSrc: ["'wasm-unsafe-eval'"] }),
  mobile: pageCsp({
    scriptSrc: ["'wasm-unsafe-eval'"],
    styleSrc: ["'unsafe-inline'"],
    imgSrc: ['blob:'],
    mediaSrc: ["'self'", 'blob:'],
    connectSrc: ['blob:'],
  }),
} satisfies Record<ClientName, unknown>;
/** Where a client is served: ROOMKEY_<NAME>_PORT, else its default. */
export const clientPort = (name: ClientName): number =>
  Number(process.env[`ROOMKEY_${name.toUpperCase()}_PORT`] ?? DEFAULT_PORTS[name]);

const distOf = (name: ClientName) => path.join(ROOT, 'clients', name, 'dist');
export const isBuilt = (name: ClientName): boolean =>
  existsSync(path.join(distOf(name), 'index.html'));

async function serveClient(name: ClientName, port: number, host: string, gateway: string) {
  const dist = distOf(name);
  if (!isBuilt(name)) {
    throw new Error(`clients/${name} is not built: npm run clients:build`);
  }
  // http-proxy-middleware is an ES module only.
  const { createProxyMiddleware } = await import('http-proxy-middleware');
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  for (const handler of securityHeaders(CSP[name])) app.use(handler);
  app.get('/health/live', (_req, res) => res.json({ status: 'ok' }));
  if (name === 'kiosk') app.use(kioskSession(gateway));
  app.use(
    createProxyMiddleware({
      target: gateway,
      changeOrigin: false,
      pathFilter: ['/v1', '/.well-known'],
      // The gateway, which trusts this server (its TRUST_PROXY), sees the browser's address:
      // X-Forwarded-For is set to the peer, never passed on from the browser, so a browser
      // cannot name an address of its choosing.
      on: {
        proxyReq: (proxyReq, req) => {
          proxyReq.setHeader('x-forwarded-for', req.socket.remoteAddress ?? '');
        },
      },
    }),
  );
  // Hashed assets are cached; the page itself is asked for again, so a new build shows at once.
  app.use(
    express.static(dist, {
      index: 'index.html',
      maxAge: '1h',
      setHeaders: (res, file) => {
        if (file.endsWith('.html')) res.setHeader('cache-control', 'no-cache');
      },
    }),
  );
  // Client-side routes: every other GET is the app's page.
  app.get(/.*/, (_req, res) =>
    res.setHeader('cache-control', 'no-cache').sendFile(path.join(dist, 'index.html')),
  );
  return new Promise<Server>((resolve, reject) => {
    const server = app.listen(port, host, () => resolve(server)).on('error', reject);
  });
}

async function main(): Promise<void> {
  const gateway = process.env.ROOMKEY_GATEWAY_URL ?? 'http://127.0.0.1:3000';
  const host = process.env.ROOMKEY_CLIENTS_HOST || '127.0.0.1';
  const servers: Server[] = [];
  for (const name of CLIENTS) {
    // The mobile app's web build is optional: the container image serves the two web clients.
    if (name === 'mobile' && !isBuilt(name)) {
      console.log('mobile not built (npm run mobile:export builds its web version)');
      continue;
    }
    servers.push(await serveClient(name, clientPort(name), host, gateway));
    console.log(`${name} http://${host}:${clientPort(name)}`);
  }
  // A container's stop: no new connections, those open end, then the process.
  const stop = () => {
    for (const server of servers) {
      server.close();
      server.closeIdleConnections();
    }
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (require.main === module) {
  main().catch((err: Error) => {
    console.error(`serving the clients failed: ${err.message}`);
    process.exit(1);
  });
}
