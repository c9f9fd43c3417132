import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { connect } from 'node:net';
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
import { sshdAvailability, startSshd, type SshdInstance } from '../support/sshd';
import { receivePathStatus } from '../../electron/engine/receive-path';
import { keyProfile, makeEngine } from './engine-fixture';

// The native receive path (electron/engine/receive-path.ts) under a real sshd: it must carry
// every byte, survive rekeys (it hands reading back at NEWKEYS and takes it again), slow local
// readers and resets, and stay out of the way where it cannot run.

const avail = sshdAvailability();
if (!avail.ok) console.warn(`Skipping OpenSSH tests: ${avail.reason}`);

const MiB = 1024 * 1024;

/** How many of this process's descriptors are TCP sockets connected to `port` (Linux /proc). */
function descriptorsConnectedTo(port: number): number {
  const inodes = new Set<string>();
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    // rem_address is fields[2]; state 01 is ESTABLISHED.
    if (fields[2] && parseInt(fields[2].split(':')[1]!, 16) === port && fields[3] === '01')
      inodes.add(fields[9]!);
  }
  let count = 0;
  for (const entry of readdirSync('/proc/self/fd')) {
    try {
      const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${entry}`))?.[1];
      if (inode && inodes.has(inode)) count++;
    } catch {
      // Closed while we looked.
    }
  }
  return count;
}

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

    it('takes over reading once a tunnel opens, carries downloads whole both ways round, and counts them', async () => {
      const t = makeEngine({ knownHostsPath: sshd.knownHostsPath });
      const profile = keyProfile(sshd, keys.ed25519.privatePath, [
        {
          id: 'down',
          type: 'local',
          bindPort: 0,
          targetHost: '127.0.0.1',
          targetPort: source.port,
        },
        { id: 'in', type: 'remote', bindPort: 0, targetHost: '127.0.0.1', targetPort: sink.port },
      ]);
      try {
        await t.engine.start(profile);
        await t.waitForForward(profile.id, 'down', 'active');
        await t.waitForForward(profile.id, 'in', 'active');
        // Logged in, no tunnel used yet: ssh2 reads (one descriptor for the connection).
        expect(descriptorsConnectedTo(sshd.port)).toBe(1);

        const [down, incoming] = await Promise.all([
          receiveAndHash('127.0.0.1', t.boundPort(profile.id, 'down')),
          // -R: what a client on the server side sends arrives here through the binding.
          sendAndHash('127.0.0.1', t.boundPort(profile.id, 'in'), 32 * MiB),
        ]);
        expect(down).toEqual({ sha256: source.sha256, bytes: source.bytes });
        expect(incoming.reply.trim()).toBe(`${incoming.sentSha} ${32 * MiB}`);
        // The binding reads now, from its own duplicate of the descriptor.
        expect(descriptorsConnectedTo(sshd.port)).toBe(2);
        await expect
          .poll(() => t.forward(profile.id, 'down')?.counters)
          .toMatchObject({ activeConnections: 0, bytesIn: source.bytes });
        await expect
          .poll(() => t.forward(profile.id, 'in')?.counters)
          .toMatchObject({ activeConnections: 0, bytesIn: 32 * MiB });
      } finally {
        await t.engine.dispose();
      }
      // Disposed: no duplicate left behind.
      expect(descriptorsConnectedTo(sshd.port)).toBe(0);
    });

    it('hands reading back at every rekey and takes it again, without losing a byte', async () => {
      const t = makeEngine({ knownHostsPath: rekeying.knownHostsPath });
      const profile = keyProfile(rekeying, keys.ed25519.privatePath, [
        {
          id: 'down',
          type: 'local',
          bindPort: 0,
          targetHost: '127.0.0.1',
          targetPort: source.port,
        },
        { id: 'up', type: 'local', bindPort: 0, targetHost: '127.0.0.1', targetPort: sink.port },
      ]);
      try {
        await t.engine.start(profile);
        await t.waitForForward(profile.id, 'down', 'active');
        // Three downloads at once and an upload: ~100 rekeys while channels are busy, so
        // data is handed back mid-stream and sinks are held and released again.
        const results = await Promise.all([
          receiveAndHash('127.0.0.1', t.boundPort(profile.id, 'down')),
          receiveAndHash('127.0.0.1', t.boundPort(profile.id, 'down')),
          receiveAndHash('127.0.0.1', t.boundPort(profile.id, 'down')),
          sendAndHash('127.0.0.1', t.boundPort(profile.id, 'up'), 8 * MiB),
        ]);
        for (const down of results.slice(0, 3))
          expect(down).toEqual({ sha256: source.sha256, bytes: source.bytes });
        const up = results[3] as { sentSha: string; reply: string };
        expect(up.reply.trim()).toBe(`${up.sentSha} ${8 * MiB}`);
        expect(t.session(profile.id)?.state).toBe('connected');
        // Rekeys happened and the binding reads again after the last one.
        expect(rekeying.logs().match(/SSH2_MSG_NEWKEYS received/g)?.length ?? 0).toBeGreaterThan(
          20,
        );
        expect(descriptorsConnectedTo(rekeying.port)).toBe(2);
        await expect
          .poll(() => t.forward(profile.id, 'down')?.counters)
          .toMatchObject({ activeConnections: 0, bytesIn: 3 * source.bytes });
      } finally {
        await t.engine.dispose();
      }
    });

    it('waits for a slow local reader (the SSH window holds the server back) and delivers it all', async () => {
      const t = makeEngine({ knownHostsPath: sshd.knownHostsPath });
      const profile = keyProfile(sshd, keys.ed25519.privatePath, [
        {
          id: 'down',
          type: 'local',
          bindPort: 0,
          targetHost: '127.0.0.1',
          targetPort: source.port,
        },
      ]);
      try {
        await t.engine.start(profile);
        await t.waitForForward(profile.id, 'down', 'active');
        const port = t.boundPort(profile.id, 'down');
        const [slow, fast] = await Promise.all([
          receiveSlowly(port, 4 * MiB, 150),
          receiveAndHash('127.0.0.1', port),
        ]);
        expect(slow).toEqual({ sha256: source.sha256, bytes: source.bytes });
        expect(fast).toEqual({ sha256: source.sha256, bytes: source.bytes });
      } finally {
        await t.engine.dispose();
      }
    });

    it('survives a local reader that resets mid-download: the session stays, the next download is whole', async () => {
      const t = makeEngine({ knownHostsPath: sshd.knownHostsPath });
      const profile = keyProfile(sshd, keys.ed25519.privatePath, [
        {
          id: 'down',
          type: 'local',
          bindPort: 0,
          targetHost: '127.0.0.1',
          targetPort: source.port,
        },
      ]);
      try {
        await t.engine.start(profile);
        await t.waitForForward(profile.id, 'down', 'active');
        const port = t.boundPort(profile.id, 'down');
        for (let i = 0; i < 3; i++) {
          await new Promise<void>((resolve) => {
            const sock = connect({ host: '127.0.0.1', port });
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
        expect(t.session(profile.id)?.state).toBe('connected');
        expect(await receiveAndHash('127.0.0.1', port)).toEqual({
          sha256: source.sha256,
          bytes: source.bytes,
        });
        await expect.poll(() => t.forward(profile.id, 'down')?.counters.activeConnections).toBe(0);
      } finally {
        await t.engine.dispose();
      }
    });

    it('stays out of the way with a cipher it does not handle (chacha20-poly1305): ssh2 reads, rekeys included', async () => {
      const t = makeEngine({ knownHostsPath: chacha.knownHostsPath });
      const profile = keyProfile(chacha, keys.ed25519.privatePath, [
        {
          id: 'down',
          type: 'local',
          bindPort: 0,
          targetHost: '127.0.0.1',
          targetPort: source.port,
        },
        { id: 'up', type: 'local', bindPort: 0, targetHost: '127.0.0.1', targetPort: sink.port },
      ]);
      try {
        await t.engine.start(profile);
        await t.waitForForward(profile.id, 'down', 'active');
        expect(t.session(profile.id)).toMatchObject({ cipher: 'chacha20-poly1305@openssh.com' });
        const [down, up] = await Promise.all([
          receiveAndHash('127.0.0.1', t.boundPort(profile.id, 'down')),
          sendAndHash('127.0.0.1', t.boundPort(profile.id, 'up'), 8 * MiB),
        ]);
        expect(down).toEqual({ sha256: source.sha256, bytes: source.bytes });
        expect(up.reply.trim()).toBe(`${up.sentSha} ${8 * MiB}`);
        expect(t.session(profile.id)?.state).toBe('connected');
        expect(descriptorsConnectedTo(chacha.port)).toBe(1);
      } finally {
        await t.engine.dispose();
      }
    });
  },
);
