// `npm run pack-check`: what the packaged app contains, checked offline.
//
// Real packaging downloads Electron, so this runs electron-builder itself, with this project's
// electron-builder.yml, on a snapshot of the project in a temporary folder: it builds the app there
// (electron-vite), then packs it for Linux as an unpacked folder (`dir` target) with a stand-in
// Electron binary (`electronDist`), no native rebuild (`npmRebuild: false`) and no afterPack hook
// or fuses (both need the real binary). Everything else is electron-builder's own work: loading
// and validating the config, matching `files`, collecting the production node_modules, writing
// app.asar, unpacking `asarUnpack`, copying `extraResources`. The checks then read the result.
//
// What is checked, and what is not, is listed in CHECKS and NOT_CHECKED below; the report prints
// both. The project folder itself is only read.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

export const TRAY_STATES = ['idle', 'up', 'reconnecting', 'error'];
export const SSH2_BINDING = 'node_modules/ssh2/lib/protocol/crypto/build/Release/sshcrypto.node';
/** Burrow's own binding (native/socket-tuning, a file: dependency npm links into node_modules). */
export const SOCKET_TUNING_BINDING =
  'node_modules/@burrow/socket-tuning/build/Release/socket_tuning.node';
/** Burrow's native receive path (native/receive-path, linked the same way). */
export const RECEIVE_PATH_BINDING =
  'node_modules/@burrow/receive-path/build/Release/receive_path.node';
/** Tools that must never ride along into the app, whatever package.json says. */
const NEVER_PACKED = [
  'electron',
  'electron-builder',
  'electron-vite',
  'vite',
  'vitest',
  'typescript',
  'eslint',
  'prettier',
  'esbuild',
  'tsx',
];
/** The only top-level entries app.asar may have. */
const ASAR_TOP_LEVEL = ['out', 'node_modules', 'package.json'];
/** Left out of the snapshot: node_modules is linked to, out/ is rebuilt, the rest is output. */
const NOT_SNAPSHOT = new Set([
  'node_modules',
  '.git',
  'out',
  'release',
  'test-artifacts',
  'coverage',
]);

export const NOT_CHECKED = [
  'Electron itself: a stand-in binary is packed and nothing is started, so whether the packaged app launches is not known here.',
  "The rebuild for Electron's ABI: npmRebuild is off and the afterPack hook (build/native-crypto.mjs: ssh2's binding built for Electron and smoke-tested inside it) does not run, so the packed .node files are the Node builds from node_modules.",
  'The installers (AppImage, deb, dmg, zip, NSIS), code signing, notarization and Electron fuses.',
  'The macOS and Windows app layouts: only Linux is packed here (a check above shows that no platform changes the file rules).',
];

// ---------------------------------------------------------------------------------------------
// Packing

function copySnapshot(projectDir, stageDir) {
  for (const entry of readdirSync(projectDir)) {
    if (NOT_SNAPSHOT.has(entry)) continue;
    cpSync(join(projectDir, entry), join(stageDir, entry), {
      recursive: true,
      filter: (source) => !relative(projectDir, source).startsWith(join('bench', 'results')),
    });
  }
  symlinkSync(join(projectDir, 'node_modules'), join(stageDir, 'node_modules'), 'dir');
}

/** What electron-builder copies in place of Electron's zip: a folder shaped like Linux Electron. */
function makeStandInElectron(dir) {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  writeFileSync(join(dir, 'resources', '.stand-in'), '');
  writeFileSync(join(dir, 'electron'), '#!/bin/sh\necho "stand-in Electron for pack-check" >&2\n');
  chmodSync(join(dir, 'electron'), 0o755);
  for (const file of ['LICENSE', 'LICENSES.chromium.html', 'version']) {
    writeFileSync(join(dir, file), '');
  }
}

/**
 * Builds and packs a snapshot of the project. Returns the snapshot folder (the project as packed)
 * and the unpacked Linux app electron-builder made from it.
 */
export async function packSnapshot({ projectDir = projectRoot, quiet = false } = {}) {
  const work = mkdtempSync(join(tmpdir(), 'burrow-pack-check-'));
  try {
    return await packInto(work, { projectDir, quiet });
  } catch (error) {
    rmSync(work, { recursive: true, force: true });
    throw error;
  }
}

async function packInto(work, { projectDir, quiet }) {
  const stageDir = join(work, 'project');
  const electronDist = join(work, 'electron');
  mkdirSync(stageDir);
  copySnapshot(projectDir, stageDir);
  makeStandInElectron(electronDist);

  const requireFromProject = createRequire(join(stageDir, 'package.json'));
  execFileSync(
    process.execPath,
    [join(stageDir, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
    {
      cwd: stageDir,
      stdio: quiet ? 'pipe' : 'inherit',
    },
  );

  // electron-builder's log goes to the report only when packing fails (or with --verbose).
  const builderLog = [];
  const { log } = requireFromProject('builder-util');
  const stream = log.stream;
  if (quiet) log.stream = { write: (text) => builderLog.push(text) };
  const { build, Platform, Arch } = requireFromProject('electron-builder');
  let config;
  try {
    await build({
      projectDir: stageDir,
      targets: Platform.LINUX.createTarget('dir', Arch.x64),
      config: { electronDist, npmRebuild: false, afterPack: null, electronFuses: null },
    });
    // The project's own config, as electron-builder loads it, for the checks that read it.
    config = JSON.parse(
      JSON.stringify(
        await requireFromProject('app-builder-lib/out/util/config/config.js').getConfig(stageDir),
      ),
    );
  } catch (error) {
    if (builderLog.length) error.message += `\nelectron-builder said:\n${builderLog.join('')}`;
    throw error;
  } finally {
    log.stream = stream;
  }
  const output = join(stageDir, config.directories?.output ?? 'dist');
  return { work, stageDir, appOutDir: join(output, 'linux-unpacked'), config };
}

function walk(dir, base = dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? walk(path, base) : [relative(base, path).split(sep).join('/')];
  });
}

/** The packaged app as lists of paths: inside app.asar, in app.asar.unpacked, in resources/. */
export function readPackagedApp(appOutDir, { requireFrom = projectRoot } = {}) {
  const asar = createRequire(join(requireFrom, 'package.json'))('@electron/asar');
  const resources = join(appOutDir, 'resources');
  const archive = join(resources, 'app.asar');
  const asarFiles = asar
    .listPackage(archive, { isPack: false })
    .map((path) => path.split(sep).join('/').replace(/^\//, ''))
    .filter((path) => {
      try {
        return !('files' in asar.statFile(archive, path));
      } catch {
        return false;
      }
    });
  const unpackedInHeader = asarFiles.filter((path) => asar.statFile(archive, path).unpacked);
  return {
    asarFiles,
    unpackedInHeader,
    unpackedFiles: walk(join(resources, 'app.asar.unpacked')),
    resourceFiles: walk(resources).filter((path) => !path.startsWith('app.asar')),
    readAsarJson: (path) => JSON.parse(asar.extractFile(archive, path).toString('utf8')),
  };
}

// ---------------------------------------------------------------------------------------------
// Checks: each takes the facts and returns problems (an empty list passes).

/** Bare package imports of a bundle: `from "x"`, `import("x")`, `require("x")`. */
export function bareImports(source) {
  const specifiers = new Set();
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)(["'])([^"'\n]+)\1/g;
  for (const match of source.matchAll(pattern)) {
    const specifier = match[2];
    if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) {
      continue;
    }
    specifiers.add(specifier);
  }
  return [...specifiers].sort();
}

function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const BUILTINS = new Set(builtinModules);

/** Packages packed into app.asar (top level and nested), by name. */
function packedPackages(asarFiles) {
  const names = new Map();
  for (const path of asarFiles) {
    const match = /^((?:node_modules\/(?:@[^/]+\/)?[^/]+\/)+)package\.json$/.exec(path);
    if (!match) continue;
    const dir = match[1].slice(0, -1);
    const name = dir.slice(dir.lastIndexOf('node_modules/') + 'node_modules/'.length);
    names.set(dir, name);
  }
  return names;
}

/**
 * Every check, with the sentence the report prints. `facts`: { stageDir, config, packageJson,
 * appName, asarFiles, unpackedInHeader, unpackedFiles, resourceFiles, readAsarJson }.
 */
export const CHECKS = [
  {
    name: 'The built app is packed: every file electron-vite wrote to out/ (source maps aside)',
    run({ stageDir, asarFiles }) {
      const packed = new Set(asarFiles);
      const built = walk(join(stageDir, 'out')).map((path) => `out/${path}`);
      const problems = built
        .filter((path) => !path.endsWith('.map') && !packed.has(path))
        .map((path) => `${path} is not in app.asar`);
      for (const entry of [
        'out/main/index.js',
        'out/preload/index.cjs',
        'out/renderer/index.html',
      ]) {
        if (!packed.has(entry)) problems.push(`${entry} is not in app.asar`);
      }
      return problems;
    },
  },
  {
    name: 'The packed package.json starts the app: its main is packed, and it is an ES module',
    run({ asarFiles, readAsarJson }) {
      if (!asarFiles.includes('package.json')) return ['package.json is not in app.asar'];
      const packed = readAsarJson('package.json');
      const problems = [];
      if (!packed.main || !asarFiles.includes(packed.main.replace(/^\.\//, ''))) {
        problems.push(`main (${packed.main}) is not in app.asar`);
      }
      if (packed.type !== 'module')
        problems.push('type is not "module" (out/main/index.js is ESM)');
      return problems;
    },
  },
  {
    name: 'Every package the main bundle imports is packed (a devDependency would not be)',
    run({ stageDir, asarFiles }) {
      const packed = new Set(asarFiles);
      const bundle = readFileSync(join(stageDir, 'out/main/index.js'), 'utf8');
      const problems = [];
      for (const specifier of bareImports(bundle)) {
        const name = packageName(specifier);
        if (name === 'electron' || BUILTINS.has(name)) continue;
        if (!packed.has(`node_modules/${name}/package.json`)) {
          problems.push(`out/main/index.js imports ${specifier}, but ${name} is not packed`);
        } else if (specifier !== name && !packed.has(`node_modules/${specifier}`)) {
          problems.push(`out/main/index.js imports ${specifier}, which is not packed`);
        }
      }
      return problems;
    },
  },
  {
    name: 'The sandboxed preload needs nothing but electron',
    run({ stageDir }) {
      const bundle = readFileSync(join(stageDir, 'out/preload/index.cjs'), 'utf8');
      return bareImports(bundle)
        .filter((specifier) => specifier !== 'electron')
        .map((specifier) => `out/preload/index.cjs requires ${specifier}`);
    },
  },
  {
    name: 'Every dependency in package.json is packed',
    run({ packageJson, asarFiles }) {
      const packed = new Set(asarFiles);
      return Object.keys(packageJson.dependencies ?? {})
        .filter((name) => !packed.has(`node_modules/${name}/package.json`))
        .map((name) => `${name} is a dependency but is not packed`);
    },
  },
  {
    name: 'No devDependency is packed, unless a packed package depends on it',
    run({ packageJson, asarFiles, readAsarJson }) {
      const packages = packedPackages(asarFiles);
      const needed = new Set(Object.keys(packageJson.dependencies ?? {}));
      for (const dir of packages.keys()) {
        const manifest = readAsarJson(`${dir}/package.json`);
        for (const name of Object.keys({
          ...manifest.dependencies,
          ...manifest.optionalDependencies,
        })) {
          needed.add(name);
        }
      }
      const packedNames = new Set(packages.values());
      const problems = [];
      for (const name of new Set([
        ...Object.keys(packageJson.devDependencies ?? {}),
        ...NEVER_PACKED,
      ])) {
        if (!packedNames.has(name)) continue;
        if (NEVER_PACKED.includes(name) || !needed.has(name)) {
          problems.push(`${name} (a development tool) is packed`);
        }
      }
      return problems;
    },
  },
  {
    name: 'Sources, tests and tooling stay out: app.asar holds only out/, node_modules/ and package.json',
    run({ asarFiles }) {
      const problems = [];
      const topLevel = new Set(asarFiles.map((path) => path.split('/')[0]));
      for (const entry of topLevel) {
        if (!ASAR_TOP_LEVEL.includes(entry)) {
          const example = asarFiles.find((path) => path.split('/')[0] === entry);
          problems.push(`${entry} is packed (${example})`);
        }
      }
      const sources = asarFiles.filter(
        (path) => !path.startsWith('node_modules/') && /\.(ts|tsx|mts|cts|map)$/.test(path),
      );
      if (sources.length > 0) {
        const examples = sources.slice(0, 3).join(', ');
        problems.push(
          `${sources.length} TypeScript sources or source maps are packed (${examples}…)`,
        );
      }
      return problems;
    },
  },
  {
    name: "Native modules are unpacked, ssh2's crypto binding and Burrow's two bindings among them",
    run({ stageDir, asarFiles, unpackedInHeader, unpackedFiles }) {
      const problems = [];
      const unpacked = new Set(unpackedFiles);
      const header = new Set(unpackedInHeader);
      for (const path of asarFiles.filter((file) => file.endsWith('.node'))) {
        if (!header.has(path) || !unpacked.has(path)) {
          problems.push(`${path} is inside app.asar, where it cannot be loaded`);
        }
      }
      for (const binding of [SSH2_BINDING, SOCKET_TUNING_BINDING, RECEIVE_PATH_BINDING]) {
        if (!existsSync(join(stageDir, binding))) {
          problems.push(
            `${binding} was not built by npm on this machine, so its packing cannot be checked`,
          );
        } else if (!unpacked.has(binding)) {
          problems.push(`${binding} is not in app.asar.unpacked`);
        }
      }
      return problems;
    },
  },
  {
    name: 'Tray icons are real files at run time: <resources>/assets/tray/ for every state',
    run({ resourceFiles, asarFiles }) {
      const present = new Set(resourceFiles);
      const expected = ['assets/icon.png'];
      for (const state of TRAY_STATES) {
        for (const suffix of ['.png', '@2x.png', 'Template.png', 'Template@2x.png', '.ico']) {
          expected.push(`assets/tray/tray-${state}${suffix}`);
        }
      }
      const problems = expected
        .filter((path) => !present.has(path))
        .map((path) => `${path} is not in resources/`);
      for (const path of resourceFiles.filter((file) => file.startsWith('assets/tray/src/'))) {
        problems.push(`${path} (an icon source) is shipped`);
      }
      if (asarFiles.some((path) => path.startsWith('assets/'))) {
        problems.push('assets/ is also packed into app.asar');
      }
      return problems;
    },
  },
  {
    name: 'Every file the config names exists: icons, entitlements, hooks',
    run({ stageDir, config }) {
      const files = [
        config.mac?.icon,
        config.win?.icon,
        config.mac?.entitlements,
        config.mac?.entitlementsInherit,
        typeof config.afterPack === 'string' ? config.afterPack : undefined,
        'build/icon.png',
        'build/ssh2-crypto-smoke.mjs',
      ].filter(Boolean);
      const problems = files
        .filter((file) => !existsSync(join(stageDir, file)))
        .map((file) => `${file} does not exist`);
      const linuxIcons = config.linux?.icon;
      if (!linuxIcons || !existsSync(join(stageDir, linuxIcons))) {
        problems.push(`linux.icon (${linuxIcons}) does not exist`);
      } else if (statSync(join(stageDir, linuxIcons)).isDirectory()) {
        for (const size of [16, 32, 48, 64, 128, 256, 512]) {
          const icon = `${linuxIcons}/${size}x${size}.png`;
          if (!existsSync(join(stageDir, icon))) problems.push(`${icon} does not exist`);
        }
      }
      return problems;
    },
  },
  {
    name: 'productName is the store folder name (APP_NAME in electron/store/store-path.ts)',
    run({ config, appName }) {
      return config.productName === appName
        ? []
        : [`productName is ${config.productName}, the store folder is ${appName}`];
    },
  },
  {
    name: 'macOS and Windows pack the same files: no platform section overrides the file rules',
    run({ config }) {
      const problems = [];
      for (const platform of ['linux', 'mac', 'win', 'mas']) {
        for (const key of ['files', 'asarUnpack', 'extraResources', 'extraFiles', 'asar']) {
          if (config[platform]?.[key] !== undefined) problems.push(`${platform}.${key} is set`);
        }
      }
      return problems;
    },
  },
  {
    name: 'Targets: Linux AppImage and deb, macOS dmg and zip, Windows NSIS',
    run({ config }) {
      const names = (targets) =>
        [targets]
          .flat()
          .map((target) => (typeof target === 'string' ? target : target?.target))
          .filter(Boolean)
          .map((name) => name.toLowerCase());
      const problems = [];
      const wanted = { linux: ['appimage', 'deb'], mac: ['dmg', 'zip'], win: ['nsis'] };
      for (const [platform, targets] of Object.entries(wanted)) {
        const configured = names(config[platform]?.target);
        for (const target of targets) {
          if (!configured.includes(target)) problems.push(`${platform} has no ${target} target`);
        }
      }
      return problems;
    },
  },
];

/** APP_NAME as electron/store/store-path.ts declares it. */
export function readAppName(projectDir) {
  const source = readFileSync(join(projectDir, 'electron/store/store-path.ts'), 'utf8');
  const match = /export const APP_NAME = ['"]([^'"]+)['"]/.exec(source);
  if (!match) throw new Error('APP_NAME not found in electron/store/store-path.ts');
  return match[1];
}

export function runChecks(facts) {
  return CHECKS.map(({ name, run }) => {
    const problems = run(facts);
    return { name, ok: problems.length === 0, problems };
  });
}

/** Packs a snapshot and runs every check. Throws only when packing itself fails. */
export async function checkPackageFiles({
  projectDir = projectRoot,
  quiet = false,
  keep = false,
} = {}) {
  const packed = await packSnapshot({ projectDir, quiet });
  try {
    const facts = {
      stageDir: packed.stageDir,
      config: packed.config,
      packageJson: JSON.parse(readFileSync(join(packed.stageDir, 'package.json'), 'utf8')),
      appName: readAppName(packed.stageDir),
      ...readPackagedApp(packed.appOutDir, { requireFrom: projectDir }),
    };
    return { results: runChecks(facts), notChecked: NOT_CHECKED, work: packed.work, facts };
  } finally {
    if (!keep) rmSync(packed.work, { recursive: true, force: true });
  }
}

export function formatReport({ results, notChecked }) {
  const lines = [
    '',
    'pack-check: the packaged app, as electron-builder packs it (Linux, unpacked)',
  ];
  for (const { name, ok, problems } of results) {
    lines.push(`${ok ? '  ok  ' : '  FAIL'}  ${name}`);
    for (const problem of problems) lines.push(`          - ${problem}`);
  }
  lines.push('', 'Not checked here:');
  for (const item of notChecked) lines.push(`  - ${item}`);
  const failed = results.filter((result) => !result.ok).length;
  lines.push(
    '',
    failed ? `${failed} of ${results.length} checks failed` : `all ${results.length} checks passed`,
  );
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const keep = process.argv.includes('--keep');
  try {
    const report = await checkPackageFiles({ quiet: !process.argv.includes('--verbose'), keep });
    console.log(formatReport(report));
    if (keep) console.log(`\nThe snapshot and the packed app are in ${report.work}`);
    if (report.results.some((result) => !result.ok)) process.exitCode = 1;
  } catch (error) {
    console.error(`pack-check: packing failed: ${error.stack ?? error}`);
    process.exitCode = 1;
  }
}
