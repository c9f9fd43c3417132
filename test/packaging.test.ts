import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packagedLayout } from '../build/native-crypto.mjs';
import { APP_NAME } from '../electron/store/store-path';
import {
  bareImports,
  CHECKS,
  checkPackageFiles,
  formatReport,
  readAppName,
  runChecks,
  RECEIVE_PATH_BINDING,
  SOCKET_TUNING_BINDING,
  SSH2_BINDING,
  type PackageFacts,
  type PackCheckReport,
} from '../scripts/check-package-files.mjs';

const root = join(import.meta.dirname, '..');
const run = promisify(execFile);

/**
 * `npm run pack-check` as a test: electron-builder packs a snapshot of the project with this
 * project's electron-builder.yml and a stand-in Electron (about 10 s), and every check must pass.
 * Then the same checks are fed broken variants of the packed app, to show each one catches what it
 * is there for. What this cannot check (a real Electron, the ABI rebuild, installers) is printed
 * by the script and listed in its NOT_CHECKED.
 */
describe('the packaged app (pack-check)', () => {
  let report: PackCheckReport;

  beforeAll(async () => {
    report = await checkPackageFiles({ quiet: true, keep: true });
  }, 180_000);

  afterAll(() => {
    if (report) rmSync(report.work, { recursive: true, force: true });
  });

  it.each(CHECKS.map((check) => check.name))('%s', (name) => {
    const result = report.results.find((it) => it.name === name)!;
    expect(result.problems, formatReport(report)).toEqual([]);
  });

  it('says what it does not check', () => {
    expect(formatReport(report)).toMatch(/Not checked here:[\s\S]*stand-in[\s\S]*ABI/);
  });

  describe('catches', () => {
    const failing = (facts: PackageFacts) =>
      Object.fromEntries(
        runChecks(facts)
          .filter((result) => !result.ok)
          .map((result) => [result.name, result.problems]),
      );
    const withFacts = (change: (facts: PackageFacts) => Partial<PackageFacts>) => ({
      ...report.facts,
      ...change(report.facts),
    });

    it('sources, tests and tools packed into app.asar', () => {
      const problems = failing(
        withFacts((facts) => ({
          asarFiles: [...facts.asarFiles, 'electron/main/index.ts', 'test/cli.e2e.test.ts'],
        })),
      );
      expect(Object.values(problems).flat().join('\n')).toMatch(/electron is packed/);
      expect(Object.values(problems).flat().join('\n')).toMatch(/test is packed/);
    });

    it('a development tool among the node_modules', () => {
      const problems = failing(
        withFacts((facts) => ({
          asarFiles: [...facts.asarFiles, 'node_modules/vitest/package.json'],
          readAsarJson: (path: string) =>
            path === 'node_modules/vitest/package.json' ? {} : facts.readAsarJson(path),
        })),
      );
      expect(Object.values(problems).flat()).toContain('vitest (a development tool) is packed');
    });

    it('a dependency the main bundle needs but the package lacks', () => {
      const problems = failing(
        withFacts((facts) => ({
          asarFiles: facts.asarFiles.filter((path) => !path.startsWith('node_modules/zod/')),
        })),
      );
      const all = Object.values(problems).flat().join('\n');
      expect(all).toMatch(/imports zod, but zod is not packed/);
      expect(all).toMatch(/zod is a dependency but is not packed/);
    });

    it("ssh2's binding left inside app.asar", () => {
      const problems = failing(
        withFacts((facts) => ({
          unpackedInHeader: facts.unpackedInHeader.filter((path) => path !== SSH2_BINDING),
          unpackedFiles: facts.unpackedFiles.filter((path) => path !== SSH2_BINDING),
        })),
      );
      expect(Object.values(problems).flat().join('\n')).toMatch(/sshcrypto\.node/);
    });

    it.each([
      { binding: SOCKET_TUNING_BINDING, file: 'socket_tuning.node' },
      { binding: RECEIVE_PATH_BINDING, file: 'receive_path.node' },
    ])("Burrow's $file left inside app.asar", ({ binding, file }) => {
      const problems = failing(
        withFacts((facts) => ({
          unpackedInHeader: facts.unpackedInHeader.filter((path) => path !== binding),
          unpackedFiles: facts.unpackedFiles.filter((path) => path !== binding),
        })),
      );
      expect(Object.values(problems).flat().join('\n')).toContain(
        `${file} is not in app.asar.unpacked`,
      );
    });

    it('a tray icon missing from resources/, and a productName that is not the store folder', () => {
      const problems = failing(
        withFacts((facts) => ({
          resourceFiles: facts.resourceFiles.filter(
            (path) => path !== 'assets/tray/tray-reconnectingTemplate@2x.png',
          ),
          config: { ...facts.config, productName: 'Burrow Tunnels' },
        })),
      );
      const all = Object.values(problems).flat().join('\n');
      expect(all).toMatch(/tray-reconnectingTemplate@2x\.png is not in resources/);
      expect(all).toMatch(/productName is Burrow Tunnels, the store folder is Burrow/);
    });
  });
});

describe('pack-check helpers', () => {
  it('reads the bare imports of a bundle', () => {
    const bundle = [
      'import { a } from "conf";',
      "import b from 'ssh2/lib/protocol/constants.js';",
      'import "side-effect";',
      'const c = await import("lazy");',
      'const d = require("@scope/pkg/sub");',
      'import { e } from "./local.js";',
      'import { f } from "node:fs";',
    ].join('\n');
    expect(bareImports(bundle)).toEqual([
      '@scope/pkg/sub',
      'conf',
      'lazy',
      'side-effect',
      'ssh2/lib/protocol/constants.js',
    ]);
  });

  it('reads APP_NAME as the store declares it', () => {
    expect(readAppName(root)).toBe(APP_NAME);
  });
});

describe('the afterPack hook (build/native-crypto.mjs)', () => {
  it('finds app.asar and the app binary on each platform', () => {
    const common = { appOutDir: '/o', productFilename: 'Burrow', executable: 'burrow' };
    expect(packagedLayout({ ...common, electronPlatformName: 'linux' })).toEqual({
      resourcesDir: join('/o', 'resources'),
      executable: join('/o', 'burrow'),
    });
    expect(packagedLayout({ ...common, electronPlatformName: 'win32' })).toEqual({
      resourcesDir: join('/o', 'resources'),
      executable: join('/o', 'Burrow.exe'),
    });
    expect(packagedLayout({ ...common, electronPlatformName: 'darwin' })).toEqual({
      resourcesDir: join('/o', 'Burrow.app', 'Contents', 'Resources'),
      executable: join('/o', 'Burrow.app', 'Contents', 'MacOS', 'Burrow'),
    });
  });

  it('has a smoke test that passes where ssh2 loaded its binding, and says why where not', async () => {
    const { bindingAvailable } = createRequire(import.meta.url)('ssh2/lib/protocol/crypto.js') as {
      bindingAvailable: boolean;
    };
    const smoke = join(root, 'build', 'ssh2-crypto-smoke.mjs');
    const outcome = await run(process.execPath, [smoke, root]).then(
      ({ stdout }) => JSON.parse(stdout) as { ok: boolean; reason?: string },
      (error: { stdout: string }) => JSON.parse(error.stdout) as { ok: boolean; reason?: string },
    );
    if (bindingAvailable) expect(outcome).toEqual({ ok: true, ciphers: expect.any(Array) });
    else expect(outcome).toEqual({ ok: false, reason: expect.stringMatching(/binding/) });
  }, 60_000);
});
