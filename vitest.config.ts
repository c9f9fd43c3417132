import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const ci = Boolean(process.env.CI);

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    // Real sshd, real sockets and real Chromium: give slow shared machines room, but never hang.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: ci ? ['default', 'json'] : ['default'],
    outputFile: ci ? { json: 'test-artifacts/vitest-results.json' } : undefined,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['shared/**/*.test.ts', 'electron/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['test/renderer/**'],
          environment: 'node',
        },
      },
      {
        extends: true,
        plugins: [react()],
        test: {
          name: 'renderer',
          include: ['renderer/**/*.test.{ts,tsx}', 'test/renderer/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          setupFiles: ['test/renderer/setup.ts'],
        },
      },
    ],
  },
});
