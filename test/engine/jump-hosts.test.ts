import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthMethod, Profile, ProfileInput } from '../../shared';
import { startFaultServer, type FaultServer } from '../support/fault-server';
import { makeTestKeys, type TestKeys } from '../support/keys';
import {
  echoRoundTrip,
  startEchoServer,
  startReplyAndCloseServer,
  type TestServer,
} from '../support/net';
import { sshdAvailability, startSshd, type SshdInstance } from '../support/sshd';
import { expectCloseRightBehindReply } from './client-helpers';
import { makeEngine, testProfile } from './engine-fixture';

const avail = sshdAvailability();

describe.skipIf(!avail.ok)('jump hosts (ssh -J)', () => {
  let keys: TestKeys;
  let bastion: SshdInstance;
  let target: SshdInstance;
  let middle: FaultServer;
  let echo: TestServer;
  let dir: string;
  let knownHostsPath: string;

  beforeAll(async () => {
    keys = await makeTestKeys();
    [bastion, target] = await Promise.all([startSshd({ keys }), startSshd({ keys })]);
    middle = await startFaultServer({ users: [{ username: 'hop', password: 'hop-secret' }] });
    echo = await startEchoServer();
    dir = await mkdtemp(join(tmpdir(), 'burrow-jump-'));
    knownHostsPath = join(dir, 'known_hosts');
    const lines = await Promise.all(
      [bastion, target, middle].map((s) => readFile(s.knownHostsPath, 'utf8')),
    );
    await writeFile(knownHostsPath, lines.join(''));
  });
  afterAll(async () => {
    await Promise.all([bastion?.stop(), target?.stop(), middle?.stop(), echo?.dispose()]);
    await rm(dir, { recursive: true, force: true });
    await keys?.cleanup();
  });

  /** The target through the bastion (a key login there), with `targetAuth` at the target. */
  const viaBastion = (targetAuth: AuthMethod[], forwards: ProfileInput['forwards']): Profile =>
    testProfile({
      host: target.host,
      port: target.port,
      username: target.user,
      auth: targetAuth,
      jumpHosts: [
        {
          host: bastion.host,
          port: bastion.port,
          username: bastion.user,
          auth: [{ type: 'key', path: keys.ed25519.privatePath }],
        },
      ],
      forwards,
    });

  it('reaches the target through one jump host, each hop with its own login', async () => {
    const t = makeEngine({ knownHostsPath, answers: { password: () => target.password } });
    const profile = viaBastion(
      [{ type: 'password' }],
      [{ id: 'echo', type: 'local', bindPort: 0, targetHost: '127.0.0.1', targetPort: echo.port }],
    );
    await t.engine.start(profile);
    await t.waitForForward(profile.id, 'echo', 'active');
    expect(
      (
        await echoRoundTrip('127.0.0.1', t.boundPort(profile.id, 'echo'), Buffer.from('hop'))
      ).toString(),
    ).toBe('hop');
    // The bastion saw a key login and opened a channel to the target; the target a password login.
    await expect.poll(() => /Accepted publickey for/.test(bastion.logs())).toBe(true);
    await expect.poll(() => /Accepted password for/.test(target.logs())).toBe(true);
    expect(t.prompts).toEqual([expect.objectContaining({ kind: 'password', port: target.port })]);
    await t.engine.dispose();
  });

  it("passes a target's close on right behind its reply through a jump host too", async () => {
    // Two legs where sshd's Nagle meets a delayed ACK: Burrow-bastion and bastion-target. The
    // nudge on the inner login travels through the bastion and carries its ACK on the second leg.
    const replier = await startReplyAndCloseServer();
    const t = makeEngine({ knownHostsPath });
    const profile = viaBastion(
      [{ type: 'key', path: keys.ed25519.privatePath }],
      [{ id: 'rr', type: 'local', bindPort: 0, targetHost: '127.0.0.1', targetPort: replier.port }],
    );
    await t.engine.start(profile);
    await t.waitForForward(profile.id, 'rr', 'active');
    await expectCloseRightBehindReply(t.boundPort(profile.id, 'rr'));
    await t.engine.dispose();
    await replier.dispose();
  });

  it('goes through two hops in order, and checks every hop host key', async () => {
    const partial = join(dir, 'partial_known_hosts');
    // The middle hop's key is missing: the user must be asked about that hop, and only that one.
    await writeFile(
      partial,
      [bastion, target].map((s) => `[127.0.0.1]:${s.port} ${s.hostPublicLine}\n`).join(''),
    );
    const t = makeEngine({
      knownHostsPath: partial,
      answers: {
        'host-key': () => 'accept-once',
        password: (req) => (req.port === middle.port ? 'hop-secret' : null),
      },
    });
    const profile = testProfile({
      host: target.host,
      port: target.port,
      username: target.user,
      auth: [{ type: 'key', path: keys.ed25519.privatePath }],
      jumpHosts: [
        {
          host: bastion.host,
          port: bastion.port,
          username: bastion.user,
          auth: [{ type: 'key', path: keys.ed25519.privatePath }],
        },
        { host: middle.host, port: middle.port, username: 'hop', auth: [{ type: 'password' }] },
      ],
      forwards: [
        { id: 'echo', type: 'local', bindPort: 0, targetHost: '127.0.0.1', targetPort: echo.port },
      ],
    });
    await t.engine.start(profile);
    await t.waitForForward(profile.id, 'echo', 'active');
    expect(
      (
        await echoRoundTrip('127.0.0.1', t.boundPort(profile.id, 'echo'), Buffer.from('two hops'))
      ).toString(),
    ).toBe('two hops');
    expect(t.prompts.map((p) => `${p.kind}@${p.port}`)).toEqual([
      `host-key@${middle.port}`,
      `password@${middle.port}`,
    ]);
    expect(t.prompts[0]).toMatchObject({ fingerprint: middle.hostFingerprint });
    expect(middle.authAttempts()).toContainEqual({
      method: 'password',
      username: 'hop',
      success: true,
    });
    await t.engine.dispose();
  });

  it('uses a saved profile as the jump host', async () => {
    const bastionProfile: Profile = testProfile({
      id: 'bastion',
      host: bastion.host,
      port: bastion.port,
      username: bastion.user,
      auth: [{ type: 'key', path: keys.ed25519.privatePath }],
    });
    const t = makeEngine({
      knownHostsPath,
      resolveProfile: (id) => (id === 'bastion' ? bastionProfile : undefined),
    });
    const profile = testProfile({
      host: target.host,
      port: target.port,
      username: target.user,
      auth: [{ type: 'key', path: keys.ed25519.privatePath }],
      jumpHosts: [{ profileId: 'bastion' }],
    });
    await t.engine.start(profile);
    await t.waitForSession(profile.id, 'connected');
    const dangling = testProfile({
      host: target.host,
      username: 'x',
      jumpHosts: [{ profileId: 'nope' }],
    });
    await t.engine.start(dangling);
    expect(t.session(dangling.id)).toMatchObject({
      state: 'error',
      error: { kind: 'invalid-config', message: expect.stringContaining('"nope"') },
    });
    await t.engine.dispose();
  });

  it('names the hop that refused the login', async () => {
    const t = makeEngine({ knownHostsPath });
    const profile = testProfile({
      host: target.host,
      port: target.port,
      username: target.user,
      auth: [{ type: 'key', path: keys.ed25519.privatePath }],
      jumpHosts: [
        {
          host: bastion.host,
          port: bastion.port,
          username: bastion.user,
          auth: [{ type: 'key', path: keys.unauthorized.privatePath }],
        },
      ],
    });
    await t.engine.start(profile);
    const state = await t.waitForSession(profile.id, 'error');
    expect(state).toMatchObject({
      error: { kind: 'auth-failed', message: expect.stringContaining(`127.0.0.1:${bastion.port}`) },
    });
    await t.engine.dispose();
  });
});
