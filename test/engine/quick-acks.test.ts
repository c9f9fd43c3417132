import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestKeys, type TestKeys } from '../support/keys';
import { receiveAndHash, startSourceServer, type SourceServer } from '../support/net';
import { peerPort } from '../support/proc-net';
import { sshdAvailability, startSshd, type SshdInstance } from '../support/sshd';
import { socketTuningBinding } from '../../electron/engine/socket-tuning';
import { keyProfile, makeEngine } from './engine-fixture';

const avail = sshdAvailability();
if (!avail.ok) console.warn(`Skipping OpenSSH tests: ${avail.reason}`);

describe.skipIf(!avail.ok || process.platform !== 'linux')(
  'quick ACKs on the SSH connection through a real sshd',
  () => {
    let keys: TestKeys;
    let sshd: SshdInstance;
    let source: SourceServer;

    beforeAll(async () => {
      keys = await makeTestKeys();
      // A cipher the native receive path does not handle, so ssh2 reads, through Burrow's slab
      // reader: that is the path tested here. The binding re-arms quick ACKs itself (its own
      // test, electron/engine/receive-path.test.ts).
      sshd = await startSshd({ keys, extraConfig: ['Ciphers chacha20-poly1305@openssh.com'] });
      source = await startSourceServer(8 * 1024 * 1024);
    });
    afterAll(async () => {
      await source?.dispose();
      await sshd?.stop();
      await keys?.cleanup();
    });

    it('re-arms TCP_QUICKACK on the socket to sshd after its reads while downloading', async () => {
      // The object the engine calls (one module instance per process), wrapped to count calls.
      const binding = socketTuningBinding();
      expect(binding, 'the binding is built by npm install').not.toBeNull();
      const real = binding!.quickAck;
      const rearmed = new Map<number, number>();
      binding!.quickAck = (fd, on) => {
        const done = real(fd, on);
        if (done) rearmed.set(fd, (rearmed.get(fd) ?? 0) + 1);
        return done;
      };
      const t = makeEngine({ knownHostsPath: sshd.knownHostsPath });
      try {
        const profile = keyProfile(sshd, keys.ed25519.privatePath, [
          {
            id: 'down',
            type: 'local',
            bindPort: 0,
            targetHost: '127.0.0.1',
            targetPort: source.port,
          },
        ]);
        await t.engine.start(profile);
        await t.waitForForward(profile.id, 'down', 'active');
        const before = new Map(rearmed);
        const got = await receiveAndHash('127.0.0.1', t.boundPort(profile.id, 'down'));
        expect(got).toEqual({ sha256: source.sha256, bytes: source.bytes });

        // Every re-armed descriptor is the connection to sshd, re-armed on more reads than 8 MiB
        // has MiB (reads are at most 1 MiB, the slab).
        const ports = [...rearmed.keys()].map(peerPort);
        expect(ports).toEqual([sshd.port]);
        const [fd] = rearmed.keys();
        const during = rearmed.get(fd!)! - (before.get(fd!) ?? 0);
        expect(during).toBeGreaterThan(8);
      } finally {
        binding!.quickAck = real;
        await t.engine.dispose();
      }
    });
  },
);
