import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestKeys, type TestKeys } from '../support/keys';
import {
  canConnect,
  echoRoundTrip,
  receiveAndHash,
  sendAndHash,
  startEchoServer,
  startSinkServer,
  startSourceServer,
  type TestServer,
} from '../support/net';
import { sshdAvailability, startSshd, type SshdInstance } from '../support/sshd';
import { keyProfile, makeEngine } from './engine-fixture';

const avail = sshdAvailability();
const MiB = 1024 * 1024;

describe.skipIf(!avail.ok)('incoming (remote) forwards through a real sshd', () => {
  let keys: TestKeys;
  let sshd: SshdInstance;
  let gateway: SshdInstance;
  let echo: TestServer;

  beforeAll(async () => {
    keys = await makeTestKeys();
    [sshd, gateway] = await Promise.all([
      startSshd({ keys }),
      startSshd({ keys, variant: 'gateway-clientspecified' }),
    ]);
    echo = await startEchoServer();
  });
  afterAll(async () => {
    await echo?.dispose();
    await sshd?.stop();
    await gateway?.stop();
    await keys?.cleanup();
  });

  const profileOn = (server: SshdInstance, forwards: unknown[]) =>
    keyProfile(server, keys.ed25519.privatePath, forwards);

  it('reports the port the server picked, brings connections home, and cancels on stop', async () => {
    const t = makeEngine({ knownHostsPath: sshd.knownHostsPath });
    const profile = profileOn(sshd, [
      { id: 'in', type: 'remote', bindPort: 0, targetHost: '127.0.0.1', targetPort: echo.port },
    ]);
    await t.engine.start(profile);
    const status = await t.waitForForward(profile.id, 'in', 'active');
    expect(status.state).toMatchObject({ bindHost: '127.0.0.1' });
    const port = t.boundPort(profile.id, 'in');
    expect(port).toBeGreaterThan(0);
    // sshd listens on the server (here the same machine); a connection there reaches our echo.
    expect(
      (await echoRoundTrip('127.0.0.1', port, Buffer.from('from the server side'))).toString(),
    ).toBe('from the server side');
    await expect
      .poll(() => t.forward(profile.id, 'in')?.counters)
      .toMatchObject({ totalConnections: 1, bytesIn: 20, bytesOut: 20 });

    await t.engine.stop(profile.id);
    expect(await canConnect('127.0.0.1', port)).toBe(false);
    await t.engine.dispose();
  });

  it('moves 32 MiB each way intact', async () => {
    const sink = await startSinkServer();
    const source = await startSourceServer(32 * MiB);
    const t = makeEngine({ knownHostsPath: sshd.knownHostsPath });
    const profile = profileOn(sshd, [
      { id: 'up', type: 'remote', bindPort: 0, targetHost: '127.0.0.1', targetPort: sink.port },
      { id: 'down', type: 'remote', bindPort: 0, targetHost: '127.0.0.1', targetPort: source.port },
    ]);
    await t.engine.start(profile);
    await t.waitForForward(profile.id, 'up', 'active');
    await t.waitForForward(profile.id, 'down', 'active');
    const [up, down] = await Promise.all([
      sendAndHash('127.0.0.1', t.boundPort(profile.id, 'up'), 32 * MiB),
      receiveAndHash('127.0.0.1', t.boundPort(profile.id, 'down')),
    ]);
    expect(up.reply.trim()).toBe(`${up.sentSha} ${32 * MiB}`);
    expect(down).toEqual({ sha256: source.sha256, bytes: 32 * MiB });
    await t.engine.dispose();
    await sink.dispose();
    await source.dispose();
  });

  it('reaches a target on a third host, and records an unreachable one on the forward', async () => {
    const thirdHost = await startEchoServer('127.0.0.3');
    const closed = await closedPort();
    const t = makeEngine({ knownHostsPath: sshd.knownHostsPath });
    const profile = profileOn(sshd, [
      {
        id: 'third',
        type: 'remote',
        bindPort: 0,
        targetHost: '127.0.0.3',
        targetPort: thirdHost.port,
      },
      { id: 'dead', type: 'remote', bindPort: 0, targetHost: '127.0.0.1', targetPort: closed },
    ]);
    await t.engine.start(profile);
    await t.waitForForward(profile.id, 'third', 'active');
    await t.waitForForward(profile.id, 'dead', 'active');
    expect(
      (
        await echoRoundTrip('127.0.0.1', t.boundPort(profile.id, 'third'), Buffer.from('3rd'))
      ).toString(),
    ).toBe('3rd');
    await echoRoundTrip('127.0.0.1', t.boundPort(profile.id, 'dead'), Buffer.from('x')).catch(() =>
      Buffer.alloc(0),
    );
    await expect
      .poll(() => t.forward(profile.id, 'dead')?.lastError?.kind)
      .toBe('target-unreachable');
    // The forward itself still listens: the target may come up later.
    expect(t.forward(profile.id, 'dead')?.state.state).toBe('active');
    await t.engine.dispose();
    await thirdHost.dispose();
  });

  it('shows a port the server will not take as remote-bind-refused, other forwards unharmed', async () => {
    const squatter = await listenOn('127.0.0.1');
    const taken = (squatter.address() as { port: number }).port;
    const t = makeEngine({ knownHostsPath: sshd.knownHostsPath });
    const profile = profileOn(sshd, [
      {
        id: 'taken',
        type: 'remote',
        bindPort: taken,
        targetHost: '127.0.0.1',
        targetPort: echo.port,
      },
      { id: 'ok', type: 'remote', bindPort: 0, targetHost: '127.0.0.1', targetPort: echo.port },
    ]);
    await t.engine.start(profile);
    const refused = await t.waitForForward(profile.id, 'taken', 'error');
    expect(refused.state).toMatchObject({ error: { kind: 'remote-bind-refused' } });
    await t.waitForForward(profile.id, 'ok', 'active');
    expect(t.session(profile.id)?.state).toBe('connected');
    await t.engine.dispose();
    squatter.close();
  });

  it('binds off-host where GatewayPorts clientspecified allows it', async () => {
    const t = makeEngine({ knownHostsPath: gateway.knownHostsPath });
    const profile = profileOn(gateway, [
      {
        id: 'all',
        type: 'remote',
        bindHost: '0.0.0.0',
        bindPort: 0,
        targetHost: '127.0.0.1',
        targetPort: echo.port,
      },
      { id: 'loop', type: 'remote', bindPort: 0, targetHost: '127.0.0.1', targetPort: echo.port },
    ]);
    await t.engine.start(profile);
    await t.waitForForward(profile.id, 'all', 'active');
    await t.waitForForward(profile.id, 'loop', 'active');
    expect(
      (
        await echoRoundTrip('127.0.0.2', t.boundPort(profile.id, 'all'), Buffer.from('lan'))
      ).toString(),
    ).toBe('lan');
    expect(await canConnect('127.0.0.2', t.boundPort(profile.id, 'loop'))).toBe(false);
    await t.engine.dispose();
  });

  it('stays on loopback where GatewayPorts no overrides an off-host bind (OpenSSH behaviour)', async () => {
    const t = makeEngine({ knownHostsPath: sshd.knownHostsPath });
    const profile = profileOn(sshd, [
      {
        id: 'all',
        type: 'remote',
        bindHost: '0.0.0.0',
        bindPort: 0,
        targetHost: '127.0.0.1',
        targetPort: echo.port,
      },
    ]);
    await t.engine.start(profile);
    await t.waitForForward(profile.id, 'all', 'active');
    const port = t.boundPort(profile.id, 'all');
    expect(await canConnect('127.0.0.1', port)).toBe(true);
    expect(await canConnect('127.0.0.2', port)).toBe(false);
    await t.engine.dispose();
  });
});

function listenOn(host: string): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, host, () => resolve(server));
  });
}

async function closedPort(): Promise<number> {
  const server = await listenOn('127.0.0.1');
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}
