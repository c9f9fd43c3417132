import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { chmod, copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { authorizedKeysText, makeTempDir, sshKeygenFingerprint, type TestKeys } from './keys';
import { freePort, sleep } from './net';

const execFileAsync = promisify(execFile);

/** Where Debian/Ubuntu's openssh-server puts the daemon (CI installs it there too). */
export const SSHD_PATH = '/usr/sbin/sshd';

/** The login user every real-sshd test authenticates as. */
export const TEST_USER = 'burrowtest';

/** That user's password (set with chpasswd): password and PAM keyboard-interactive tests use it. */
export const TEST_PASSWORD = 'burrow-test-pw-7Qx';

/** The server configurations tests can ask for (see startSshd). */
export type SshdVariant = 'default' | 'no-forwarding' | 'gateway-clientspecified' | 'pam';

/** A running OpenSSH server on loopback, owned by one test file. */
export interface SshdInstance {
  host: '127.0.0.1';
  port: number;
  /** A real login user that accepts the test keys AND `password`. */
  user: string;
  password: string;
  /** e.g. 'ssh-ed25519' */
  hostKeyType: string;
  /** "ssh-ed25519 AAAA..." */
  hostPublicLine: string;
  /** "SHA256:..." as `ssh-keygen -lf` prints it. */
  hostFingerprint: string;
  /** The host private key; pass it as `hostKeyPath` to start a server that keeps its identity. */
  hostKeyPath: string;
  /** A file with exactly one plain entry "[127.0.0.1]:PORT <hostPublicLine>". */
  knownHostsPath: string;
  configPath: string;
  dir: string;
  variant: SshdVariant;
  /** pid of the listening sshd. */
  pid: number;
  /** sshd's stderr (and stdout) so far: `-D -e`, LogLevel VERBOSE unless extraConfig says otherwise. */
  logs(): string;
  /**
   * Kills every per-connection sshd process (they escape the listener's process group through
   * setsid) while the listener keeps running: every client sees its connection drop.
   */
  dropConnections(): Promise<void>;
  /** Kills sshd and its per-connection children, waits for exit, removes `dir`. */
  stop(): Promise<void>;
}

/** What startSshd needs: keys for authorized_keys, plus optional variant, config and port. */
export interface StartSshdOptions {
  variant?: SshdVariant;
  /**
   * More sshd_config lines. They override the variant's lines (sshd keeps the FIRST value of a
   * keyword, so they are written before them); a `Match` line and all after it go at the end.
   */
  extraConfig?: string[];
  keys: TestKeys;
  /** A fixed port (e.g. to bring a stopped server back); default: a free one. */
  port?: number;
  /** Reuse this ed25519 host private key (copied in) instead of generating one. */
  hostKeyPath?: string;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): boolean {
  const dirs = (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin', '/sbin']);
  return dirs.some((d) => d && isExecutable(join(d, name)));
}

/**
 * Whether real-sshd tests can run here, and if not why: they need sshd, ssh-keygen, root (sshd
 * privilege separation, /run/sshd, creating the test user) and useradd/chpasswd.
 */
export function sshdAvailability(
  _variant: SshdVariant = 'default',
): { ok: true } | { ok: false; reason: string } {
  if (process.platform !== 'linux')
    return { ok: false, reason: 'real-sshd tests run on Linux only' };
  if (!isExecutable(SSHD_PATH)) {
    return { ok: false, reason: `${SSHD_PATH} not found (apt-get install openssh-server)` };
  }
  for (const tool of ['ssh-keygen', 'ssh-agent', 'ssh-add']) {
    if (!onPath(tool))
      return { ok: false, reason: `${tool} not found (apt-get install openssh-client)` };
  }
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    // Every variant logs in as TEST_USER with a password, which needs root (user creation, shadow).
    return { ok: false, reason: 'real-sshd tests need root (test user, /run/sshd, privsep)' };
  }
  for (const tool of ['useradd', 'chpasswd']) {
    if (!onPath(tool)) return { ok: false, reason: `${tool} not found (passwd package)` };
  }
  return { ok: true };
}

function shadowHash(user: string): string | undefined {
  try {
    const line = readFileSync('/etc/shadow', 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${user}:`));
    return line?.split(':')[1];
  } catch {
    return undefined;
  }
}

function userExists(user: string): boolean {
  try {
    return readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .some((l) => l.startsWith(`${user}:`));
  } catch {
    return false;
  }
}

function runWithInput(cmd: string, args: string[], input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}: ${err}`)),
    );
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

let userReady: Promise<void> | undefined;

/**
 * Creates TEST_USER (useradd -m -s /bin/bash) and sets TEST_PASSWORD, only when missing. Parallel
 * test workers may race on /etc/passwd's lock, so failures are retried after a random pause.
 */
export function ensureTestUser(): Promise<void> {
  userReady ??= (async () => {
    let lastError: unknown;
    for (let attempt = 0; attempt < 30; attempt++) {
      try {
        if (!userExists(TEST_USER)) {
          await execFileAsync('useradd', ['-m', '-s', '/bin/bash', TEST_USER]).catch(
            (e: unknown) => {
              if (!userExists(TEST_USER)) throw e; // someone else may have just made it
            },
          );
        }
        // A locked ('!') or empty ('*') hash makes sshd refuse even keys with UsePAM no.
        if (!shadowHash(TEST_USER)?.startsWith('$')) {
          await runWithInput('chpasswd', [], `${TEST_USER}:${TEST_PASSWORD}\n`);
        }
        if (userExists(TEST_USER) && shadowHash(TEST_USER)?.startsWith('$')) return;
      } catch (err) {
        lastError = err;
      }
      await sleep(50 + Math.random() * 200);
    }
    throw new Error(`could not create test user ${TEST_USER}: ${String(lastError)}`);
  })();
  userReady.catch(() => (userReady = undefined));
  return userReady;
}

function variantLines(variant: SshdVariant): string[] {
  const pam = variant === 'pam';
  return [
    `AllowTcpForwarding ${variant === 'no-forwarding' ? 'no' : 'yes'}`,
    `GatewayPorts ${variant === 'gateway-clientspecified' ? 'clientspecified' : 'no'}`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication yes',
    `KbdInteractiveAuthentication ${pam ? 'yes' : 'no'}`,
    `UsePAM ${pam ? 'yes' : 'no'}`,
    'PermitListen any',
    'PermitOpen any',
  ];
}

/** Splits extra lines into those that go first and a trailing Match section. */
function splitExtra(extra: string[]): { head: string[]; tail: string[] } {
  const i = extra.findIndex((l) => /^\s*Match\s/i.test(l));
  return i === -1 ? { head: extra, tail: [] } : { head: extra.slice(0, i), tail: extra.slice(i) };
}

function buildConfig(dir: string, port: number, variant: SshdVariant, extra: string[]): string {
  const { head, tail } = splitExtra(extra);
  const lines = [
    '# Written by test/support/sshd.ts; first value of a keyword wins.',
    ...head,
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'ssh_host_ed25519_key')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'StrictModes no',
    'PermitRootLogin yes',
    ...variantLines(variant),
    'LogLevel VERBOSE',
    'MaxStartups 1000',
    'MaxSessions 100',
    'MaxAuthTries 10',
    'ClientAliveInterval 0',
    'UseDNS no',
    'PrintMotd no',
    'PrintLastLog no',
    'PermitTTY no',
    'X11Forwarding no',
    'AcceptEnv none',
    ...tail,
  ];
  return lines.join('\n') + '\n';
}

/** Resolves when something on host:port sends an "SSH-2.0" banner; rejects on failure. */
function readBanner(host: string, port: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host, port });
    let data = '';
    const done = (err?: Error): void => {
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(data.split('\n')[0]?.trim() ?? '');
    };
    const timer = setTimeout(() => done(new Error('no banner')), timeoutMs);
    sock.on('error', (e) => done(e));
    sock.on('data', (d: Buffer) => {
      data += d.toString('latin1');
      if (data.includes('\n')) {
        if (data.startsWith('SSH-2.0')) done();
        else done(new Error(`unexpected banner: ${data}`));
      }
    });
    sock.on('close', () => done(new Error('closed before banner')));
  });
}

/** pids of every process descended from `pid` (via /proc), deepest first. */
export function descendantPids(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (ppid) comes after the parenthesised command name, which may hold spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // the process went away while we looked
    }
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    for (const c of children.get(p) ?? []) {
      walk(c);
      out.push(c);
    }
  };
  walk(pid);
  return out;
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** Alive and not a zombie (an orphaned sshd child may never be reaped in a container). */
function pidAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function killTree(pids: number[]): Promise<void> {
  for (const p of pids) killQuietly(p, 'SIGTERM');
  const deadline = Date.now() + 2000;
  while (pids.some(pidAlive) && Date.now() < deadline) await sleep(20);
  for (const p of pids) if (pidAlive(p)) killQuietly(p, 'SIGKILL');
}

/**
 * Starts a real OpenSSH server on 127.0.0.1 (its own host key, config, pid file, authorized_keys
 * in a temp dir) and resolves once it sends its SSH-2.0 banner. Several may run at once.
 */
export async function startSshd(opts: StartSshdOptions): Promise<SshdInstance> {
  const avail = sshdAvailability(opts.variant);
  if (!avail.ok) throw new Error(`cannot start sshd: ${avail.reason}`);
  const variant = opts.variant ?? 'default';
  await ensureTestUser();
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });

  const dir = await makeTempDir('burrow-sshd-');
  // sshd reads AuthorizedKeysFile as the login user, and mkdtemp makes the dir 0700 root.
  await chmod(dir, 0o755);
  const hostKeyPath = join(dir, 'ssh_host_ed25519_key');
  try {
    if (opts.hostKeyPath) {
      await copyFile(opts.hostKeyPath, hostKeyPath);
      await chmod(hostKeyPath, 0o600);
      const { stdout } = await execFileAsync('ssh-keygen', ['-y', '-f', hostKeyPath]);
      await writeFile(`${hostKeyPath}.pub`, stdout);
    } else {
      await execFileAsync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKeyPath]);
    }
    const hostPublicLine = (await readFile(`${hostKeyPath}.pub`, 'utf8'))
      .trim()
      .split(/\s+/)
      .slice(0, 2)
      .join(' ');
    const hostKeyType = hostPublicLine.split(' ')[0] ?? '';
    const hostFingerprint = await sshKeygenFingerprint(`${hostKeyPath}.pub`);
    await writeFile(join(dir, 'authorized_keys'), authorizedKeysText(opts.keys), { mode: 0o644 });

    const configPath = join(dir, 'sshd_config');
    const extra = opts.extraConfig ?? [];
    let lastError = '';
    // With LogLevel below INFO sshd never says "Server listening"; then the banner alone counts.
    const quiet = extra.some((l) => /^\s*LogLevel\s+(QUIET|FATAL|ERROR)\b/i.test(l));
    const attempts = 5;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0 && opts.port !== undefined) await sleep(200);
      const port = opts.port ?? (await freePort());
      await writeFile(configPath, buildConfig(dir, port, variant, extra));
      // Fail fast with sshd's own words on a bad config.
      await execFileAsync(SSHD_PATH, ['-t', '-f', configPath]).catch((e: { stderr?: string }) => {
        throw new Error(`sshd -t rejected the config: ${e.stderr ?? String(e)}`);
      });
      const started = await spawnSshd(configPath, port, quiet);
      if ('error' in started) {
        lastError = started.error;
        continue;
      }
      const { child, logs, exited } = started;
      const knownHostsPath = join(dir, 'known_hosts');
      await writeFile(knownHostsPath, `[127.0.0.1]:${port} ${hostPublicLine}\n`);
      const pid = child.pid ?? -1;
      let stopped = false;
      return {
        host: '127.0.0.1',
        port,
        user: TEST_USER,
        password: TEST_PASSWORD,
        hostKeyType,
        hostPublicLine,
        hostFingerprint,
        hostKeyPath,
        knownHostsPath,
        configPath,
        dir,
        variant,
        pid,
        logs,
        async dropConnections() {
          await killTree(descendantPids(pid));
        },
        async stop() {
          if (stopped) return;
          stopped = true;
          const kids = descendantPids(pid);
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
          await Promise.all([exited, killTree(kids)]);
          clearTimeout(timer);
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
    throw new Error(`sshd did not start after ${attempts} attempt(s): ${lastError}`);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

type Spawned =
  { child: ChildProcess; logs: () => string; exited: Promise<void> } | { error: string };

async function spawnSshd(configPath: string, port: number, quiet: boolean): Promise<Spawned> {
  const child = spawn(SSHD_PATH, ['-D', '-e', '-f', configPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  let exitedFlag = false;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exitedFlag = true;
      resolve();
    });
    child.once('error', (err) => {
      out += `\nspawn error: ${err.message}`;
      exitedFlag = true;
      resolve();
    });
  });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (exitedFlag) return { error: `sshd exited: ${out.trim()}` };
    // Only trust the banner once sshd says it listens: something else may own a reused port.
    if (quiet || /Server listening on 127\.0\.0\.1 port \d+/.test(out)) {
      try {
        await readBanner('127.0.0.1', port, 2000);
        return { child, logs: () => out, exited };
      } catch {
        // not yet
      }
    }
    await sleep(20);
  }
  child.kill('SIGKILL');
  await exited;
  return { error: `sshd did not answer on port ${port} in time: ${out.trim()}` };
}
