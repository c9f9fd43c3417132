// Regenerates every icon image from its SVG source:
//   build/icon.svg        -> build/icon.png (1024), build/icons/NxN.png (Linux), build/icon.ico
//                            (Windows), build/icon.icns (macOS), assets/icon.png (window icon)
//   assets/tray/src/*.svg -> assets/tray/tray-<state>[@2x].png (Linux, Windows), tray-<state>.ico
//                            (Windows), tray-<state>Template[@2x].png (macOS menu bar)
// Run it by hand after changing a source (`node scripts/make-icons.mjs`) and commit what it writes:
// it needs rsvg-convert (Debian: librsvg2-bin) and ImageMagick's `convert`, which CI does not
// install. The .icns file is assembled here (PNG entries, as Apple's iconutil writes them), so no
// macOS tool is needed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const at = (...parts) => join(root, ...parts);

/** Tray states and the colour each has where the tray shows colour (Linux, Windows). */
const TRAY_STATES = {
  idle: '#8B929A',
  up: '#2FA84F',
  reconnecting: '#E59A0E',
  error: '#E0383E',
};

/** Linux icon sizes (build/icons/NxN.png); electron-builder installs them into hicolor. */
const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512];
const WINDOWS_APP_SIZES = [16, 20, 24, 32, 40, 48, 64, 128, 256];
/** Windows draws tray icons at 16 px times the display scale (100% to 300%). */
const WINDOWS_TRAY_SIZES = [16, 20, 24, 32, 40, 48];
/** At or below this size the app icon is drawn without the macOS grid's margin. */
const SMALL = 32;

function requireTool(command, args, hint) {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
  } catch {
    throw new Error(`${command} is needed to make the icons (${hint}).`);
  }
}

function render(svg, size) {
  return execFileSync('rsvg-convert', ['--width', String(size), '--height', String(size)], {
    input: svg,
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** The app icon's body alone: the rounded square filling the whole image. */
function fullBleed(svg) {
  const grid = 'viewBox="0 0 1024 1024"';
  if (!svg.includes(grid)) throw new Error(`build/icon.svg must keep ${grid}`);
  return svg.replace(grid, 'viewBox="100 100 824 824"');
}

function withColor(svg, color) {
  return svg.replace('<svg ', `<svg color="${color}" `);
}

/** Writes a multi-size .ico with ImageMagick (BMP entries up to 128 px, PNG at 256). */
function writeIco(file, images) {
  const dir = mkdtempSync(join(tmpdir(), 'burrow-ico-'));
  try {
    const pngs = images.map(({ size, png }) => {
      const path = join(dir, `${String(size).padStart(3, '0')}.png`);
      writeFileSync(path, png);
      return path;
    });
    execFileSync('convert', [...pngs, '-define', 'png:exclude-chunks=date,time', file]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** ICNS entry types holding PNG data, by pixel size (the @2x types repeat a size). */
const ICNS_TYPES = [
  ['icp4', 16],
  ['icp5', 32],
  ['ic11', 32],
  ['ic12', 64],
  ['ic07', 128],
  ['ic13', 256],
  ['ic08', 256],
  ['ic14', 512],
  ['ic09', 512],
  ['ic10', 1024],
];

function writeIcns(file, pngOfSize) {
  const entries = ICNS_TYPES.map(([type, size]) => {
    const png = pngOfSize(size);
    const header = Buffer.alloc(8);
    header.write(type, 0, 'latin1');
    header.writeUInt32BE(8 + png.length, 4);
    return Buffer.concat([header, png]);
  });
  const header = Buffer.alloc(8);
  header.write('icns', 0, 'latin1');
  header.writeUInt32BE(8 + entries.reduce((sum, entry) => sum + entry.length, 0), 4);
  writeFileSync(file, Buffer.concat([header, ...entries]));
}

function makeAppIcons() {
  const svg = readFileSync(at('build/icon.svg'), 'utf8');
  const small = fullBleed(svg);
  const cache = new Map();
  const png = (source, size) => {
    const key = `${source === svg ? 'grid' : 'body'}:${size}`;
    if (!cache.has(key)) cache.set(key, render(source, size));
    return cache.get(key);
  };
  const written = [];
  const write = (file, data) => {
    writeFileSync(at(file), data);
    written.push(file);
  };

  write('build/icon.png', png(svg, 1024));
  mkdirSync(at('build/icons'), { recursive: true });
  for (const size of LINUX_SIZES) {
    write(`build/icons/${size}x${size}.png`, png(size <= SMALL ? small : svg, size));
  }
  writeIco(
    at('build/icon.ico'),
    WINDOWS_APP_SIZES.map((size) => ({ size, png: png(small, size) })),
  );
  written.push('build/icon.ico');
  writeIcns(at('build/icon.icns'), (size) => png(svg, size));
  written.push('build/icon.icns');
  mkdirSync(at('assets'), { recursive: true });
  write('assets/icon.png', png(svg, 512));
  return written;
}

function makeTrayIcons() {
  const written = [];
  for (const [state, color] of Object.entries(TRAY_STATES)) {
    const svg = readFileSync(at('assets/tray/src', `${state}.svg`), 'utf8');
    const colored = withColor(svg, color);
    // macOS template images: black and alpha only; the menu bar tints them for light and dark.
    const template = withColor(svg, '#000000');
    const outputs = {
      [`tray-${state}.png`]: render(colored, 16),
      [`tray-${state}@2x.png`]: render(colored, 32),
      [`tray-${state}Template.png`]: render(template, 16),
      [`tray-${state}Template@2x.png`]: render(template, 32),
    };
    for (const [name, data] of Object.entries(outputs)) {
      writeFileSync(at('assets/tray', name), data);
      written.push(`assets/tray/${name}`);
    }
    writeIco(
      at('assets/tray', `tray-${state}.ico`),
      WINDOWS_TRAY_SIZES.map((size) => ({ size, png: render(colored, size) })),
    );
    written.push(`assets/tray/tray-${state}.ico`);
  }
  return written;
}

requireTool('rsvg-convert', ['--version'], 'Debian: apt-get install librsvg2-bin');
requireTool('convert', ['-version'], 'Debian: apt-get install imagemagick');
const written = [...makeAppIcons(), ...makeTrayIcons()];
console.log(
  `make-icons: wrote ${written.length} files under ${relative(process.cwd(), root) || '.'}`,
);
for (const file of written) console.log(`  ${file}`);
