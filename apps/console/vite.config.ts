import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

// Built to static files the host serves at / on the management port.
export default defineConfig({
  plugins: [solid()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 600 },
  // `pnpm --filter @punktfunk/console dev` against a host on the default port.
  server: { proxy: { '/api': 'http://127.0.0.1:47990' } },
});
