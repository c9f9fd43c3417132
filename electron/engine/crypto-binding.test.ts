import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { nativeCryptoStatus, type CryptoBindingProbe } from './crypto-binding';

const require = createRequire(import.meta.url);

function probe(available: unknown, load: () => unknown = () => ({})): CryptoBindingProbe {
  return { bindingAvailable: () => available, loadBinding: load };
}

function loadError(message: string, code?: string): () => never {
  return () => {
    throw Object.assign(new Error(message), code ? { code } : {});
  };
}

describe('nativeCryptoStatus', () => {
  it("agrees with ssh2's own bindingAvailable in this process", () => {
    const { bindingAvailable } = require('ssh2/lib/protocol/crypto.js') as {
      bindingAvailable: boolean;
    };
    const status = nativeCryptoStatus();
    expect(status.native).toBe(bindingAvailable);
    if (!status.native) expect(status.reason).toMatch(/ssh2/);
  });

  it('is native when ssh2 loaded its binding', () => {
    expect(nativeCryptoStatus(probe(true, loadError('not asked')))).toEqual({ native: true });
  });

  it('says the binding is missing when it was never built or was left out', () => {
    const status = nativeCryptoStatus(
      probe(false, loadError("Cannot find module '.../sshcrypto.node'", 'MODULE_NOT_FOUND')),
    );
    expect(status).toEqual({ native: false, reason: expect.stringMatching(/missing/) });
    const unpackedButGone = nativeCryptoStatus(
      probe(
        false,
        loadError('sshcrypto.node: cannot open shared object file: No such file or directory'),
      ),
    );
    expect(unpackedButGone).toEqual({ native: false, reason: expect.stringMatching(/missing/) });
  });

  it('names an ABI mismatch, with the loader’s words', () => {
    const status = nativeCryptoStatus(
      probe(
        false,
        loadError(
          "The module '/x/sshcrypto.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 115. This version of Node.js requires\nNODE_MODULE_VERSION 140.",
        ),
      ),
    );
    expect(status.native).toBe(false);
    if (status.native) return;
    expect(status.reason).toMatch(/another Node\.js or Electron version/);
    expect(status.reason).toMatch(/NODE_MODULE_VERSION 115; this runtime needs 140/);
  });

  it('passes on any other load error, first line only', () => {
    const status = nativeCryptoStatus(
      probe(false, loadError('undefined symbol: EVP_MAC_fetch\nstack…')),
    );
    expect(status).toEqual({
      native: false,
      reason: "ssh2's native crypto binding did not load (undefined symbol: EVP_MAC_fetch)",
    });
  });

  it('reports no binding when ssh2 gave up at startup, even if it loads now', () => {
    const status = nativeCryptoStatus(probe(false));
    expect(status).toEqual({ native: false, reason: expect.stringMatching(/when it started/) });
  });

  it('never throws: an ssh2 that fails to load, or says nothing, is reported', () => {
    const broken: CryptoBindingProbe = {
      bindingAvailable: () => {
        throw new Error('Cannot find module ssh2');
      },
      loadBinding: () => ({}),
    };
    expect(nativeCryptoStatus(broken)).toEqual({
      native: false,
      reason: expect.stringMatching(/crypto module did not load/),
    });
    expect(nativeCryptoStatus(probe(undefined))).toEqual({
      native: false,
      reason: expect.stringMatching(/does not say/),
    });
  });
});
