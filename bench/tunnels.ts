/**
 * The tunnels under test, each its own process: Burrow as `bin/burrow up --json` (as a user runs
 * it) and OpenSSH as `ssh -N -L/-R/-D`. Both get the same forwards to the same targets on the
 * same sshd; only the client differs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { Client } from 'ssh2';
import { existsSync, readFileSync } from 'node:fs';
import { algorithmsFor } from '../electron/engine/algorithms';
import type { TestKeys } from '../test/support/keys';
import { askGcProbe, GC_PROBE_NODE_ARGS, type GcTotals } from '../test/support/gc-probe-client';
import { sleep } from '../test/support/net';
import { descendantPids, type SshdInstance } from '../test/support/sshd';

const ROOT = join(import.meta.dirname, '..');
export const BURROW_BIN = join(ROOT, 'bin', 'burrow');
/** The CLI bundle bin/burrow loads (an ES module now; CommonJS in older trees). */
export function burrowBundle(root = ROOT): string {
  const mjs = join(root, 'dist', 'cli', 'burrow.mjs');
  return existsSync(mjs) ? mjs : join(root, 'dist', 'cli', 'burrow.cjs');
}
export const AES_GCM = 'aes128-gcm@openssh.com';

/** Which client, and how it is run. */
export interface TunnelSpec {
  /** Short name, also the table column: 'burrow', 'ssh-gcm', 'ssh-default', or a variant's. */
  name: string;
  kind: 'burrow' | 'ssh';
  /** ssh: extra arguments (the cipher choice). */
  sshArgs?: string[];
  /** burrow: a CLI bundle to run instead of bin/burrow (an experimental build). */
  bundle?: string;
  /** burrow: node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
}

/** One forward as both clients are told about it. Ports are fixed up front (OpenSSH needs them). */
export type ForwardDef =
  | { id: string; type: 'local'; bindPort: number; targetPort: number }
  | { id: string; type: 'remote'; bindPort: number; targetPort: number }
  | { id: string; type: 'dynamic'; bindPort: number };

export interface BenchEnv {
  sshd: SshdInstance;
  keys: TestKeys;
  /** Scratch directory for profile files. */
  dir: string;
}

export interface RunningTunnel {
  spec: TunnelSpec;
  pid: number;
  /** The per-connection sshd processes serving this tunnel (for their CPU). */
  sshdPids: number[];
  /** ms from spawn until every forward was ready (Burrow: its "active" lines; ssh: ports accept). */
  readyMs: number;
  /** Burrow only: where its GC probe writes its totals (see gcTotals). */
  gcFile?: string;
  stop(): Promise<void>;
}

/**
 * Asks a Burrow tunnel's GC probe for its totals. Undefined for OpenSSH, or when the probe does
 * not answer.
 */
export function gcTotals(tunnel: RunningTunnel): Promise<GcTotals | undefined> {
  return tunnel.gcFile ? askGcProbe(tunnel.pid, tunnel.gcFile) : Promise.resolve(undefined);
}

let fileCounter = 0;

function burrowProfileFile(env: BenchEnv, forwards: ForwardDef[]): object {
  return {
    format: 'burrow-profiles',
    version: 1,
    profiles: [
      {
        id: 'bench',
        name: 'bench',
        host: env.sshd.host,
        port: env.sshd.port,
        username: env.sshd.user,
        auth: [{ type: 'key', path: env.keys.ed25519.privatePath }],
        forwards: forwards.map((f) =>
          f.type === 'dynamic'
            ? { id: f.id, type: 'dynamic', bindPort: f.bindPort }
            : {
                id: f.id,
                type: f.type,
                bindPort: f.bindPort,
                targetHost: '127.0.0.1',
                targetPort: f.targetPort,
              },
        ),
      },
    ],
  };
}

/** The arguments every ssh run shares: no user config, no agent, only the bench key. */
export function sshBaseArgs(env: BenchEnv, spec: TunnelSpec): string[] {
  return [
    '-F',
    '/dev/null',
    '-N',
    ...(spec.sshArgs ?? []),
    '-i',
    env.keys.ed25519.privatePath,
    '-p',
    String(env.sshd.port),
    '-l',
    env.sshd.user,
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    `UserKnownHostsFile=${env.sshd.knownHostsPath}`,
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'BatchMode=yes',
    '-o',
    'ExitOnForwardFailure=yes',
    '-o',
    'ControlMaster=no',
    '-o',
    'ControlPath=none',
    '-o',
    'UpdateHostKeys=no',
  ];
}

function sshForwardArgs(forwards: ForwardDef[]): string[] {
  return forwards.flatMap((f) => {
    switch (f.type) {
      case 'local':
        return ['-L', `127.0.0.1:${f.bindPort}:127.0.0.1:${f.targetPort}`];
      case 'remote':
        return ['-R', `127.0.0.1:${f.bindPort}:127.0.0.1:${f.targetPort}`];
      case 'dynamic':
        return ['-D', `127.0.0.1:${f.bindPort}`];
    }
  });
}

/** Env without an agent, so neither client can log in any other way than with the bench key. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.SSH_AUTH_SOCK;
  delete env.BURROW_DEBUG;
  return env;
}

/** Resolves once a TCP connect to 127.0.0.1:port succeeds; polls every `everyMs`. */
export async function waitAccepts(port: number, timeoutMs: number, everyMs = 2): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const sock = connect({ host: '127.0.0.1', port });
      sock.once('connect', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => {
        sock.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`port ${port} did not accept in ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

function exitOf(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals, graceMs: number) {
  const exited = exitOf(child);
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** A spawned, not yet ready tunnel: the startup bench times its steps itself. */
export interface Spawned {
  child: ChildProcess;
  /** Burrow: resolves at the first JSON line that shows every forward active. */
  allActive?: Promise<void>;
  /** Burrow: where its GC probe writes. */
  gcFile?: string;
  stderr(): string;
  stop(): Promise<void>;
}

export async function spawnTunnel(
  env: BenchEnv,
  spec: TunnelSpec,
  forwards: ForwardDef[],
): Promise<Spawned> {
  let stderr = '';
  const keepStderr = (d: Buffer): void => {
    if (stderr.length < 20_000) stderr += d.toString();
  };
  if (spec.kind === 'ssh') {
    const child = spawn(
      'ssh',
      [...sshBaseArgs(env, spec), ...sshForwardArgs(forwards), '127.0.0.1'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: cleanEnv(),
      },
    );
    child.stderr?.on('data', keepStderr);
    return { child, stderr: () => stderr, stop: () => stopChild(child, 'SIGTERM', 5000) };
  }
  const file = join(env.dir, `profiles-${process.pid}-${++fileCounter}.json`);
  const gcFile = join(env.dir, `gc-${process.pid}-${fileCounter}.json`);
  await writeFile(file, JSON.stringify(burrowProfileFile(env, forwards)));
  const script = spec.bundle ?? BURROW_BIN;
  const child = spawn(
    process.execPath,
    [
      ...(spec.nodeArgs ?? []),
      ...GC_PROBE_NODE_ARGS,
      script,
      'up',
      '--file',
      file,
      '--json',
      '--known-hosts',
      env.sshd.knownHostsPath,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...cleanEnv(), BURROW_GC_PROBE_FILE: gcFile } },
  );
  child.stderr?.on('data', keepStderr);
  const allActive = new Promise<void>((resolve, reject) => {
    const active = new Set<string>();
    let partial = '';
    let done = false;
    child.stdout?.on('data', (d: Buffer) => {
      // Keep reading after ready: a full pipe would stall Burrow's event loop.
      if (done) return;
      partial += d.toString();
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        let event: { type?: string; state?: string; forward?: string; message?: string };
        try {
          event = JSON.parse(line) as typeof event;
        } catch {
          continue;
        }
        if (event.type === 'forward' && event.state === 'active' && event.forward)
          active.add(event.forward);
        if (event.state === 'error') {
          done = true;
          reject(new Error(`burrow: ${event.type} ${event.forward ?? ''} error: ${event.message}`));
          return;
        }
        if (active.size === forwards.length) {
          done = true;
          resolve();
          return;
        }
      }
    });
    child.once('exit', (code) => {
      if (!done)
        reject(
          new Error(
            `burrow exited (code ${code}) before its forwards were active: ${stderr.trim()}`,
          ),
        );
    });
  });
  allActive.catch(() => {});
  // SIGINT is Burrow's clean stop (and lets --cpu-prof write its profile); allow time for it.
  return {
    child,
    allActive,
    gcFile,
    stderr: () => stderr,
    stop: () => stopChild(child, 'SIGINT', 15_000),
  };
}

/**
 * Starts a tunnel and waits until every forward can take connections. Tunnels must start one at
 * a time: the sshd processes that appear meanwhile are counted as this tunnel's.
 */
export async function startTunnel(
  env: BenchEnv,
  spec: TunnelSpec,
  forwards: ForwardDef[],
  timeoutMs = 30_000,
): Promise<RunningTunnel> {
  const before = new Set(descendantPids(env.sshd.pid));
  const start = performance.now();
  const spawned = await spawnTunnel(env, spec, forwards);
  const failed = new Promise<never>((_, reject) =>
    spawned.child.once('exit', (code) =>
      reject(new Error(`${spec.name} exited (code ${code}): ${spawned.stderr().trim()}`)),
    ),
  );
  failed.catch(() => {});
  try {
    if (spawned.allActive) await spawned.allActive;
    else
      await Promise.race([
        failed,
        (async () => {
          for (const f of forwards) await waitAccepts(f.bindPort, timeoutMs, 10);
        })(),
      ]);
  } catch (err) {
    await spawned.stop();
    throw err;
  }
  const readyMs = performance.now() - start;
  const sshdPids = descendantPids(env.sshd.pid).filter((p) => !before.has(p));
  return {
    spec,
    pid: spawned.child.pid ?? -1,
    sshdPids,
    readyMs,
    ...(spawned.gcFile && { gcFile: spawned.gcFile }),
    stop: spawned.stop,
  };
}

/** The cipher OpenSSH negotiates with these arguments (from `ssh -v`), client to server. */
export async function sshCipher(env: BenchEnv, spec: TunnelSpec): Promise<string> {
  const child = spawn('ssh', ['-v', ...sshBaseArgs(env, spec), '127.0.0.1'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: cleanEnv(),
  });
  let err = '';
  try {
    return await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`ssh -v said no cipher: ${err}`)), 15_000);
      child.stderr?.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /kex: client->server cipher: (\S+)/.exec(err);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.once('exit', () => reject(new Error(`ssh exited before kex: ${err}`)));
    });
  } finally {
    await stopChild(child, 'SIGTERM', 3000);
  }
}

/** The cipher Burrow negotiates: ssh2 with the engine's own algorithm preferences. */
export async function burrowCipher(env: BenchEnv): Promise<string> {
  const keyType = env.sshd.hostKeyType;
  return new Promise<string>((resolve, reject) => {
    const client = new Client();
    let cipher = '';
    client.on('handshake', (n) => (cipher = n.cs.cipher));
    client.on('ready', () => {
      client.end();
      resolve(cipher);
    });
    client.on('error', reject);
    client.connect({
      host: env.sshd.host,
      port: env.sshd.port,
      username: env.sshd.user,
      privateKey: readFileSync(env.keys.ed25519.privatePath),
      algorithms: algorithmsFor([keyType]),
      readyTimeout: 15_000,
    });
  });
}

/**
 * n distinct free ports on 127.0.0.1: all n listeners stay open until every port is known, so the
 * OS cannot hand the same port out twice (closing each before asking for the next one could).
 */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<Server>((resolve, reject) => {
          const srv = createServer();
          srv.once('error', reject);
          srv.listen(0, '127.0.0.1', () => resolve(srv));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}
