import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import type { Connect, Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * `npm run dev -w @roomkey/kiosk`: the API goes to the gateway (ROOMKEY_GATEWAY_URL), and the
 * device secret is kept as the kiosk's server keeps it.
 */
const gateway = process.env.ROOMKEY_GATEWAY_URL ?? 'http://127.0.0.1:3000';

/** The kiosk server's session routes (scripts/kiosk-session.ts), loaded when first asked for. */
const session: Plugin = {
  name: 'roomkey-kiosk-session',
  configureServer(server) {
    let routes: Promise<Connect.NextHandleFunction> | undefined;
    server.middlewares.use((req, res, next) => {
      if (!req.url?.startsWith('/kiosk/')) return next();
      routes ??= server
        .ssrLoadModule(fileURLToPath(new URL('../../scripts/kiosk-session.ts', import.meta.url)))
        .then((m) => (m as typeof import('../../scripts/kiosk-session')).kioskSession(gateway));
      routes.then((handle) => handle(req, res, next), next);
    });
  },
};

export default defineConfig({
  plugins: [react(), session],
  server: { port: 5174, proxy: { '/v1': gateway } },
  build: { outDir: 'dist', emptyOutDir: true },
  test: { environment: 'node' },
});
