// The dashboard's build. Output goes to dist/, which the gateway's build embeds (src/OpenClaw.Gateway/ui.targets).
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
  plugins: [vue()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // No inline scripts or data: modules (the CSP has script-src 'self'); small assets stay files, not data URIs.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: false,
    // dist/.vite/manifest.json: scripts/size.mjs reads it to measure the initial load (not embedded in the gateway).
    manifest: true,
    target: 'es2022',
  },
  server: {
    // `npm run dev` against a local gateway: the API and WebSocket go to it.
    proxy: {
      '/ws': { target: 'ws://127.0.0.1:18789', ws: true },
      '/rpc': 'http://127.0.0.1:18789',
    },
  },
});
