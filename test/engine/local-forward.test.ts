import { createHash } from 'node:crypto';
import { connect, createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestKeys, type TestKeys } from '../support/keys';
import {
  canConnect,
  echoRoundTrip,
  receiveAndHash,
  sendAndHash,
  startEchoServer,
  startReplyAndCloseServer,
  startSinkServer,
  startSourceServer,
  type TestServer,
} from '../support/net';
import { sshdAvailability, startSshd, type SshdInstance } from '../support/sshd';
import { expectCloseRightBehindReply } from './client-helpers';
import { keyProfile, makeEngine } from './engine-fixture';

const avail = sshdAvailability();
if (!avail.ok) console.warn(`Skipping OpenSSH tests: ${avail.reason}`);

const MiB = 1024 * 1024;

describe.skipIf(!avail.ok)('outgoing (local) forwards through a real sshd', () => {
  let keys: TestKeys;
  let sshd: SshdInstance;
  let echo: TestServer;

  beforeAll(async () => {
    keys = await makeTestKeys();
    sshd = await startSshd({ keys });
    echo = await startEchoServer();
  });
  afterAll(async () => {
    await echo?.dispose();
    await sshd?.stop();
    await keys?.cleanup();
  });

  const profileTo = (forwards: unknown[]) => keyProfile(sshd, keys.ed25519.privatePath, forwards);

  it('listens on a free port, carries data both ways, counts it, and frees the port on stop', async () => {
    const t = makeEngine({ knownHostsPath: sshd.knownHostsPath });
    const profile = profileTo([
      { id: 'echo', type: 'local', bindPort: 0, targetHost: '127.0.0.1', targetPort: echo.port },
    ]);
    await t.engine.start(profile);
    const status = await t.waitForForward(profile.id, 'echo', 'active');
    expect(t.session(profile.id)).toMatchObject({
      state: 'connected',
      cipher: 'aes128-gcm@openssh.com',
    });
    const port = t.boundPort(profile.id, 'echo');
    expect(port).toBeGreaterThan(0);
    expect(status.state).toMatchObject({ bindHost: '127.0.0.1' });

    const payload = Buffer.from('hello through the burrow');
    expect((await echoRoundTrip('127.0.0.1', port, payload)).toString()).toBe(payload.toString());
    await t.waitForForward(profile.id, 'echo', 'active');
    await expect
      .poll(() => t.forward(profile.id, 'echo')?.counters)
      .toMatchObject({
        totalConnections: 1,
        activeConnections: 0,
        bytesOut: payload.length,
        bytesIn: payload.length,
      });

    await t.engine.stop(profile.id);
    expect(t.forward(profile.id, 'echo')?.state).toEqual({ state: 'stopped' });
    expect(t.session(profile.id)).toEqual({ state: 'stopped' });
    // Stopped means released: nothing answers, and the port can be bound again at once.
    expect(await canConnect('127.0.0.1', port)).toBe(false);
    await new Promise<void>((resolve, reject) => {
      const again = createServer();
      again.once('error', reject);
      again.listen(port, '127.0.0.1', () => again.close(() => resolve()));
    });
    await t.engine.dispose();
  });

  it('moves 32 MiB each way intact, and one session carries every forward', async () => {
    const sink = await startSinkServer();
    const source = await startSourceServer(32 * MiB);
    const t = makeEngine({ knownHostsPath: sshd.knownHostsPath });
    const profile = profileTo([
      { id: 'up', type: 'local', bindPort: 0, targetHost: '127.0.0.1', targetPort: sink.port },
      { id: 'down', type: 'local', bindPort: 0, targetHost: '127.0.0.1', targetPort: source.port },
    ]);
    const before = countLogins(sshd);
    await t.engine.start(profile);
    await t.waitForForward(profile.id, 'up', 'active');
    await t.waitForForward(profile.id, 'down', 'active');

    const [up, down] = await Promise.all([
      sendAndHash('127.0.0.1', t.boundPort(profile.id, 'up'), 32 * MiB),
      receiveAndHash('127.0.0.1', t.boundPort(profile.id, 'down')),
    ]);
    expect(up.reply.trim()).toBe(`${up.sentSha} ${32 * MiB}`);
    expect(down).toEqual({ sha256: source.sha256, bytes: 32 * MiB });
    await expect.poll(() => t.forward(profile.id, 'up')?.counters.bytesOut).toBe(32 * MiB);
    await expect.poll(() => t.forward(profile.id, 'down')?.counters.bytesIn).toBe(32 * MiB);
    expect(countLogins(sshd) - before).toBe(1);

    await t.engine.dispose();
    await sink.dispose();
    await source.dispose();
  });

  it('keeps the tail of a download when the client half-closes first', async () => {
    const t = makeEngine({ knownHostsPath: sshd.knownHostsPath });
    const profile = profileTo([
      { id: 'echo', type: 'local', bindPort: 0, targetHost: '127.0.0.1', targetPort: echo.port },
    ]);
    await t.engine.start(profile);
    await t.waitForForward(profile.id, 'echo', 'active');
    // echoRoundTrip ends its side right after writing: every byte must still come back.
    const payload = Buffer.alloc(4 * MiB, 7);
    const back = await echoRoundTrip('127.0.0.1', t.boundPort(profile.id, 'echo'), payload);
    expect(back.length).toBe(payload.length);
    expect(back.equals(payload)).toBe(true);
    await t.engine.dispose();
  });

  it('keeps the tail of an upload when the target closes its own side first', async () => {
    // Like `nc -l > file`: the target never writes and half-closes at once, so the local socket
    // closes while the upload's tail may still sit in the SSH channel waiting for window.
    const received: Promise<{ sha: string; bytes: number }>[] = [];
    const target = createServer({ allowHalfOpen: true }, (socket) => {
      socket.end();
      // A slow reader: the SSH window fills, so the tail waits inside the channel.
      socket.pause();
      setTimeout(() => socket.resume(), 1500);
      received.push(
        new Promise((resolve) => {
          const hash = createHash('sha256');
          let bytes = 0;
          socket.on('data', (chunk: Buffer) => {
            hash.update(chunk);
            bytes += chunk.length;
          });
          socket.on('end', () => resolve({ sha: hash.digest('hex'), bytes }));
        }),
      );
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    const t = makeEngine({ knownHostsPath: sshd.knownHostsPath });
    const profile = profileTo([
      {
        id: 'up',
        type: 'local',
        bindPort: 0,
        targetHost: '127.0.0.1',
        targetPort: (target.address() as { port: number }).port,
      },
    ]);
    await t.engine.start(profile);
    await t.waitForForward(profile.id, 'up', 'active');
    const sent = await sendAndHash('127.0.0.1', t.boundPort(profile.id, 'up'), 16 * MiB);
    await expect.poll(() => received.length).toBe(1);
    expect(await received[0]).toEqual({ sha: sent.sentSha, bytes: 16 * MiB });
    await t.engine.dispose();
    target.close();
  });

  it('holds a download back while the local reader is not reading, and loses nothing', async () => {
    // A local client that stops reading must stop the server too (the socket pauses the channel,
    // the channel stops granting SSH window): otherwise Burrow would buffer the whole download.
    const total = 64 * MiB;
    const source = await startSourceServer(total);
    const t = makeEngine({ knownHostsPath: sshd.knownHostsPath });
    const profile = profileTo([
      { id: 'down', type: 'local', bindPort: 0, targetHost: '127.0.0.1', targetPort: source.port },
    ]);
    await t.engine.start(profile);
    await t.waitForForward(profile.id, 'down', 'active');
    const sock = connect({ host: '127.0.0.1', port: t.boundPort(profile.id, 'down') });
    sock.pause();
    await new Promise((r) => setTimeout(r, 1500));
    const heldBack = t.forward(profile.id, 'down')!.counters.bytesIn;
    // What may be in flight: both sockets' kernel buffers, the SSH window (2 MiB), the channel's
    // and the socket's stream buffers. Far less than the 64 MiB the source is trying to send.
    expect(heldBack).toBeGreaterThan(0);
    expect(heldBack).toBeLessThan(24 * MiB);
    const hash = createHash('sha256');
    let bytes = 0;
    await new Promise<void>((resolve, reject) => {
      sock.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        bytes += chunk.length;
      });
      sock.once('end', () => resolve());
      sock.once('error', reject);
      sock.resume();
    });
    sock.destroy();
    expect({ bytes, sha: hash.digest('hex') }).toEqual({ bytes: total, sha: source.sha256 });
    await t.engine.dispose();
    await source.dispose();
  });

  it("passes a target's close on right behind its reply, not a delayed-ACK timer later", async () => {
    // sshd leaves Nagle on for tunnels, so its channel EOF waits until the reply before it is
    // acknowledged; without Burrow's nudge (ack-nudge.ts) the ACK, and so the close, came ~40 ms
    // late every time.
    const replier = await startReplyAndCloseServer();
    const t = makeEngine({ knownHostsPath: sshd.knownHostsPath });
    const profile = profileTo([
      { id: 'rr', type: 'local', bindPort: 0, targetHost: '127.0.0.1', targetPort: replier.port },
    ]);
    await t.engine.start(profile);
    await t.waitForForward(profile.id, 'rr', 'active');
    await expectCloseRightBehindReply(t.boundPort(profile.id, 'rr'));
    await t.engine.dispose();
    await replier.dispose();
  });

  it('carries 1000 simultaneous connections through one forward', async () => {
    const t = makeEngine({ knownHostsPath: sshd.knownHostsPath });
    const profile = profileTo([
      { id: 'echo', type: 'local', bindPort: 0, targetHost: '127.0.0.1', targetPort: echo.port },
    ]);
    await t.engine.start(profile);
    await t.waitForForward(profile.id, 'echo', 'active');
    const port = t.boundPort(profile.id, 'echo');
    const results = await Promise.allSettled(
      Array.from({ length: 1000 }, (_, i) =>
        echoRoundTrip('127.0.0.1', port, Buffer.from(`conn ${i}`), 60_000),
      ),
    );
    const failures = results.filter((r) => r.status === 'rejected');
    expect(failures.map((f) => String((f as PromiseRejectedResult).reason)).slice(0, 3)).toEqual(
      [],
    );
    results.forEach((r, i) =>
      expect((r as PromiseFulfilledResult<Buffer>).value.toString()).toBe(`conn ${i}`),
    );
    await expect
      .poll(() => t.forward(profile.id, 'echo')?.counters)
      .toMatchObject({
        totalConnections: 1000,
        activeConnections: 0,
      });
    await t.engine.dispose();
  }, 90_000);

  it('listens off-host (0.0.0.0) and reaches a target on a third host', async () => {
    // 127.0.0.3 stands in for a third machine: the target listens only there.
    const thirdHost = await startEchoServer('127.0.0.3');
    const t = makeEngine({ knownHostsPath: sshd.knownHostsPath });
    const profile = profileTo([
      {
        id: 'lan',
        type: 'local',
        bindHost: '0.0.0.0',
        bindPort: 0,
        targetHost: '127.0.0.3',
        targetPort: thirdHost.port,
      },
      {
        id: 'loop',
        type: 'local',
        bindPort: 0,
        targetHost: '127.0.0.3',
        targetPort: thirdHost.port,
      },
    ]);
    await t.engine.start(profile);
    await t.waitForForward(profile.id, 'lan', 'active');
    await t.waitForForward(profile.id, 'loop', 'active');
    const lanPort = t.boundPort(profile.id, 'lan');
    // Reached through another of this machine's addresses: proof that it is not loopback-only.
    expect((await echoRoundTrip('127.0.0.2', lanPort, Buffer.from('lan'))).toString()).toBe('lan');
    expect(await canConnect('127.0.0.2', t.boundPort(profile.id, 'loop'))).toBe(false);
    await t.engine.dispose();
    await thirdHost.dispose();
  });

  it('reports a busy port on that forward alone', async () => {
    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
    const busyPort = (squatter.address() as { port: number }).port;
    const t = makeEngine({ knownHostsPath: sshd.knownHostsPath });
    const profile = profileTo([
      {
        id: 'busy',
        type: 'local',
        bindPort: busyPort,
        targetHost: '127.0.0.1',
        targetPort: echo.port,
      },
      { id: 'fine', type: 'local', bindPort: 0, targetHost: '127.0.0.1', targetPort: echo.port },
    ]);
    await t.engine.start(profile);
    const busy = await t.waitForForward(profile.id, 'busy', 'error');
    expect(busy.state).toMatchObject({ state: 'error', error: { kind: 'port-in-use' } });
    expect(busy.state.state === 'error' && busy.state.error.message).toMatch(
      /already in use.*Pick another port/,
    );
    await t.waitForForward(profile.id, 'fine', 'active');
    expect(t.session(profile.id)?.state).toBe('connected');
    const back = await echoRoundTrip(
      '127.0.0.1',
      t.boundPort(profile.id, 'fine'),
      Buffer.from('ok'),
    );
    expect(back.toString()).toBe('ok');
    await t.engine.dispose();
    squatter.close();
  });

  it('adds, changes and removes forwards while the session runs', async () => {
    const t = makeEngine({ knownHostsPath: sshd.knownHostsPath });
    const profile = profileTo([
      { id: 'a', type: 'local', bindPort: 0, targetHost: '127.0.0.1', targetPort: echo.port },
    ]);
    const before = countLogins(sshd);
    await t.engine.start(profile);
    await t.waitForForward(profile.id, 'a', 'active');
    const portA = t.boundPort(profile.id, 'a');

    await t.engine.update({
      ...profile,
      forwards: [
        ...profile.forwards,
        { id: 'b', type: 'dynamic', enabled: true, bindHost: '127.0.0.1', bindPort: 0 },
      ],
    });
    await t.waitForForward(profile.id, 'b', 'active');
    expect(t.boundPort(profile.id, 'a')).toBe(portA);

    await t.engine.update({ ...profile, forwards: [] });
    expect(t.forward(profile.id, 'a')).toBeUndefined();
    expect(t.forward(profile.id, 'b')).toBeUndefined();
    expect(await canConnect('127.0.0.1', portA)).toBe(false);
    expect(t.session(profile.id)?.state).toBe('connected');
    expect(countLogins(sshd) - before).toBe(1);

    await t.engine
      .startForward(profile.id, 'missing')
      .catch((err: Error) => expect(err.message).toMatch(/no forward/));
    await t.engine.dispose();
  });

  it('stops and restarts a single forward', async () => {
    const t = makeEngine({ knownHostsPath: sshd.knownHostsPath });
    const profile = profileTo([
      { id: 'a', type: 'local', bindPort: 0, targetHost: '127.0.0.1', targetPort: echo.port },
      {
        id: 'b',
        type: 'local',
        enabled: false,
        bindPort: 0,
        targetHost: '127.0.0.1',
        targetPort: echo.port,
      },
    ]);
    await t.engine.start(profile);
    await t.waitForForward(profile.id, 'a', 'active');
    expect(t.forward(profile.id, 'b')).toBeUndefined();
    const portA = t.boundPort(profile.id, 'a');
    await t.engine.stopForward(profile.id, 'a');
    expect(t.forward(profile.id, 'a')?.state).toEqual({ state: 'stopped' });
    expect(await canConnect('127.0.0.1', portA)).toBe(false);
    await t.engine.startForward(profile.id, 'b');
    await t.waitForForward(profile.id, 'b', 'active');
    expect(
      (await echoRoundTrip('127.0.0.1', t.boundPort(profile.id, 'b'), Buffer.from('b'))).toString(),
    ).toBe('b');
    await t.engine.dispose();
  });
});

/** Successful logins sshd has logged so far: one per SSH session. */
function countLogins(sshd: SshdInstance): number {
  return (sshd.logs().match(/Accepted publickey for/g) ?? []).length;
}
