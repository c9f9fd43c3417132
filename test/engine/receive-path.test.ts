import { writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestKeys, type TestKeys } from '../support/keys';
import {
  receiveAndHash,
  sendAndHash,
  sleep,
  startSinkServer,
  startSourceServer,
  type SourceServer,
  type TestServer,
} from '../support/net';
import { descriptorsConnectedTo } from '../support/proc-net';
import { sshdAvailability, startSshd, type SshdInstance } from '../support/sshd';
import { receivePathStatus } from '../../electron/engine/receive-path';
import { keyProfile, makeEngine } from './engine-fixture';

// The native receive path (electron/engine/receive-path.ts) under a real sshd: it must carry
// every byte, survive rekeys (it hands reading back at NEWKEYS and takes it again), slow local
// readers and resets, and stay out of the way where it cannot run.

const avail = sshdAvailability();
if (!avail.ok) console.warn(`Skipping OpenSSH tests: ${avail.reason}`);

const MiB = 1024 * 1024;

/** Reads a download slowly: pauses for `pauseMs` after every `everyBytes`. */
function receiveSlowly(
  port: number,
  everyBytes: number,
  pauseMs: number,
): Promise<{ sha256: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    const hash = createHash('sha256');
    let bytes = 0;
    let sincePause = 0;
    sock.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
      sincePause += chunk.length;
      if (sincePause >= everyBytes) {
        sincePause = 0;
        sock.pause();
        setTimeout(() => sock.resume(), pauseMs);
      }
    });
    sock.once('error', reject);
    sock.once('end', () => sock.end());
    sock.once('close', () => resolve({ sha256: hash.digest('hex'), bytes }));
  });
}

describe.skipIf(!avail.ok || process.platform !== 'linux')(
  'the native receive path through a real sshd',
  () => {
    let keys: TestKeys;
    let sshd: SshdInstance;
    let rekeying: SshdInstance;
    let chacha: SshdInstance;
    let source: SourceServer;
    let sink: TestServer;

    beforeAll(async () => {
      keys = await makeTestKeys();
      [sshd, rekeying, chacha] = await Promise.all([
        startSshd({ keys }),
        // sshd starts a key exchange after every MiB each way (and logs each at DEBUG).
        startSshd({ keys, extraConfig: ['RekeyLimit 1M', 'LogLevel DEBUG'] }),
        // A cipher the binding does not handle, rekeying as often: ssh2 reads throughout.
        startSshd({
          keys,
          extraConfig: ['Ciphers chacha20-poly1305@openssh.com', 'RekeyLimit 1M'],
        }),
      ]);
      source = await startSourceServer(32 * MiB);
      sink = await startSinkServer();
    });
    afterAll(async () => {
      await source?.dispose();
      await sink?.dispose();
      await Promise.all([sshd?.stop(), rekeying?.stop(), chacha?.stop()]);
      await keys?.cleanup();
    });

    it('is available here (npm install builds it)', () => {
      expect(receivePathStatus()).toEqual({ available: true });
    });

    type Engine = ReturnType<typeof makeEngine>;
    const local = (id: string, targetPort: number) => ({
      id,
      type: 'local',
      bindPort: 0,
      targetHost: '127.0.0.1',
      targetPort,
    });
    const remote = (id: string, targetPort: number) => ({
      ...local(id, targetPort),
      type: 'remote',
    });

    /** One profile on `server` with these forwards, all active; disposed after `run`. */
    async function withTunnels(
      server: SshdInstance,
      forwards: { id: string }[],
      run: (t: Engine, port: (forwardId: string) => number, profileId: string) => Promise<void>,
    ): Promise<void> {
      const t = makeEngine({ knownHostsPath: server.knownHostsPath });
      const profile = keyProfile(server, keys.ed25519.privatePath, forwards);
      try {
        await t.engine.start(profile);
        for (const forward of forwards) await t.waitForForward(profile.id, forward.id, 'active');
        await run(t, (forwardId) => t.boundPort(profile.id, forwardId), profile.id);
      } finally {
        await t.engine.dispose();
      }
    }

    const whole = (): { sha256: string; bytes: number } => ({
      sha256: source.sha256,
      bytes: source.bytes,
    });

    it('takes over reading once a tunnel opens, carries downloads whole both ways round, and counts them', async () => {
      await withTunnels(
        sshd,
        [local('down', source.port), remote('in', sink.port)],
        async (t, port, id) => {
          // Logged in, no tunnel used yet: ssh2 reads (one descriptor for the connection).
          expect(descriptorsConnectedTo(sshd.port)).toBe(1);
          const [down, incoming] = await Promise.all([
            receiveAndHash('127.0.0.1', port('down')),
            // -R: what a client on the server side sends arrives here through the binding.
            sendAndHash('127.0.0.1', port('in'), 32 * MiB),
          ]);
          expect(down).toEqual(whole());
          expect(incoming.reply.trim()).toBe(`${incoming.sentSha} ${32 * MiB}`);
          // The binding reads now, from its own duplicate of the descriptor.
          expect(descriptorsConnectedTo(sshd.port)).toBe(2);
          await expect
            .poll(() => t.forward(id, 'down')?.counters)
            .toMatchObject({ activeConnections: 0, bytesIn: source.bytes });
          await expect
            .poll(() => t.forward(id, 'in')?.counters)
            .toMatchObject({ activeConnections: 0, bytesIn: 32 * MiB });
        },
      );
      // Disposed: no duplicate left behind.
      expect(descriptorsConnectedTo(sshd.port)).toBe(0);
    });

    it('hands reading back at every rekey and takes it again, without losing a byte', async () => {
      await withTunnels(
        rekeying,
        [local('down', source.port), local('up', sink.port)],
        async (t, port, id) => {
          // Three downloads at once and an upload: ~100 rekeys while channels are busy, so
          // data is handed back mid-stream and sinks are held and released again.
          const [first, second, third, up] = await Promise.all([
            receiveAndHash('127.0.0.1', port('down')),
            receiveAndHash('127.0.0.1', port('down')),
            receiveAndHash('127.0.0.1', port('down')),
            sendAndHash('127.0.0.1', port('up'), 8 * MiB),
          ]);
          for (const down of [first, second, third]) expect(down).toEqual(whole());
          expect(up.reply.trim()).toBe(`${up.sentSha} ${8 * MiB}`);
          expect(t.session(id)?.state).toBe('connected');
          // Rekeys happened and the binding reads again after the last one.
          expect(rekeying.logs().match(/SSH2_MSG_NEWKEYS received/g)?.length ?? 0).toBeGreaterThan(
            20,
          );
          expect(descriptorsConnectedTo(rekeying.port)).toBe(2);
          await expect
            .poll(() => t.forward(id, 'down')?.counters)
            .toMatchObject({ activeConnections: 0, bytesIn: 3 * source.bytes });
        },
      );
    });

    it('waits for a slow local reader (the SSH window holds the server back) and delivers it all', async () => {
      await withTunnels(sshd, [local('down', source.port)], async (_t, port) => {
        const [slow, fast] = await Promise.all([
          receiveSlowly(port('down'), 4 * MiB, 150),
          receiveAndHash('127.0.0.1', port('down')),
        ]);
        expect(slow).toEqual(whole());
        expect(fast).toEqual(whole());
      });
    });

    it('survives a local reader that resets mid-download: the session stays, the next download is whole', async () => {
      await withTunnels(sshd, [local('down', source.port)], async (t, port, id) => {
        for (let i = 0; i < 3; i++) {
          await new Promise<void>((resolve) => {
            const sock = connect({ host: '127.0.0.1', port: port('down') });
            let got = 0;
            sock.on('data', (chunk: Buffer) => {
              got += chunk.length;
              if (got > 2 * MiB) {
                sock.resetAndDestroy();
                resolve();
              }
            });
          });
        }
        await sleep(100);
        expect(t.session(id)?.state).toBe('connected');
        expect(await receiveAndHash('127.0.0.1', port('down'))).toEqual(whole());
        await expect.poll(() => t.forward(id, 'down')?.counters.activeConnections).toBe(0);
      });
    });

    it('drops a connection whose stream was tampered with mid-download, and reconnects', async () => {
      // A TCP proxy in front of sshd that flips one bit of what sshd sends, once, after 4 MiB:
      // the binding is reading then, and the packet's tag must fail.
      let downstream = 0;
      let flipped = false;
      const proxy: Server = createServer((client) => {
        const upstream = connect({ host: '127.0.0.1', port: sshd.port });
        client.pipe(upstream);
        upstream.on('data', (chunk: Buffer) => {
          downstream += chunk.length;
          if (!flipped && downstream > 4 * MiB) {
            flipped = true;
            chunk[Math.floor(chunk.length / 2)]! ^= 0x10;
          }
          client.write(chunk);
        });
        upstream.on('end', () => client.end());
        const close = (): void => {
          client.destroy();
          upstream.destroy();
        };
        client.on('error', close).on('close', close);
        upstream.on('error', close).on('close', close);
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      const proxyPort = (proxy.address() as { port: number }).port;
      const knownHostsPath = join(sshd.dir, 'known_hosts_proxy');
      writeFileSync(knownHostsPath, `[127.0.0.1]:${proxyPort} ${sshd.hostPublicLine}\n`);

      const t = makeEngine({ knownHostsPath });
      const profile = keyProfile(
        { host: '127.0.0.1', port: proxyPort, user: sshd.user },
        keys.ed25519.privatePath,
        [local('down', source.port)],
      );
      try {
        await t.engine.start(profile);
        await t.waitForForward(profile.id, 'down', 'active');
        const port = t.boundPort(profile.id, 'down');
        const cut = await receiveAndHash('127.0.0.1', port).catch(() => undefined);
        expect(cut?.bytes ?? 0).toBeLessThan(source.bytes);
        expect(flipped).toBe(true);
        await t.waitForSession(profile.id, 'connected');
        await t.waitForForward(profile.id, 'down', 'active');
        expect(t.logs.map((entry) => entry.message)).toContain(
          `The connection to 127.0.0.1:${proxyPort} was lost. Burrow reconnects when it can.`,
        );
        // The flip happened once: the next connection carries the download whole.
        expect(await receiveAndHash('127.0.0.1', port)).toEqual(whole());
      } finally {
        await t.engine.dispose();
        await new Promise((resolve) => proxy.close(resolve));
      }
    });

    it('stays out of the way with a cipher it does not handle (chacha20-poly1305): ssh2 reads, rekeys included', async () => {
      await withTunnels(
        chacha,
        [local('down', source.port), local('up', sink.port)],
        async (t, port, id) => {
          expect(t.session(id)).toMatchObject({ cipher: 'chacha20-poly1305@openssh.com' });
          const [down, up] = await Promise.all([
            receiveAndHash('127.0.0.1', port('down')),
            sendAndHash('127.0.0.1', port('up'), 8 * MiB),
          ]);
          expect(down).toEqual(whole());
          expect(up.reply.trim()).toBe(`${up.sentSha} ${8 * MiB}`);
          expect(t.session(id)?.state).toBe('connected');
          expect(descriptorsConnectedTo(chacha.port)).toBe(1);
        },
      );
    });
  },
);
