import { createRequire } from 'node:module';
import { firstLineOf } from './errors';

// ssh2 encrypts with its optional native binding when that loads, and otherwise falls back to
// JavaScript crypto (~40% slower, DESIGN.md section 6) without a word: the load error is
// swallowed in ssh2/lib/protocol/crypto.js. This module makes the fallback visible, so the app
// and the CLI can say at startup that they run slower and why.

export type NativeCryptoStatus = { native: true } | { native: false; reason: string };

/** Where ssh2 1.x keeps its binding; lib/protocol/crypto.js requires it from there. */
const BINDING = 'ssh2/lib/protocol/crypto/build/Release/sshcrypto.node';

export interface CryptoBindingProbe {
  /** ssh2's own verdict: `bindingAvailable` from the crypto module ssh2 itself uses. */
  bindingAvailable(): unknown;
  /** Loads the binding again, to learn why ssh2 could not (ssh2 keeps no error). */
  loadBinding(): unknown;
}

const requireFromHere = createRequire(import.meta.url);

const ssh2Probe: CryptoBindingProbe = {
  bindingAvailable: () =>
    (requireFromHere('ssh2/lib/protocol/crypto.js') as { bindingAvailable?: unknown })
      .bindingAvailable,
  loadBinding: () => requireFromHere(BINDING),
};

function describeLoadError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  // Left out of a package, the file may still be listed in app.asar: then dlopen says ENOENT.
  if (code === 'MODULE_NOT_FOUND' || /ENOENT|no such file/i.test(message)) {
    return `ssh2's native crypto binding (sshcrypto.node) is missing: it was not built when ssh2 was installed, or was left out of this build`;
  }
  // Node's words span lines: "...compiled against a different Node.js version using
  // NODE_MODULE_VERSION 115. This version of Node.js requires NODE_MODULE_VERSION 140."
  const abi = /NODE_MODULE_VERSION (\d+)[\s\S]*?NODE_MODULE_VERSION (\d+)/.exec(message);
  if (abi) {
    return `ssh2's native crypto binding was built for another Node.js or Electron version (NODE_MODULE_VERSION ${abi[1]}; this runtime needs ${abi[2]})`;
  }
  return `ssh2's native crypto binding did not load (${firstLineOf(error)})`;
}

/**
 * Whether ssh2 encrypts with its native binding. Asks ssh2 itself (`bindingAvailable`, as ssh2
 * decides which cipher classes to use); when the answer is no, loads the binding once more to
 * report why. Never throws and never imports electron, so the app and the CLI both call it.
 */
export function nativeCryptoStatus(probe: CryptoBindingProbe = ssh2Probe): NativeCryptoStatus {
  let available: unknown;
  try {
    available = probe.bindingAvailable();
  } catch (error) {
    return { native: false, reason: `ssh2's crypto module did not load (${firstLineOf(error)})` };
  }
  if (available === true) return { native: true };
  if (available !== false) {
    return {
      native: false,
      reason: `this ssh2 version does not say whether its native crypto binding loaded`,
    };
  }
  try {
    probe.loadBinding();
  } catch (error) {
    return { native: false, reason: describeLoadError(error) };
  }
  // ssh2 tried once, when it was first loaded; a second attempt that works changes nothing now.
  return { native: false, reason: `ssh2 did not load its native crypto binding when it started` };
}
