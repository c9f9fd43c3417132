// Makes sure Electron's binary is there before `npm start` / `npm run dev`. npm does not run
// Electron's own download script on install (see allowScripts in package.json: an offline
// machine or CI would fail the whole install), so the first start fetches it instead.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const electronDir = dirname(require.resolve('electron/package.json'));

function binaryPresent() {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return false;
  return existsSync(join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim()));
}

if (!binaryPresent()) {
  console.log('Downloading Electron for the first start (once)…');
  const result = spawnSync(process.execPath, [join(electronDir, 'install.js')], {
    stdio: 'inherit',
  });
  if (result.status !== 0 || !binaryPresent()) {
    console.error(
      [
        '',
        'Burrow could not download Electron, so the window cannot open on this machine',
        '(no internet access, or a blocked download). Everything else still works:',
        '  ./bin/burrow up --file profiles.json   the same tunnels from the command line',
        '  npm test                               the engine, store and IPC tests',
        'Try `npm start` again where the download is allowed.',
      ].join('\n'),
    );
    process.exit(1);
  }
}
