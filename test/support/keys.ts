import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The passphrase of every encrypted test key, so tests can answer passphrase prompts. */
export const KEY_PASSPHRASE = 'correct horse';

/** One generated key pair: where the private half lives and the public line for authorized_keys. */
export interface TestKey {
  privatePath: string;
  publicLine: string;
}

/** The set of client keys every SSH test draws from (see makeTestKeys). */
export interface TestKeys {
  dir: string;
  /** ed25519, OpenSSH format, no passphrase. */
  ed25519: TestKey;
  /** ed25519, OpenSSH format, passphrase KEY_PASSPHRASE. */
  ed25519Encrypted: TestKey;
  /** RSA 2048, PEM format (`-m PEM`), passphrase KEY_PASSPHRASE. */
  rsaPem: TestKey;
  /** RSA 2048, PEM format, no passphrase. */
  rsaPemPlain: TestKey;
  /** ed25519 that is never put in any authorized_keys: the server must refuse it. */
  unauthorized: TestKey;
  /** Removes the directory (only when makeTestKeys created it). */
  cleanup(): Promise<void>;
}

/** Names of the keys that servers should authorize (everything except `unauthorized`). */
export const AUTHORIZED_KEY_NAMES = [
  'ed25519',
  'ed25519Encrypted',
  'rsaPem',
  'rsaPemPlain',
] as const;

/** Makes a fresh temporary directory for harness files (short path: unix sockets live there). */
export async function makeTempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Runs ssh-keygen to make one key pair; `extra` carries format flags such as `-m PEM`. */
export async function generateKey(
  path: string,
  type: 'ed25519' | 'rsa',
  passphrase: string,
  extra: string[] = [],
): Promise<TestKey> {
  const args = ['-q', '-t', type, ...(type === 'rsa' ? ['-b', '2048'] : []), ...extra];
  args.push('-N', passphrase, '-C', `burrow-test-${type}`, '-f', path);
  await execFileAsync('ssh-keygen', args);
  const publicLine = (await readFile(`${path}.pub`, 'utf8')).trim();
  return { privatePath: path, publicLine };
}

/** Generates the standard test client keys with ssh-keygen (once per call, in parallel). */
export async function makeTestKeys(dir?: string): Promise<TestKeys> {
  const ownsDir = dir === undefined;
  const root = dir ?? (await makeTempDir('burrow-keys-'));
  await mkdir(root, { recursive: true, mode: 0o700 });
  const p = (name: string): string => join(root, name);
  const [ed25519, ed25519Encrypted, rsaPem, rsaPemPlain, unauthorized] = await Promise.all([
    generateKey(p('id_ed25519'), 'ed25519', ''),
    generateKey(p('id_ed25519_encrypted'), 'ed25519', KEY_PASSPHRASE),
    generateKey(p('id_rsa_pem'), 'rsa', KEY_PASSPHRASE, ['-m', 'PEM']),
    generateKey(p('id_rsa_pem_plain'), 'rsa', '', ['-m', 'PEM']),
    generateKey(p('id_unauthorized'), 'ed25519', ''),
  ]);
  return {
    dir: root,
    ed25519,
    ed25519Encrypted,
    rsaPem,
    rsaPemPlain,
    unauthorized,
    async cleanup() {
      if (ownsDir) await rm(root, { recursive: true, force: true });
    },
  };
}

/** The lines an authorized_keys file needs so every test key except `unauthorized` logs in. */
export function authorizedKeysText(keys: TestKeys): string {
  return AUTHORIZED_KEY_NAMES.map((name) => keys[name].publicLine).join('\n') + '\n';
}

/**
 * `SHA256:` + unpadded base64 of a public key line's blob, exactly as `ssh-keygen -lf` prints it:
 * lets tests compare what the engine shows in a host-key prompt.
 */
export function fingerprintOf(publicLine: string): string {
  const blob = publicLine.trim().split(/\s+/)[1];
  if (!blob) throw new Error(`not a public key line: ${publicLine}`);
  const digest = createHash('sha256').update(Buffer.from(blob, 'base64')).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

/** Asks ssh-keygen itself for a fingerprint (`ssh-keygen -lf`), for cross-checking fingerprintOf. */
export async function sshKeygenFingerprint(publicKeyPath: string): Promise<string> {
  const { stdout } = await execFileAsync('ssh-keygen', ['-l', '-E', 'sha256', '-f', publicKeyPath]);
  const fp = stdout.trim().split(/\s+/)[1];
  if (!fp?.startsWith('SHA256:')) throw new Error(`unexpected ssh-keygen -l output: ${stdout}`);
  return fp;
}

/** A running ssh-agent that tests point the `agent` auth method at. */
export interface TestAgent {
  socket: string;
  pid: number;
  dispose(): Promise<void>;
}

/**
 * Starts a private ssh-agent on its own socket and loads the given private keys into it (an
 * encrypted test key is unlocked with KEY_PASSPHRASE through SSH_ASKPASS). Kill it with dispose().
 */
export async function startAgent(keys: string[]): Promise<TestAgent> {
  const dir = await makeTempDir('burrow-agent-');
  const socket = join(dir, 'agent.sock');
  const child = spawn('ssh-agent', ['-D', '-a', socket], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  child.on('error', (err) => (output += `\nspawn error: ${err.message}`));
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  let alive = true;
  void exited.then(() => (alive = false));

  const dispose = async (): Promise<void> => {
    if (alive) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const deadline = Date.now() + 5000;
    while (!existsSync(socket)) {
      if (!alive) throw new Error(`ssh-agent exited early: ${output}`);
      if (Date.now() > deadline) throw new Error(`ssh-agent did not create ${socket}: ${output}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    if (keys.length > 0) {
      const askpass = join(dir, 'askpass.sh');
      await writeFile(askpass, `#!/bin/sh\necho '${KEY_PASSPHRASE}'\n`);
      await chmod(askpass, 0o700);
      await execFileAsync('ssh-add', ['-q', ...keys], {
        env: {
          ...process.env,
          SSH_AUTH_SOCK: socket,
          SSH_ASKPASS: askpass,
          SSH_ASKPASS_REQUIRE: 'force',
          DISPLAY: process.env.DISPLAY ?? ':0',
        },
        timeout: 10_000,
      });
    }
  } catch (err) {
    await dispose();
    throw err;
  }
  return { socket, pid: child.pid ?? -1, dispose };
}
