import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusDelta } from '../../shared';
import { TunnelManager } from '../../electron/engine/manager';
import { makeTestKeys, type TestKeys } from '../support/keys';
import { sendAndHash, startSinkServer, type TestServer } from '../support/net';
import { sshdAvailability, startSshd, type SshdInstance } from '../support/sshd';
import { testProfile, waitUntil } from './engine-fixture';

const avail = sshdAvailability();
const MiB = 1024 * 1024;

describe.skipIf(!avail.ok)('the status feed under load', () => {
  let keys: TestKeys;
  let sshd: SshdInstance;
  let sink: TestServer;

  beforeAll(async () => {
    keys = await makeTestKeys();
    sshd = await startSshd({ keys });
    sink = await startSinkServer();
  });
  afterAll(async () => {
    await sink?.dispose();
    await sshd?.stop();
    await keys?.cleanup();
  });

  it('sends at most ~10 batches a second however many chunks flow, ending with exact counters', async () => {
    const engine = new TunnelManager({
      knownHostsPath: sshd.knownHostsPath,
      prompt: async () => null as never,
    });
    const batches: { at: number; delta: StatusDelta }[] = [];
    engine.onDidChangeStatus((delta) => batches.push({ at: Date.now(), delta }));
    const profile = testProfile({
      host: sshd.host,
      port: sshd.port,
      username: sshd.user,
      auth: [{ type: 'key', path: keys.ed25519.privatePath }],
      forwards: [
        { id: 'up', type: 'local', bindPort: 0, targetHost: '127.0.0.1', targetPort: sink.port },
      ],
    });
    await engine.start(profile);
    const forward = () => engine.snapshot().profiles[profile.id]?.forwards.up;
    await waitUntil(
      () => forward()?.state.state === 'active',
      10_000,
      () => JSON.stringify(forward()),
    );
    const port = (forward()!.state as { bindPort: number }).bindPort;

    const started = Date.now();
    const before = batches.length;
    await sendAndHash('127.0.0.1', port, 64 * MiB);
    const seconds = (Date.now() - started) / 1000;
    await waitUntil(
      () => engine.snapshot().profiles[profile.id]?.forwards.up?.counters.activeConnections === 0,
      5000,
      () => 'idle',
    );
    await new Promise((r) => setTimeout(r, 250));
    const during = batches.length - before;
    // 64 MiB is thousands of chunks; the feed must stay near its 100 ms cadence (+2 for edges).
    expect(during).toBeLessThanOrEqual(Math.ceil(seconds * 10) + 3);
    for (let i = 1; i < batches.length; i++) {
      expect(batches[i]!.at - batches[i - 1]!.at).toBeGreaterThanOrEqual(90);
    }
    const last = batches.at(-1)!.delta.changed.find((s) => s.profileId === profile.id)!;
    expect(last.forwards.up!.counters).toMatchObject({
      bytesOut: 64 * MiB,
      totalConnections: 1,
      activeConnections: 0,
    });
    await engine.dispose();
  });
});
