import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestKeys, type TestKeys } from '../support/keys';
import { canConnect, echoRoundTrip, startEchoServer, type TestServer } from '../support/net';
import { sshdAvailability, startSshd, type SshdInstance } from '../support/sshd';
import { keyProfile, makeEngine } from './engine-fixture';
import { socks5Connect } from './client-helpers';

const avail = sshdAvailability();

describe.skipIf(!avail.ok)('forwards the server refuses', () => {
  let keys: TestKeys;
  let noForwarding: SshdInstance;
  let permitOne: SshdInstance;
  let echo: TestServer;
  let other: TestServer;

  beforeAll(async () => {
    keys = await makeTestKeys();
    echo = await startEchoServer();
    other = await startEchoServer();
    [noForwarding, permitOne] = await Promise.all([
      startSshd({ keys, variant: 'no-forwarding' }),
      startSshd({ keys, extraConfig: [`PermitOpen 127.0.0.1:${echo.port}`] }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([noForwarding?.stop(), permitOne?.stop(), echo?.dispose(), other?.dispose()]);
    await keys?.cleanup();
  });

  const profileOn = (server: SshdInstance, forwards: unknown[]) =>
    keyProfile(server, keys.ed25519.privatePath, forwards);

  it('AllowTcpForwarding no: outgoing is open-refused, incoming is remote-bind-refused, session stays up', async () => {
    const t = makeEngine({ knownHostsPath: noForwarding.knownHostsPath });
    const profile = profileOn(noForwarding, [
      { id: 'out', type: 'local', bindPort: 0, targetHost: '127.0.0.1', targetPort: echo.port },
      { id: 'in', type: 'remote', bindPort: 0, targetHost: '127.0.0.1', targetPort: echo.port },
      { id: 'socks', type: 'dynamic', bindPort: 0 },
    ]);
    await t.engine.start(profile);
    const incoming = await t.waitForForward(profile.id, 'in', 'error');
    expect(incoming.state).toMatchObject({ error: { kind: 'remote-bind-refused' } });

    await t.waitForForward(profile.id, 'out', 'active');
    const port = t.boundPort(profile.id, 'out');
    // The refusal is only known once a connection asks; it must not hang that client.
    const started = Date.now();
    await echoRoundTrip('127.0.0.1', port, Buffer.from('x'), 10_000).catch(() => undefined);
    expect(Date.now() - started).toBeLessThan(5000);
    const out = await t.waitForForward(profile.id, 'out', 'error');
    expect(out.state).toMatchObject({ error: { kind: 'open-refused' } });
    expect(out.state.state === 'error' && out.state.error.message).toMatch(
      /Its admin must allow it \(AllowTcpForwarding, PermitOpen\)/,
    );
    // Error state means the port is released, not silently kept.
    expect(await canConnect('127.0.0.1', port)).toBe(false);

    const socksPort = t.boundPort(profile.id, 'socks');
    expect((await socks5Connect(socksPort, '127.0.0.1', echo.port)).reply).toBe(2);
    await expect.poll(() => t.forward(profile.id, 'socks')?.lastError?.kind).toBe('open-refused');
    expect(t.session(profile.id)?.state).toBe('connected');
    await t.engine.dispose();
  });

  it('PermitOpen: the permitted forward keeps working beside the refused one', async () => {
    const t = makeEngine({ knownHostsPath: permitOne.knownHostsPath });
    const profile = profileOn(permitOne, [
      { id: 'allowed', type: 'local', bindPort: 0, targetHost: '127.0.0.1', targetPort: echo.port },
      { id: 'denied', type: 'local', bindPort: 0, targetHost: '127.0.0.1', targetPort: other.port },
    ]);
    await t.engine.start(profile);
    await t.waitForForward(profile.id, 'allowed', 'active');
    await t.waitForForward(profile.id, 'denied', 'active');
    await echoRoundTrip('127.0.0.1', t.boundPort(profile.id, 'denied'), Buffer.from('x')).catch(
      () => undefined,
    );
    const denied = await t.waitForForward(profile.id, 'denied', 'error');
    expect(denied.state).toMatchObject({ error: { kind: 'open-refused' } });
    expect(
      (
        await echoRoundTrip('127.0.0.1', t.boundPort(profile.id, 'allowed'), Buffer.from('ok'))
      ).toString(),
    ).toBe('ok');
    expect(t.session(profile.id)?.state).toBe('connected');
    await t.engine.dispose();
  });
});
