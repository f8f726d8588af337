// Builds the operators' web app into dist/ (served by `hotline serve`).
// `npm run dev` proxies the API to a running node (HOTLINE_API, default
// alpha of `make demo`).
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: false,
    // No inline script may be emitted: the node's CSP forbids it.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  server: {
    proxy: {
      '/v1': { target: process.env.HOTLINE_API ?? 'https://127.0.0.1:8441', secure: false },
    },
  },
});
