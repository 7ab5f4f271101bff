/**
 * The dashboard's build (src/web → dist/web) and its dev server, which proxies /api to the API
 * started by `npm run dev` (EDUZEN_API_URL, default http://127.0.0.1:3000).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: path.join(root, 'src/web'),
  base: '/',
  plugins: [react()],
  build: {
    outDir: path.join(root, 'dist/web'),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
  server: {
    port: Number(process.env.EDUZEN_WEB_PORT ?? 5173),
    proxy: { '/api': { target: process.env.EDUZEN_API_URL ?? 'http://127.0.0.1:3000', changeOrigin: false } },
  },
});
