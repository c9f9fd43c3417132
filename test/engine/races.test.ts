import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server } from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import { generateHostKey, startFaultServer, type FaultServer } from '../support/fault-server';
import { canConnect, freePort, sleep, startEchoServer } from '../support/net';
import { makeEngine, testProfile, waitUntil } from './engine-fixture';

/** Races and edge paths found in review; each test once failed against the engine. */
describe('races and edges of a session', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  });

  async function setup(
    forwards: unknown[],
    answers: Parameters<typeof makeEngine>[0]['answers'] = {},
  ) {
    const server: FaultServer = await startFaultServer({ acceptAnyAuth: true });
    const dir = await mkdtemp(join(tmpdir(), 'burrow-races-'));
    const knownHostsPath = join(dir, 'known_hosts');
    await copyFile(server.knownHostsPath, knownHostsPath);
    const t = makeEngine({ knownHostsPath, answers: { password: () => 'pw', ...answers } });
    cleanups.push(
      () => rm(dir, { recursive: true, force: true }),
      () => server.stop(),
      () => t.engine.dispose(),
    );
    const profile = testProfile({
      host: server.host,
      port: server.port,
      username: 'u',
      auth: [{ type: 'password' }],
      forwards: forwards as never,
    });
    return { server, t, profile, knownHostsPath };
  }

  it('stopForward right after startForward leaves no port bound', async () => {
    const port = await freePort();
    const { t, profile } = await setup([
      {
        id: 'f',
        type: 'local',
        bindPort: port,
        targetHost: '127.0.0.1',
        targetPort: 1,
        enabled: false,
      },
    ]);
    await t.engine.start(profile);
    await t.waitForSession(profile.id, 'connected');
    await Promise.all([
      t.engine.startForward(profile.id, 'f'),
      t.engine.stopForward(profile.id, 'f'),
    ]);
    expect(t.forward(profile.id, 'f')?.state).toEqual({ state: 'stopped' });
    expect(await canConnect('127.0.0.1', port)).toBe(false);
    await t.engine.startForward(profile.id, 'f');
    await t.waitForForward(profile.id, 'f', 'active');
  });

  it('stop() while the first forwards are binding leaves no port bound', async () => {
    const port = await freePort();
    const { t, profile } = await setup([{ id: 'f', type: 'dynamic', bindPort: port }]);
    const started = t.engine.start(profile);
    await waitUntil(
      () => t.session(profile.id)?.state === 'connected',
      5000,
      () => 'connected',
    );
    await t.engine.stop(profile.id);
    await started;
    expect(t.forward(profile.id, 'f')?.state).toEqual({ state: 'stopped' });
    expect(await canConnect('127.0.0.1', port)).toBe(false);
  });

  it('two start() calls on a failed profile make one session, and stop() ends it', async () => {
    const port = await freePort();
    const { server, t, profile } = await setup([{ id: 'f', type: 'dynamic', bindPort: port }]);
    server.setAuthRefused(true);
    await t.engine.start(profile);
    await t.waitForSession(profile.id, 'error');
    server.setAuthRefused(false);
    await Promise.all([t.engine.start(profile), t.engine.start(profile)]);
    await t.waitForForward(profile.id, 'f', 'active');
    expect(server.readyClients()).toBe(1);
    await t.engine.stop(profile.id);
    await waitUntil(
      () => server.readyClients() === 0,
      3000,
      () => `${server.readyClients()} clients`,
    );
    expect(await canConnect('127.0.0.1', port)).toBe(false);
  });

  it('a profile that gave up binds nothing for edits, and starting a forward tries it again', async () => {
    const port = await freePort();
    const { server, t, profile } = await setup([]);
    await t.engine.start(profile);
    await t.waitForSession(profile.id, 'connected');
    server.setAuthRefused(true);
    server.dropAll();
    await t.waitForSession(profile.id, 'error');
    const edited = {
      ...profile,
      forwards: [
        { id: 'f', type: 'dynamic' as const, enabled: true, bindHost: '127.0.0.1', bindPort: port },
      ],
    };
    await t.engine.update(edited);
    expect(await canConnect('127.0.0.1', port)).toBe(false);
    server.setAuthRefused(false);
    await t.engine.startForward(profile.id, 'f');
    await t.waitForSession(profile.id, 'connected');
    await t.waitForForward(profile.id, 'f', 'active');
  });

  it('a forward that failed on a busy port starts once the port is free', async () => {
    const squatter = createServer();
    const port = await new Promise<number>((r) =>
      squatter.listen(0, '127.0.0.1', () => r((squatter.address() as { port: number }).port)),
    );
    const { t, profile } = await setup([{ id: 'f', type: 'dynamic', bindPort: port }]);
    await t.engine.start(profile);
    await t.waitForForward(profile.id, 'f', 'error');
    await new Promise((r) => squatter.close(r));
    await t.engine.startForward(profile.id, 'f');
    await t.waitForForward(profile.id, 'f', 'active');
  });

  it('a login that dies withdraws its open question', async () => {
    const { server, t, profile } = await setup([], {
      password: () => new Promise<string | null>(() => {}),
    });
    void t.engine.start(profile);
    await waitUntil(
      () => t.signals.length > 0,
      5000,
      () => 'the password question',
    );
    server.dropAll();
    await waitUntil(
      () => t.signals[0]!.aborted,
      5000,
      () => 'the question to be withdrawn',
    );
  });

  it('an unreadable known_hosts is an invalid setting, not a reason to retry', async () => {
    const { server, t, profile } = await setup([]);
    const broken = makeEngine({
      knownHostsPath: '/dev/null/known_hosts',
      answers: { password: () => 'pw' },
    });
    cleanups.push(() => broken.engine.dispose());
    await broken.engine.start(profile);
    const state = await broken.waitForSession(profile.id, 'error');
    expect(state).toMatchObject({
      error: { kind: 'invalid-config', message: expect.stringContaining('/dev/null/known_hosts') },
    });
    expect(server.connectionCount()).toBeLessThanOrEqual(1);
    void t;
  });

  it('a host key that cannot be saved is still trusted for this session, with a warning', async () => {
    const { t, profile } = await setup([]);
    const engine = makeEngine({
      knownHostsPath: '/sys/burrow-cannot-write/known_hosts',
      answers: { 'host-key': () => 'accept-save', password: () => 'pw' },
    });
    cleanups.push(() => engine.engine.dispose());
    await engine.engine.start(profile);
    await engine.waitForSession(profile.id, 'connected');
    expect(
      engine.logs.some(
        (l) => l.level === 'warn' && /trusted for this session only/.test(l.message),
      ),
    ).toBe(true);
    void t;
  });

  it('keeps backing off when a server accepts the login and drops it at once', async () => {
    const { server, t, profile } = await setup([]);
    await t.engine.start(profile);
    for (let drop = 1; drop <= 3; drop++) {
      await t.waitForSession(profile.id, 'connected');
      server.dropAll();
      await t.waitForSession(profile.id, 'reconnecting');
      expect(t.session(profile.id)).toMatchObject({ attempt: drop });
    }
  });

  it('a jump host that never answers the channel open times out, and stop() does not wait on it', async () => {
    const hostKey = await generateHostKey();
    // A jump host that logs anyone in and then never answers a channel open.
    const silentJump = new Server({ hostKeys: [hostKey] }, (client) => {
      client.on('error', () => {});
      client.on('authentication', (ctx) =>
        ctx.method === 'none' ? ctx.reject(['password']) : ctx.accept(),
      );
      client.on('tcpip', () => {});
    });
    silentJump.on('error', () => {});
    await new Promise<void>((r) => silentJump.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => silentJump.close(r)));
    const jumpPort = (silentJump.address() as { port: number }).port;
    const echo = await startEchoServer();
    cleanups.push(() => echo.dispose());
    const t = makeEngine({
      knownHostsPath: '/nonexistent/known_hosts',
      answers: { 'host-key': () => 'accept-once', password: () => 'pw' },
    });
    cleanups.push(() => t.engine.dispose());
    const profile = testProfile({
      host: '127.0.0.1',
      port: echo.port,
      username: 'u',
      auth: [{ type: 'password' }],
      connectTimeoutSeconds: 1,
      jumpHosts: [
        { host: '127.0.0.1', port: jumpPort, username: 'j', auth: [{ type: 'password' }] },
      ],
    });
    await t.engine.start(profile);
    const state = await t.waitForSession(profile.id, 'reconnecting', 5000);
    expect(state).toMatchObject({ lastError: { kind: 'timeout' } });
    const before = Date.now();
    await t.engine.stop(profile.id);
    expect(Date.now() - before).toBeLessThan(1500);
    await sleep(50);
  });
});

describe('waking from sleep', () => {
  it('reconnectNow({ evenIfConnected }) renews a live session at once, keeping the local port', async () => {
    const server = await startFaultServer({ acceptAnyAuth: true });
    const dir = await mkdtemp(join(tmpdir(), 'burrow-renew-'));
    const knownHostsPath = join(dir, 'known_hosts');
    await copyFile(server.knownHostsPath, knownHostsPath);
    const t = makeEngine({ knownHostsPath, answers: { password: () => 'pw' } });
    const profile = testProfile({
      host: server.host,
      port: server.port,
      username: 'u',
      auth: [{ type: 'password' }],
      // A long backoff: only an immediate renewal gets back within the test's wait.
      reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000, jitter: 0 },
      forwards: [{ id: 'socks', type: 'dynamic', bindPort: 0 }],
    });
    try {
      await t.engine.start(profile);
      await t.waitForForward(profile.id, 'socks', 'active');
      const port = t.boundPort(profile.id, 'socks');
      const connections = server.connectionCount();
      t.engine.reconnectNow({ evenIfConnected: true });
      await waitUntil(
        () =>
          server.connectionCount() > connections && t.session(profile.id)?.state === 'connected',
        5000,
        () => JSON.stringify(t.session(profile.id)),
      );
      expect(t.boundPort(profile.id, 'socks')).toBe(port);
      expect(t.logs.some((l) => /Renewing the connection/.test(l.message))).toBe(true);
    } finally {
      await t.engine.dispose();
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('which forwards run', () => {
  it('keeps the user’s own start of one forward through edits, and starts one asked for mid-connect', async () => {
    const server = await startFaultServer({ acceptAnyAuth: true });
    const dir = await mkdtemp(join(tmpdir(), 'burrow-wanted-'));
    const knownHostsPath = join(dir, 'known_hosts');
    await copyFile(server.knownHostsPath, knownHostsPath);
    let answer: (pw: string) => void = () => {};
    const t = makeEngine({
      knownHostsPath,
      answers: { password: () => new Promise((r) => (answer = r)) },
    });
    const profile = testProfile({
      host: server.host,
      port: server.port,
      username: 'u',
      auth: [{ type: 'password' }],
      forwards: [
        { id: 'a', type: 'dynamic', bindPort: 0 },
        { id: 'b', type: 'dynamic', bindPort: 0 },
        { id: 'c', type: 'dynamic', bindPort: 0, enabled: false },
      ],
    });
    try {
      // Only c, while the login waits for its password; then b too, before it is answered.
      const started = t.engine.start(profile, { onlyForwards: ['c'] });
      await waitUntil(
        () => t.prompts.length === 1,
        5000,
        () => 'the password question',
      );
      await t.engine.startForward(profile.id, 'b');
      answer('pw');
      await started;
      await t.waitForForward(profile.id, 'c', 'active');
      await t.waitForForward(profile.id, 'b', 'active');
      expect(t.forward(profile.id, 'a')?.state.state ?? 'stopped').not.toBe('active');

      // A rename changes nothing about which forwards run.
      await t.engine.update({ ...profile, name: 'renamed' });
      expect(
        ['a', 'b', 'c'].map((id) => t.forward(profile.id, id)?.state.state ?? 'stopped'),
      ).toEqual(['stopped', 'active', 'active']);
      // A saved change of "starts with the profile" is the user's new word, and applies.
      await t.engine.update({
        ...profile,
        forwards: profile.forwards.map((f) => (f.id === 'b' ? { ...f, enabled: false } : f)),
      });
      expect(t.forward(profile.id, 'b')?.state.state).toBe('stopped');
    } finally {
      await t.engine.dispose();
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
