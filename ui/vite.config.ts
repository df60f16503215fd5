import { svelte } from '@sveltejs/vite-plugin-svelte';
import { loadEnv } from 'vite';
import { defineConfig } from 'vitest/config';

// The app runs offline: everything it needs is bundled into dist/, with
// relative paths so the Tauri shell and the browser-mode server can both
// serve it from any root.
export default defineConfig(({ mode }) => {
  // During development the page comes from Vite and the device API from the
  // browser-mode server: CARNET_API names it (e.g. http://127.0.0.1:7171).
  const api = loadEnv(mode, '.', 'CARNET_').CARNET_API;
  return {
    base: './',
    plugins: [svelte()],
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      target: 'es2022',
    },
    server: {
      host: '127.0.0.1',
      proxy: api ? { '/api': api } : undefined,
    },
    test: {
      include: ['src/**/*.test.ts'],
      environment: 'node',
    },
  };
});
