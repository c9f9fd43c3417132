import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthMethod } from '../../shared';
import { KEY_PASSPHRASE, makeTestKeys, startAgent, type TestKeys } from '../support/keys';
import { sleep } from '../support/net';
import { sshdAvailability, startSshd, type SshdInstance } from '../support/sshd';
import { makeEngine, testProfile } from './engine-fixture';

const avail = sshdAvailability();

describe.skipIf(!avail.ok)('logging in to a real sshd', () => {
  let keys: TestKeys;
  let sshd: SshdInstance;
  let pam: SshdInstance;

  beforeAll(async () => {
    keys = await makeTestKeys();
    [sshd, pam] = await Promise.all([startSshd({ keys }), startSshd({ keys, variant: 'pam' })]);
  });
  afterAll(async () => {
    await Promise.all([sshd?.stop(), pam?.stop()]);
    await keys?.cleanup();
  });

  const profileOn = (server: SshdInstance, auth: AuthMethod[]) =>
    testProfile({
      host: server.host,
      port: server.port,
      username: server.user,
      auth,
      forwards: [{ id: 'socks', type: 'dynamic', bindPort: 0 }],
    });

  it.each([
    ['an OpenSSH ed25519 key with a passphrase', () => keys.ed25519Encrypted.privatePath],
    ['a PEM RSA key with a passphrase', () => keys.rsaPem.privatePath],
  ])('asks for the passphrase of %s once per session', async (_name, keyPath) => {
    const t = makeEngine({
      knownHostsPath: sshd.knownHostsPath,
      answers: { passphrase: () => KEY_PASSPHRASE },
    });
    const profile = profileOn(sshd, [{ type: 'key', path: keyPath() }]);
    await t.engine.start(profile);
    await t.waitForForward(profile.id, 'socks', 'active');
    expect(t.prompts).toEqual([
      expect.objectContaining({ kind: 'passphrase', keyPath: keyPath(), host: '127.0.0.1' }),
    ]);
    await sshd.dropConnections();
    await t.waitForSession(profile.id, 'reconnecting');
    await t.waitForSession(profile.id, 'connected');
    // The passphrase that worked is kept for this session's reconnects.
    expect(t.prompts).toHaveLength(1);
    await t.engine.dispose();
  });

  it('asks again after a wrong passphrase', async () => {
    const answers = ['wrong', KEY_PASSPHRASE];
    const t = makeEngine({
      knownHostsPath: sshd.knownHostsPath,
      answers: { passphrase: () => answers.shift() ?? null },
    });
    const profile = profileOn(sshd, [{ type: 'key', path: keys.ed25519Encrypted.privatePath }]);
    await t.engine.start(profile);
    await t.waitForSession(profile.id, 'connected');
    expect(t.prompts.map((p) => p.kind)).toEqual(['passphrase', 'passphrase']);
    await t.engine.dispose();
  });

  it('logs in with a key held by ssh-agent', async () => {
    const agent = await startAgent([keys.ed25519.privatePath]);
    const t = makeEngine({ knownHostsPath: sshd.knownHostsPath });
    const profile = profileOn(sshd, [{ type: 'agent', socket: agent.socket }]);
    await t.engine.start(profile);
    await t.waitForSession(profile.id, 'connected');
    expect(t.prompts).toEqual([]);
    await t.engine.dispose();
    await agent.dispose();
  });

  it('falls through the profile order: refused key, then password', async () => {
    const t = makeEngine({
      knownHostsPath: sshd.knownHostsPath,
      answers: { password: () => sshd.password },
    });
    const profile = profileOn(sshd, [
      { type: 'key', path: keys.unauthorized.privatePath },
      { type: 'password' },
    ]);
    await t.engine.start(profile);
    await t.waitForSession(profile.id, 'connected');
    expect(t.prompts).toEqual([
      expect.objectContaining({
        kind: 'password',
        host: '127.0.0.1',
        port: sshd.port,
        username: sshd.user,
      }),
    ]);
    await t.engine.dispose();
  });

  it('answers PAM keyboard-interactive prompts', async () => {
    const t = makeEngine({
      knownHostsPath: pam.knownHostsPath,
      answers: { 'keyboard-interactive': (req) => req.prompts.map(() => pam.password) },
    });
    const profile = profileOn(pam, [{ type: 'keyboard-interactive' }]);
    await t.engine.start(profile);
    await t.waitForSession(profile.id, 'connected');
    const asked = t.prompts.find((p) => p.kind === 'keyboard-interactive');
    expect(asked).toMatchObject({
      prompts: [{ prompt: expect.stringMatching(/password/i), echo: false }],
    });
    await expect.poll(() => /Accepted keyboard-interactive\/pam/.test(pam.logs())).toBe(true);
    await t.engine.dispose();
  });

  it('reports a wrong password as auth-failed, says what was tried, and does not retry', async () => {
    const t = makeEngine({
      knownHostsPath: sshd.knownHostsPath,
      answers: { password: () => 'not the password' },
    });
    const profile = profileOn(sshd, [{ type: 'password' }]);
    await t.engine.start(profile);
    const state = await t.waitForSession(profile.id, 'error');
    expect(state).toMatchObject({ error: { kind: 'auth-failed' } });
    const message = state.state === 'error' ? state.error.message : '';
    expect(message).toContain(`as ${sshd.user}`);
    expect(message).toMatch(/password/);
    expect(message).toMatch(/Check the user name, key, password or agent/);
    const asked = t.prompts.length;
    await sleep(1000);
    expect(t.prompts.length).toBe(asked);
    expect(t.forward(profile.id, 'socks')?.state.state ?? 'stopped').toBe('stopped');
    await t.engine.dispose();
  });

  it('reports a cancelled password prompt as auth-failed without retrying', async () => {
    const t = makeEngine({
      knownHostsPath: sshd.knownHostsPath,
      answers: { password: () => null },
    });
    const profile = profileOn(sshd, [{ type: 'password' }]);
    await t.engine.start(profile);
    const state = await t.waitForSession(profile.id, 'error');
    expect(state).toMatchObject({
      error: { kind: 'auth-failed', message: expect.stringMatching(/cancelled/) },
    });
    await t.engine.dispose();
  });

  it('does not count time spent answering a prompt against the connect timeout', async () => {
    // A person who takes 1.5 s to type the password: longer than the 1 s connect timeout.
    const t = makeEngine({
      knownHostsPath: sshd.knownHostsPath,
      answers: { password: () => sleep(1500).then(() => sshd.password) },
    });
    const profile = testProfile({
      host: sshd.host,
      port: sshd.port,
      username: sshd.user,
      connectTimeoutSeconds: 1,
      auth: [{ type: 'password' }],
    });
    await t.engine.start(profile);
    await t.waitForSession(profile.id, 'connected');
    await t.engine.dispose();
  });
});
