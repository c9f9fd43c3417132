'use strict';
// The compiled binding, or the reason it cannot load (electron/engine/receive-path.ts decides
// what to do without it).
let binding = null;
let loadError = null;
try {
  binding = require('./build/Release/receive_path.node');
} catch (error) {
  loadError = error;
}
module.exports = { binding, loadError };
