// Vite builds the client (client/) into dist/client; in dev it proxies the API to the server.
// Three pages: the console (index.html) and two bare pages the benches compare against:
// bench/bare.html (the render bench: the same points in deck.gl, no app around them) and
// bench/bare-draw.html (the grid-redraw bench: the editor's cells in terra-draw on MapLibre).
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
    rollupOptions: { input: { main: resolve(import.meta.dirname, 'client/index.html'), bare: resolve(import.meta.dirname, 'client/bench/bare.html'), bareDraw: resolve(import.meta.dirname, 'client/bench/bare-draw.html') } },
  },
  server: {
    proxy: { '/trpc': api, '/api': api, '/healthz': api },
  },
});
