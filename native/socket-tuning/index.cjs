'use strict';
// The compiled binding, or the reason it cannot load (electron/engine/socket-tuning.ts decides
// what to do without it).
let binding = null;
let loadError = null;
try {
  binding = require('./build/Release/socket_tuning.node');
} catch (error) {
  loadError = error;
}
module.exports = { binding, loadError };
