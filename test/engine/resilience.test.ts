import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  canConnect,
  echoRoundTrip,
  freePort,
  sleep,
  startEchoServer,
  type TestServer,
} from '../support/net';
import {
  generateHostKey,
  startFaultServer,
  type FaultServer,
  type FaultServerOptions,
} from '../support/fault-server';
import { makeEngine, testProfile } from './engine-fixture';
import { echoExchange } from './client-helpers';

/**
 * Faults an OpenSSH server cannot be asked to produce on cue, injected with ssh2's Server:
 * drops, resets, a frozen server, a server that goes away and comes back, refused logins.
 */
describe('life of a session: drops, keepalive, reconnect', () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  });

  async function fixture(
    options: FaultServerOptions = {},
    profilePatch: Record<string, unknown> = {},
  ) {
    const echo: TestServer = await startEchoServer();
    const server: FaultServer = await startFaultServer({ acceptAnyAuth: true, ...options });
    // Our own copy: the fault server deletes its files when stopped, and the engine must still
    // know the old key when a server comes back on the same port.
    const dir = await mkdtemp(join(tmpdir(), 'burrow-resilience-'));
    const knownHostsPath = join(dir, 'known_hosts');
    await copyFile(server.knownHostsPath, knownHostsPath);
    const t = makeEngine({ knownHostsPath, answers: { password: () => 'secret' } });
    cleanups.push(
      () => rm(dir, { recursive: true, force: true }),
      () => echo.dispose(),
      () => server.stop(),
      () => t.engine.dispose(),
    );
    const profile = testProfile({
      host: server.host,
      port: server.port,
      username: 'tester',
      auth: [{ type: 'password' }],
      forwards: [
        { id: 'out', type: 'local', bindPort: 0, targetHost: '127.0.0.1', targetPort: echo.port },
        { id: 'in', type: 'remote', bindPort: 0, targetHost: '127.0.0.1', targetPort: echo.port },
      ],
      ...profilePatch,
    });
    return { echo, server, t, profile };
  }

  it.each(['dropAll', 'resetAll'] as const)(
    'after %s it reconnects and brings every forward back on the same ports',
    async (fault) => {
      const { server, t, profile } = await fixture();
      await t.engine.start(profile);
      await t.waitForForward(profile.id, 'out', 'active');
      await t.waitForForward(profile.id, 'in', 'active');
      const outPort = t.boundPort(profile.id, 'out');
      const inPort = t.boundPort(profile.id, 'in');

      server[fault]();
      await t.waitForSession(profile.id, 'reconnecting');
      expect(t.session(profile.id)).toMatchObject({
        attempt: 1,
        lastError: { kind: 'connection-lost' },
      });
      await t.waitForSession(profile.id, 'connected');
      await t.waitForForward(profile.id, 'in', 'active');
      expect(t.boundPort(profile.id, 'out')).toBe(outPort);
      expect(t.boundPort(profile.id, 'in')).toBe(inPort);
      expect((await echoRoundTrip('127.0.0.1', outPort, Buffer.from('out again'))).toString()).toBe(
        'out again',
      );
      expect((await echoExchange('127.0.0.1', inPort, Buffer.from('in again'))).toString()).toBe(
        'in again',
      );
      expect(server.readyClients()).toBe(1);
    },
  );

  it('notices a frozen server by keepalive and reconnects', async () => {
    const { server, t, profile } = await fixture(
      {},
      { keepalive: { intervalSeconds: 1, maxMissed: 2 } },
    );
    await t.engine.start(profile);
    await t.waitForSession(profile.id, 'connected');
    server.silenceAll();
    await t.waitForSession(profile.id, 'reconnecting', 10_000);
    expect(t.session(profile.id)).toMatchObject({ lastError: { kind: 'keepalive-timeout' } });
    await t.waitForSession(profile.id, 'connected');
  });

  it('waits out a server that is gone, and holds a client that connects meanwhile', async () => {
    const { server, t, profile, echo } = await fixture();
    await t.engine.start(profile);
    await t.waitForForward(profile.id, 'out', 'active');
    const outPort = t.boundPort(profile.id, 'out');
    const { port, hostKey } = server;
    await server.stop();
    await t.waitForSession(profile.id, 'reconnecting');
    await expect
      .poll(() => (t.session(profile.id) as { lastError?: { kind: string } }).lastError?.kind)
      .toBe('connect-refused');
    // The local port stays ours during the outage; a client that connects now is held, not refused.
    const held = echoRoundTrip('127.0.0.1', outPort, Buffer.from('patience'), 20_000);
    await sleep(300);
    const back = await startFaultServer({ acceptAnyAuth: true, port, hostKey });
    cleanups.push(() => back.stop());
    await t.waitForSession(profile.id, 'connected');
    expect((await held).toString()).toBe('patience');
    expect(echo.port).toBeGreaterThan(0);
  });

  it('reconnectNow skips a long backoff wait', async () => {
    const { server, t, profile } = await fixture(
      {},
      { reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000, jitter: 0 } },
    );
    await t.engine.start(profile);
    await t.waitForSession(profile.id, 'connected');
    server.dropAll();
    await t.waitForSession(profile.id, 'reconnecting');
    const state = t.session(profile.id) as { retryAt: number };
    expect(state.retryAt - Date.now()).toBeGreaterThan(30_000);
    t.engine.reconnectNow();
    await t.waitForSession(profile.id, 'connected', 5000);
  });

  it('does not retry a refused login (no lockout storm)', async () => {
    const { server, t, profile } = await fixture();
    server.setAuthRefused(true);
    await t.engine.start(profile);
    const state = await t.waitForSession(profile.id, 'error');
    expect(state).toMatchObject({ error: { kind: 'auth-failed' } });
    const attempts = server.authAttempts().length;
    const connections = server.connectionCount();
    await sleep(1500);
    expect(server.authAttempts().length).toBe(attempts);
    expect(server.connectionCount()).toBe(connections);
    expect(t.forward(profile.id, 'out')?.state.state ?? 'stopped').toBe('stopped');
  });

  it('gives up and frees its ports when the login is refused on reconnect', async () => {
    const { server, t, profile } = await fixture();
    await t.engine.start(profile);
    await t.waitForForward(profile.id, 'out', 'active');
    const outPort = t.boundPort(profile.id, 'out');
    server.setAuthRefused(true);
    server.dropAll();
    await t.waitForSession(profile.id, 'error');
    expect(t.session(profile.id)).toMatchObject({ error: { kind: 'auth-failed' } });
    await t.waitForForward(profile.id, 'out', 'stopped');
    expect(await canConnect('127.0.0.1', outPort)).toBe(false);
  });

  it('refuses a host key that changed between connections', async () => {
    const { server, t, profile } = await fixture();
    await t.engine.start(profile);
    await t.waitForSession(profile.id, 'connected');
    const { port } = server;
    await server.stop();
    const impostor = await startFaultServer({
      acceptAnyAuth: true,
      port,
      hostKey: await generateHostKey(),
    });
    cleanups.push(() => impostor.stop());
    const state = await t.waitForSession(profile.id, 'error');
    expect(state).toMatchObject({ error: { kind: 'host-key-mismatch' } });
    expect(t.prompts.filter((p) => p.kind === 'host-key')).toEqual([]);
    expect(impostor.authAttempts()).toEqual([]);
  });

  it('stop() during reconnecting releases the ports at once and stops trying', async () => {
    const { server, t, profile } = await fixture();
    await t.engine.start(profile);
    await t.waitForForward(profile.id, 'out', 'active');
    const outPort = t.boundPort(profile.id, 'out');
    await server.stop();
    await t.waitForSession(profile.id, 'reconnecting');
    await t.engine.stop(profile.id);
    expect(t.session(profile.id)).toEqual({ state: 'stopped' });
    expect(t.forward(profile.id, 'out')?.state).toEqual({ state: 'stopped' });
    expect(await canConnect('127.0.0.1', outPort)).toBe(false);
    const logsAfterStop = t.logs.length;
    await sleep(800);
    expect(
      t.logs.slice(logsAfterStop).filter((l) => /Reconnecting|Connecting/.test(l.message)),
    ).toEqual([]);
  });

  it('classifies what happens before SSH: refused, timeout, dns', async () => {
    const closed = await freePort();
    const blackhole = await startFaultServer({ acceptAnyAuth: true });
    blackhole.blackholeNewConnections(true);
    cleanups.push(() => blackhole.stop());
    const t = makeEngine({ knownHostsPath: blackhole.knownHostsPath });
    cleanups.push(() => t.engine.dispose());
    const cases = [
      { host: '127.0.0.1', port: closed, kind: 'connect-refused' },
      { host: '127.0.0.1', port: blackhole.port, kind: 'timeout' },
      { host: 'no-such-host.invalid', port: 22, kind: 'dns' },
    ];
    const profiles = cases.map(({ host, port }) =>
      testProfile({
        host,
        port,
        username: 'x',
        auth: [{ type: 'password' }],
        connectTimeoutSeconds: 1,
      }),
    );
    await Promise.all(profiles.map((p) => t.engine.start(p)));
    for (const [i, profile] of profiles.entries()) {
      const state = await t.waitForSession(profile.id, 'reconnecting');
      expect(state).toMatchObject({ lastError: { kind: cases[i]!.kind } });
    }
  });
});
