'use strict';
// Builds the binding at install. It is optional: without it Burrow works, only its downloads
// are slower (the CLI and the app say so at startup), so a failed build warns and
// lets the install go on, as ssh2 does for its crypto binding.
const { spawnSync } = require('node:child_process');

const result = spawnSync('node-gyp', ['rebuild'], {
  cwd: __dirname,
  shell: true,
  stdio: 'inherit',
  windowsHide: true,
});
if (result.error || result.status !== 0) {
  console.log(
    '@burrow/receive-path: the native build failed; Burrow runs without it (slower downloads)',
  );
} else {
  console.log('@burrow/receive-path: built');
}
