import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';
import type { UserConfig } from 'vite';

/** The renderer's folder: the Vite root for the app window and for `npm run dev:web`. */
export const rendererRoot = resolve(import.meta.dirname, 'renderer');

/**
 * What every build of the renderer shares (the Electron window via electron-vite, and the web
 * development mode): React with its JSX transform, rooted at renderer/.
 */
export function rendererConfig(): UserConfig {
  return {
    root: rendererRoot,
    plugins: [react()],
  };
}
