import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askGcProbe, GC_PROBE_NODE_ARGS } from './support/gc-probe-client';
import { makeTestKeys, type TestKeys } from './support/keys';
import {
  canConnect,
  echoRoundTrip,
  receiveAndHash,
  startEchoServer,
  startSourceServer,
  type TestServer,
} from './support/net';
import { sshdAvailability, startSshd, type SshdInstance } from './support/sshd';

const avail = sshdAvailability();
const bin = join(import.meta.dirname, '..', 'bin', 'burrow');

/** `burrow up` as a user runs it: a child process with no terminal, read line by line. */
class BurrowProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  /** `nodeArgs`: run the launcher under `node` with these flags instead of by its shebang. */
  constructor(args: string[], env: Record<string, string>, nodeArgs?: string[]) {
    const [command, argv] = nodeArgs
      ? [process.execPath, [...nodeArgs, bin, ...args]]
      : [bin, args];
    this.child = spawn(command, argv, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Complete stdout lines parsed as JSON (with --json, every line is one object). */
  get lines(): Record<string, unknown>[] {
    return this.stdout
      .split('\n')
      .slice(0, -1)
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  async waitForLine(
    match: Record<string, unknown>,
    timeoutMs = 15_000,
  ): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find((line) =>
        Object.entries(match).every(([k, v]) => line[k] === v),
      );
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(
          `no line like ${JSON.stringify(match)}:\n${this.lines.map((l) => JSON.stringify(l)).join('\n')}\n${this.stderr}`,
        );
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  signal(name: NodeJS.Signals): void {
    this.child.kill(name);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }
}

describe.skipIf(!avail.ok)('burrow up, end to end against a real sshd', () => {
  let keys: TestKeys;
  let sshd: SshdInstance;
  let echo: TestServer;
  let dir: string;

  beforeAll(async () => {
    keys = await makeTestKeys();
    sshd = await startSshd({ keys });
    echo = await startEchoServer();
    dir = await mkdtemp(join(tmpdir(), 'burrow-cli-'));
  });
  afterAll(async () => {
    await echo?.dispose();
    await sshd?.stop();
    await keys?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  async function profilesFile(name: string, profile: Record<string, unknown>): Promise<string> {
    const path = join(dir, name);
    await writeFile(
      path,
      JSON.stringify({ format: 'burrow-profiles', version: 1, profiles: [profile] }),
    );
    return path;
  }

  const base = () => ({
    id: 'staging',
    name: 'Staging',
    host: sshd.host,
    port: sshd.port,
    username: sshd.user,
    auth: [{ type: 'password' }],
    forwards: [
      { id: 'echo', type: 'local', bindPort: 0, targetHost: '127.0.0.1', targetPort: echo.port },
    ],
  });

  it('runs a profile, reports JSON state, carries traffic, and stops cleanly on SIGINT', async () => {
    const file = await profilesFile('ok.json', base());
    const knownHosts = join(dir, 'known_hosts_new');
    const burrow = new BurrowProcess(
      ['up', '--file', file, '--json', '--accept-new-host-keys', '--known-hosts', knownHosts],
      { BURROW_PASSWORD: sshd.password },
    );
    await burrow.waitForLine({ type: 'session', profile: 'Staging', state: 'connected' });
    const active = await burrow.waitForLine({ type: 'forward', forward: 'echo', state: 'active' });
    expect(active).toMatchObject({
      profileId: 'staging',
      bindHost: '127.0.0.1',
      bindPort: expect.any(Number),
    });
    const port = active.bindPort as number;
    expect((await echoRoundTrip('127.0.0.1', port, Buffer.from('cli'))).toString()).toBe('cli');
    await burrow.waitForLine({ type: 'counters', forward: 'echo', totalConnections: 1 }, 5000);
    expect(await readFile(knownHosts, 'utf8')).toContain(`[127.0.0.1]:${sshd.port} ssh-ed25519 `);
    expect(burrow.stderr).toContain(sshd.hostFingerprint);
    expect(burrow.stderr).not.toContain(sshd.password);

    burrow.signal('SIGINT');
    // With stderr, so a failure says why.
    expect({ code: await burrow.exited, stderr: burrow.stderr }).toEqual({
      code: 0,
      stderr: expect.any(String),
    });
    expect(await canConnect('127.0.0.1', port)).toBe(false);
    const lastOf = (type: string) => burrow.lines.filter((line) => line.type === type).at(-1);
    expect(lastOf('session')).toMatchObject({ state: 'stopped' });
    expect(lastOf('forward')).toMatchObject({ state: 'stopped' });
    expect(lastOf('counters')).toMatchObject({ totalConnections: 1, bytesIn: 3, bytesOut: 3 });
  });

  it('downloads 256 MiB through a forward without V8 falling back to full collections', async () => {
    // Guards electron/engine/runtime-tuning.ts: with V8's default heap growth, the buffers a
    // download allocates outside the JS heap set off full mark-compacts all through it (9-11
    // here without the tuning; in the bench ~30% of the CPU while moving data, bench/README.md).
    // With the tuning there are none.
    const source = await startSourceServer(256 * 1024 * 1024);
    const gcFile = join(dir, 'gc-totals.json');
    const file = await profilesFile('bulk.json', {
      ...base(),
      forwards: [
        {
          id: 'bulk',
          type: 'local',
          bindPort: 0,
          targetHost: '127.0.0.1',
          targetPort: source.port,
        },
      ],
    });
    const burrow = new BurrowProcess(
      ['up', '--file', file, '--json', '--known-hosts', sshd.knownHostsPath],
      { BURROW_PASSWORD: sshd.password, BURROW_GC_PROBE_FILE: gcFile },
      GC_PROBE_NODE_ARGS,
    );
    try {
      const active = await burrow.waitForLine({
        type: 'forward',
        forward: 'bulk',
        state: 'active',
      });
      const before = await askGcProbe(burrow.pid, gcFile);
      const received = await receiveAndHash('127.0.0.1', active.bindPort as number);
      const after = await askGcProbe(burrow.pid, gcFile);
      expect(received).toEqual({ sha256: source.sha256, bytes: source.bytes });
      expect(before, 'the GC probe answered').toBeDefined();
      expect(after!.major - before!.major).toBeLessThanOrEqual(3);
    } finally {
      burrow.signal('SIGINT');
      await burrow.exited;
      await source.dispose();
    }
  });

  it('exits non-zero on a fatal login error, with the kind in JSON', async () => {
    const file = await profilesFile('badpw.json', base());
    const burrow = new BurrowProcess(
      ['up', '--file', file, '--json', '--known-hosts', sshd.knownHostsPath],
      {
        BURROW_PASSWORD: 'wrong',
      },
    );
    const exitCode = await burrow.exited;
    expect(exitCode).not.toBe(0);
    expect(burrow.lines).toContainEqual(
      expect.objectContaining({
        type: 'session',
        state: 'error',
        kind: 'auth-failed',
        message: expect.stringContaining('Login to'),
      }),
    );
  });

  it('refuses an unknown host key when no terminal can ask and --accept-new-host-keys is absent', async () => {
    const file = await profilesFile('unknown.json', base());
    const burrow = new BurrowProcess(
      ['up', '--file', file, '--json', '--known-hosts', join(dir, 'empty_known_hosts')],
      {
        BURROW_PASSWORD: sshd.password,
      },
    );
    expect(await burrow.exited).not.toBe(0);
    expect(burrow.lines).toContainEqual(
      expect.objectContaining({ type: 'session', state: 'error', kind: 'host-key-unknown' }),
    );
  });

  it('prints readable lines without --json when there is no terminal', async () => {
    const file = await profilesFile('plain.json', base());
    const burrow = new BurrowProcess(['up', '--file', file, '--known-hosts', sshd.knownHostsPath], {
      BURROW_PASSWORD: sshd.password,
    });
    const deadline = Date.now() + 15_000;
    while (!/active/.test(burrow.stdout) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(burrow.stdout).toMatch(/Staging/);
    expect(burrow.stdout).toMatch(/active/);
    burrow.signal('SIGTERM');
    expect(await burrow.exited).toBe(0);
    // No terminal: plain lines, no cursor movement or colour codes.
    expect(burrow.stdout + burrow.stderr).not.toContain('\u001b[');
  });
});
