import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { rendererConfig } from './renderer.vite';

/**
 * Builds the three parts of the app into out/: main (ES module, dependencies left in
 * node_modules, where ssh2's native module lives), preload (one self-contained CommonJS file, as
 * a sandboxed preload must be) and the renderer (static files, served by Vite in development).
 */
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: { input: { index: resolve(import.meta.dirname, 'electron/main/index.ts') } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    ...rendererConfig(),
    build: {
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      // electron-vite leaves code unminified; the window parses this bundle at every start.
      minify: true,
      rollupOptions: { input: { index: resolve(import.meta.dirname, 'renderer/index.html') } },
    },
  },
});
