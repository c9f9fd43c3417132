// electron-builder afterPack hook (electron-builder.yml): gives the packaged app an ssh2 crypto
// binding built for its Electron, or none at all, never the one npm built for Node.
//
// Why a hook: npmRebuild (@electron/rebuild) only rebuilds packages with a binding.gyp at their
// root, such as cpu-features. ssh2 keeps its optional binding in lib/protocol/crypto/, so it is
// skipped and the Node build would be packed: Electron refuses to load it (another
// NODE_MODULE_VERSION) and ssh2 silently falls back to its ~40% slower JavaScript crypto.
//
// For each platform and arch this hook
//  1. builds the binding with node-gyp against Electron's headers, in a scratch copy (the
//     project's node_modules keep the Node build that the CLI and the tests load);
//  2. puts it into app.asar.unpacked in place of the Node build;
//  3. where this machine can run the packaged app, runs it as Node through real SSH sessions with
//     the binding (build/ssh2-crypto-smoke.mjs): Electron links BoringSSL, not OpenSSL, and a
//     binding that compiles can still lack a symbol at run time and kill the app on its first
//     connection (mscdex/ssh2#1182);
//  4. when a step fails, removes the binding from the package and warns: the app then runs on
//     ssh2's JavaScript crypto and says so at startup (electron/engine/crypto-binding.ts).
// Packaging never fails because of this binding: ssh2 treats it as optional, and so do we.
import { execFile } from 'node:child_process';
import { access, copyFile, cp, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const require = createRequire(import.meta.url);
const run = promisify(execFile);

/** ssh2's binding sources and its built file, relative to the app folder. */
export const BINDING_SOURCE_DIR = join('node_modules', 'ssh2', 'lib', 'protocol', 'crypto');
export const BINDING_FILE = join(BINDING_SOURCE_DIR, 'build', 'Release', 'sshcrypto.node');
const ELECTRON_HEADERS_URL = 'https://electronjs.org/headers';
const SMOKE_SCRIPT = join(import.meta.dirname, 'ssh2-crypto-smoke.mjs');

/** electron-builder's logger when it is there (always, inside a build), else the console. */
function logger() {
  try {
    const { log } = require('builder-util');
    return {
      info: (message, fields = {}) => log.info(fields, message),
      warn: (message, fields = {}) => log.warn(fields, message),
    };
  } catch {
    return { info: console.log, warn: console.warn };
  }
}

function archName(arch) {
  if (typeof arch === 'string') return arch;
  return require('builder-util').Arch[arch];
}

/** Where the packaged app keeps app.asar, and the binary that runs it, per platform. */
export function packagedLayout({ appOutDir, electronPlatformName, productFilename, executable }) {
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') {
    const contents = join(appOutDir, `${productFilename}.app`, 'Contents');
    return {
      resourcesDir: join(contents, 'Resources'),
      executable: join(contents, 'MacOS', productFilename),
    };
  }
  return {
    resourcesDir: join(appOutDir, 'resources'),
    executable: join(
      appOutDir,
      electronPlatformName === 'win32' ? `${productFilename}.exe` : executable,
    ),
  };
}

async function exists(path) {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** The line of a tool's output that says what went wrong. */
function failureLine(error) {
  const text = `${error?.stderr || ''}`.trim() || String(error?.message ?? error);
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return (
    lines.find((line) => /ERR! stack Error:|error:/i.test(line)) ??
    lines.find((line) => /ERR!|error/i.test(line)) ??
    lines[0] ??
    text
  );
}

/**
 * npm hands its settings to scripts as npm_config_* variables, and node-gyp obeys them: an npmrc
 * `nodedir` (common on offline machines) would build against Node's headers instead of
 * Electron's. Only the flags given here decide what is built.
 */
function withoutNodeGypSettings(env) {
  const decisive = /^npm_config_(nodedir|target|target_arch|arch|runtime|dist_?url|devdir)$/i;
  return Object.fromEntries(Object.entries(env).filter(([key]) => !decisive.test(key)));
}

/**
 * Builds sshcrypto.node for Electron in a scratch folder and copies it to `destination`. Flags as
 * ssh2's own install script passes them, except the OpenSSL API level: Electron links BoringSSL,
 * which offers OpenSSL 1.1's API and not 3.0's (EVP_MAC and friends), hence real_openssl_major=1.
 */
export async function buildBindingForElectron({ appDir, electronVersion, arch, destination }) {
  const scratch = await mkdtemp(join(tmpdir(), `burrow-sshcrypto-${arch}-`));
  try {
    const source = join(appDir, BINDING_SOURCE_DIR);
    await cp(join(source, 'binding.gyp'), join(scratch, 'binding.gyp'));
    await cp(join(source, 'src'), join(scratch, 'src'), { recursive: true });
    const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js', { paths: [appDir] });
    await run(
      process.execPath,
      [
        nodeGyp,
        'rebuild',
        '--runtime=electron',
        `--target=${electronVersion}`,
        `--arch=${arch}`,
        `--dist-url=${ELECTRON_HEADERS_URL}`,
        `--devdir=${join(homedir(), '.electron-gyp')}`,
        '--real_openssl_major=1',
      ],
      {
        cwd: scratch,
        env: {
          ...withoutNodeGypSettings(process.env),
          // binding.gyp finds nan's headers with `node -e "require('nan')"`, run in this folder.
          NODE_PATH: join(appDir, 'node_modules'),
        },
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    await copyFile(join(scratch, 'build', 'Release', 'sshcrypto.node'), destination);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Runs the packaged app as Node: first whether it runs here at all, then the SSH smoke test. */
async function smokeTest(executable, resourcesDir) {
  const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
  try {
    await run(executable, ['-e', 'process.exit(0)'], { env, timeout: 60_000 });
  } catch (error) {
    return { ran: false, reason: failureLine(error) };
  }
  try {
    await run(executable, [SMOKE_SCRIPT, join(resourcesDir, 'app.asar')], {
      env,
      timeout: 60_000,
    });
    return { ran: true, ok: true };
  } catch (error) {
    const report = `${error?.stdout || ''}`.trim();
    let reason = failureLine(error);
    try {
      reason = JSON.parse(report).reason ?? reason;
    } catch {
      // Not our JSON line: the process died (a missing symbol, a crash); keep what it printed.
    }
    return { ran: true, ok: false, reason };
  }
}

export async function afterPack(context) {
  const log = logger();
  const { packager, electronPlatformName } = context;
  const arch = archName(context.arch);
  const electronVersion = packager.info.framework.version;
  const { resourcesDir, executable } = packagedLayout({
    appOutDir: context.appOutDir,
    electronPlatformName,
    productFilename: packager.appInfo.productFilename,
    executable: packager.executableName,
  });
  const packed = join(resourcesDir, 'app.asar.unpacked', BINDING_FILE);
  const fields = { platform: electronPlatformName, arch, electron: electronVersion };

  if (!(await exists(packed))) {
    log.warn(
      'ssh2 crypto binding: not in the package (npm did not build it); ssh2 uses JS',
      fields,
    );
    return;
  }
  const dropBinding = async (why) => {
    await rm(packed, { force: true });
    log.warn(
      `ssh2 crypto binding: ${why}; left out, the app uses ssh2's JavaScript crypto`,
      fields,
    );
  };
  if (packager.config.npmRebuild === false) {
    await dropBinding('not rebuilt for Electron (npmRebuild is false)');
    return;
  }
  if (arch === 'universal') {
    // Made by merging the x64 and arm64 apps, each of which this hook has already handled.
    return;
  }
  const targetPlatform = electronPlatformName === 'mas' ? 'darwin' : electronPlatformName;
  if (targetPlatform !== process.platform) {
    // node-gyp does not cross-compile between operating systems.
    await dropBinding(`cannot be built for ${electronPlatformName} on ${process.platform}`);
    return;
  }

  try {
    const appDir = packager.info.appDir;
    await buildBindingForElectron({ appDir, electronVersion, arch, destination: packed });
  } catch (error) {
    await dropBinding(`build for Electron failed (${failureLine(error)})`);
    return;
  }

  if (arch !== process.arch) {
    log.warn("ssh2 crypto binding: built for Electron, untested (not this machine's arch)", fields);
    return;
  }
  const result = await smokeTest(executable, resourcesDir);
  if (!result.ran) {
    log.warn(
      `ssh2 crypto binding: built, untested (the app does not run here: ${result.reason})`,
      fields,
    );
  } else if (!result.ok) {
    await dropBinding(`failed its SSH smoke test in Electron (${result.reason})`);
  } else {
    log.info('ssh2 crypto binding: built for Electron and passed its SSH smoke test', fields);
  }
}
