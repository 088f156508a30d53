import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { kioskSession } from '../../scripts/kiosk-session';

/**
 * `npm run dev -w @roomkey/kiosk`: the API goes to the gateway (ROOMKEY_GATEWAY_URL), and the
 * device secret is kept as the kiosk's server keeps it.
 */
const gateway = process.env.ROOMKEY_GATEWAY_URL ?? 'http://127.0.0.1:3000';

const session: Plugin = {
  name: 'roomkey-kiosk-session',
  configureServer: (server) => void server.middlewares.use(kioskSession(gateway)),
};

export default defineConfig({
  plugins: [react(), session],
  server: { port: 5174, proxy: { '/v1': gateway } },
  build: { outDir: 'dist', emptyOutDir: true },
  test: { environment: 'node' },
});
