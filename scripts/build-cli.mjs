// Bundles the CLI into one ES module that bin/burrow loads. Packages stay external so ssh2
// finds its native crypto binding in node_modules (bundled, it would fall back to slow JS crypto);
// an ES module because some of them (conf) are ESM-only, as the Electron main bundle is too.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { relative } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = fileURLToPath(new URL('../dist/cli', import.meta.url));
const outfile = fileURLToPath(new URL('../dist/cli/burrow.mjs', import.meta.url));
const started = performance.now();

try {
  await build({
    entryPoints: { burrow: fileURLToPath(new URL('../electron/cli/main.ts', import.meta.url)) },
    outdir,
    outExtension: { '.js': '.mjs' },
    // Code only some commands need (the writable store and its conf/ajv) goes into chunks that
    // load when used, so `burrow up --file` starts without them.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
} catch {
  // esbuild has already printed each error with its file and line.
  process.exitCode = 1;
}
if (!process.exitCode) {
  const ms = Math.round(performance.now() - started);
  console.log(`build-cli: ${relative(root, outfile)} in ${ms} ms`);
}
