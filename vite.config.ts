// Vite builds the client (client/) into dist/client; in dev it proxies the API to the server.
// Two pages: the console (index.html) and the bare deck.gl page the render bench compares
// against (bench/bare.html: the same points, no app around them).
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const api = 'http://127.0.0.1:3000';

export default defineConfig({
  root: 'client',
  plugins: [react()],
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    chunkSizeWarningLimit: 3000,
    rollupOptions: { input: { main: resolve(import.meta.dirname, 'client/index.html'), bare: resolve(import.meta.dirname, 'client/bench/bare.html') } },
  },
  server: {
    proxy: { '/trpc': api, '/api': api, '/healthz': api },
  },
});
