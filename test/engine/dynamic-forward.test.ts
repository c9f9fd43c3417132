import { createHash } from 'node:crypto';
import { SocksClient } from 'socks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestKeys, type TestKeys } from '../support/keys';
import {
  pseudoRandomBytes,
  startEchoServer,
  startSourceServer,
  type TestServer,
} from '../support/net';
import { sshdAvailability, startSshd, type SshdInstance } from '../support/sshd';
import { makeEngine, testProfile } from './engine-fixture';
import { roundTrip, socks5Connect } from './client-helpers';

const avail = sshdAvailability();
const MiB = 1024 * 1024;

describe.skipIf(!avail.ok)('dynamic (SOCKS) forwards through a real sshd', () => {
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

  async function startSocks() {
    const t = makeEngine({ knownHostsPath: sshd.knownHostsPath });
    const profile = testProfile({
      host: sshd.host,
      port: sshd.port,
      username: sshd.user,
      auth: [{ type: 'key', path: keys.ed25519.privatePath }],
      forwards: [{ id: 'socks', type: 'dynamic', bindPort: 0 }],
    });
    await t.engine.start(profile);
    await t.waitForForward(profile.id, 'socks', 'active');
    return { t, profile, port: t.boundPort(profile.id, 'socks') };
  }

  it.each([
    ['SOCKS5 to a domain name', 5, 'localhost'],
    ['SOCKS5 to IPv4', 5, '127.0.0.1'],
    ['SOCKS4a to a domain name', 4, 'localhost'],
    ['SOCKS4 to IPv4', 4, '127.0.0.1'],
  ] as const)('%s', async (_name, type, host) => {
    const { t, port } = await startSocks();
    const { socket } = await SocksClient.createConnection({
      proxy: { host: '127.0.0.1', port, type },
      command: 'connect',
      destination: { host, port: echo.port },
    });
    expect((await roundTrip(socket, Buffer.from(`via socks${type}`))).toString()).toBe(
      `via socks${type}`,
    );
    await t.engine.dispose();
  });

  it('SOCKS5 to IPv6 when the machine has ::1', async () => {
    let echo6: TestServer;
    try {
      echo6 = await startEchoServer('::1');
    } catch {
      console.warn('Skipping the IPv6 SOCKS check: this machine has no ::1.');
      return;
    }
    const { t, port } = await startSocks();
    const { socket } = await SocksClient.createConnection({
      proxy: { host: '127.0.0.1', port, type: 5 },
      command: 'connect',
      destination: { host: '::1', port: echo6.port },
    });
    expect((await roundTrip(socket, Buffer.from('six'))).toString()).toBe('six');
    await t.engine.dispose();
    await echo6.dispose();
  });

  it('moves 32 MiB each way intact', async () => {
    const source = await startSourceServer(32 * MiB);
    const { t, profile, port } = await startSocks();
    const up = pseudoRandomBytes(32 * MiB, 'socks-up');
    const upload = socks5Connect(port, '127.0.0.1', echo.port).then(({ socket }) =>
      roundTrip(socket, up),
    );
    const download = socks5Connect(port, '127.0.0.1', source.port).then(({ socket }) =>
      roundTrip(socket, Buffer.alloc(0)),
    );
    const [echoed, downloaded] = await Promise.all([upload, download]);
    expect(sha(echoed)).toBe(sha(up));
    expect(sha(downloaded)).toBe(source.sha256);
    await expect.poll(() => t.forward(profile.id, 'socks')?.counters.bytesIn).toBe(64 * MiB);
    await t.engine.dispose();
    await source.dispose();
  }, 60_000);

  it('answers an unreachable destination with "connection refused" and keeps serving', async () => {
    const { t, profile, port } = await startSocks();
    const { reply } = await socks5Connect(port, '127.0.0.1', 1);
    expect(reply).toBe(5);
    const dns = await socks5Connect(port, 'no-such-host.invalid', 80);
    expect(dns.reply).toBe(4);
    await expect
      .poll(() => t.forward(profile.id, 'socks')?.lastError?.kind)
      .toBe('target-unreachable');
    const ok = await socks5Connect(port, 'localhost', echo.port);
    expect(ok.reply).toBe(0);
    expect((await roundTrip(ok.socket, Buffer.from('still here'))).toString()).toBe('still here');
    expect(t.forward(profile.id, 'socks')?.state.state).toBe('active');
    await t.engine.dispose();
  });
});

function sha(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
