// Proves that ssh2's native crypto binding works in the runtime running this script: loads ssh2
// from the folder given as the first argument (the packaged app.asar, or a checkout), checks that
// ssh2 loaded its binding, and moves data both ways through real SSH sessions with the ciphers the
// binding accelerates (AES-GCM, and AES-CTR with an HMAC). build/native-crypto.mjs runs it with the
// packaged Electron as Node (ELECTRON_RUN_AS_NODE=1): a binding that compiles against Electron's
// headers can still miss a BoringSSL symbol at run time and kill the process on first use, and
// this is where that shows. Prints one JSON line; exit code 0 means the binding works.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const CIPHERS = [
  { cipher: 'aes128-gcm@openssh.com', hmac: undefined },
  { cipher: 'aes128-ctr', hmac: 'hmac-sha2-256' },
];
const PAYLOAD_BYTES = 256 * 1024;

function fail(reason) {
  console.log(JSON.stringify({ ok: false, reason }));
  process.exit(1);
}

const appDir = process.argv[2];
if (!appDir) fail('usage: ssh2-crypto-smoke.mjs <folder holding node_modules/ssh2>');
setTimeout(() => fail('timed out'), 30_000).unref();

const require = createRequire(join(resolve(appDir), 'package.json'));
const { Client, Server } = require('ssh2');
const { bindingAvailable } = require('ssh2/lib/protocol/crypto.js');
if (!bindingAvailable) {
  let reason = 'ssh2 did not load its binding';
  try {
    require('ssh2/lib/protocol/crypto/build/Release/sshcrypto.node');
  } catch (error) {
    reason = `${reason}: ${String(error.message).split('\n')[0]}`;
  }
  fail(reason);
}

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

/** An SSH server that accepts anyone and echoes every exec channel back. */
function startEchoServer() {
  const server = new Server({ hostKeys: [privateKey] }, (client) => {
    client.on('error', () => {});
    client.on('authentication', (ctx) => ctx.accept());
    client.on('ready', () => {
      client.on('session', (accept) => {
        accept().on('exec', (acceptExec) => {
          const stream = acceptExec();
          stream.on('data', (chunk) => stream.write(chunk));
          stream.on('end', () => stream.end());
        });
      });
    });
  });
  return new Promise((done, failed) => {
    server.once('error', failed);
    server.listen(0, '127.0.0.1', () => done(server));
  });
}

function roundTrip(port, { cipher, hmac }) {
  return new Promise((done, failed) => {
    const client = new Client();
    const payload = randomBytes(PAYLOAD_BYTES);
    client.on('error', failed);
    client.on('ready', () => {
      client.exec('echo', (error, stream) => {
        if (error) return failed(error);
        const received = [];
        stream.on('data', (chunk) => received.push(chunk));
        stream.on('close', () => {
          client.end();
          const echoed = Buffer.concat(received);
          if (echoed.equals(payload)) done();
          else
            failed(new Error(`${cipher}: ${echoed.length} of ${payload.length} bytes came back`));
        });
        stream.end(payload);
      });
    });
    client.connect({
      host: '127.0.0.1',
      port,
      username: 'smoke',
      hostVerifier: () => true,
      algorithms: { cipher: [cipher], ...(hmac ? { hmac: [hmac] } : {}) },
    });
  });
}

try {
  const server = await startEchoServer();
  const { port } = server.address();
  for (const algorithms of CIPHERS) await roundTrip(port, algorithms);
  server.close();
  console.log(JSON.stringify({ ok: true, ciphers: CIPHERS.map((it) => it.cipher) }));
  process.exit(0);
} catch (error) {
  fail(String(error?.message ?? error));
}
