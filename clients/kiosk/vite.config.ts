import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

/** `npm run dev -w @roomkey/kiosk`: the API goes to the gateway (ROOMKEY_GATEWAY_URL). */
const gateway = process.env.ROOMKEY_GATEWAY_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [react()],
  server: { port: 5174, proxy: { '/v1': gateway } },
  build: { outDir: 'dist', emptyOutDir: true },
  test: { environment: 'node' },
});
