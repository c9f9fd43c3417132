import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Builds the CLI bundle once before any test file runs, so the tests that spawn `bin/burrow`
 * test today's code and never race each other writing dist/.
 */
export default function buildCliOnce(): void {
  execFileSync(process.execPath, [join(import.meta.dirname, '..', 'scripts', 'build-cli.mjs')], {
    stdio: 'inherit',
  });
}
