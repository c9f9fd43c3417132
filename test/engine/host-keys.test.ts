import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateHostKey, startFaultServer, type FaultServer } from '../support/fault-server';
import { makeTestKeys, type TestKeys } from '../support/keys';
import { sleep } from '../support/net';
import { sshdAvailability, startSshd, type SshdInstance } from '../support/sshd';
import { makeEngine, testProfile } from './engine-fixture';

const avail = sshdAvailability();
const run = promisify(execFile);

describe.skipIf(!avail.ok)('host keys against a real sshd', () => {
  let keys: TestKeys;
  let sshd: SshdInstance;
  let dir: string;
  let knownHostsPath: string;

  beforeAll(async () => {
    keys = await makeTestKeys();
    sshd = await startSshd({ keys });
  });
  afterAll(async () => {
    await sshd?.stop();
    await keys?.cleanup();
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'burrow-hostkeys-'));
    knownHostsPath = join(dir, 'ssh', 'known_hosts');
    return () => rm(dir, { recursive: true, force: true });
  });

  const profile = () =>
    testProfile({
      host: sshd.host,
      port: sshd.port,
      username: sshd.user,
      auth: [{ type: 'key', path: keys.ed25519.privatePath }],
    });

  it('asks about an unknown key with the fingerprint ssh-keygen shows, and saves it when told', async () => {
    const t = makeEngine({ knownHostsPath, answers: { 'host-key': () => 'accept-save' } });
    const p = profile();
    await t.engine.start(p);
    await t.waitForSession(p.id, 'connected');
    expect(t.prompts).toEqual([
      expect.objectContaining({
        kind: 'host-key',
        host: '127.0.0.1',
        port: sshd.port,
        keyType: 'ssh-ed25519',
        fingerprint: sshd.hostFingerprint,
      }),
    ]);
    const saved = await readFile(knownHostsPath, 'utf8');
    expect(saved).toContain(
      `[127.0.0.1]:${sshd.port} ${sshd.hostPublicLine.split(' ').slice(0, 2).join(' ')}`,
    );
    await t.engine.dispose();

    // OpenSSH itself accepts what we saved.
    const { stdout } = await run('ssh-keygen', [
      '-F',
      `[127.0.0.1]:${sshd.port}`,
      '-f',
      knownHostsPath,
    ]);
    expect(stdout).toContain('ssh-ed25519');

    const again = makeEngine({ knownHostsPath });
    await again.engine.start(p);
    await again.waitForSession(p.id, 'connected');
    expect(again.prompts).toEqual([]);
    await again.engine.dispose();
  });

  it('accept once: connects, saves nothing', async () => {
    const t = makeEngine({ knownHostsPath, answers: { 'host-key': () => 'accept-once' } });
    const p = profile();
    await t.engine.start(p);
    await t.waitForSession(p.id, 'connected');
    expect(existsSync(knownHostsPath)).toBe(false);
    await t.engine.dispose();
  });

  it('reject: host-key-unknown, and no retry', async () => {
    const t = makeEngine({ knownHostsPath, answers: { 'host-key': () => 'reject' } });
    const p = profile();
    await t.engine.start(p);
    const state = await t.waitForSession(p.id, 'error');
    expect(state).toMatchObject({
      error: { kind: 'host-key-unknown', message: expect.stringContaining(sshd.hostFingerprint) },
    });
    await sleep(800);
    expect(t.prompts).toHaveLength(1);
    await t.engine.dispose();
  });

  it('matches a hashed (|1|) entry without asking', async () => {
    await writeFile(join(dir, 'hashed'), await readFile(sshd.knownHostsPath));
    await run('ssh-keygen', ['-H', '-f', join(dir, 'hashed')]);
    expect(await readFile(join(dir, 'hashed'), 'utf8')).toMatch(/^\|1\|/);
    const t = makeEngine({ knownHostsPath: join(dir, 'hashed') });
    const p = profile();
    await t.engine.start(p);
    await t.waitForSession(p.id, 'connected');
    expect(t.prompts).toEqual([]);
    await t.engine.dispose();
  });

  it('refuses a changed key without asking', async () => {
    const other = await generateHostKey();
    const impostor: FaultServer = await startFaultServer({ acceptAnyAuth: true, hostKey: other });
    // known_hosts says the impostor's address belongs to the real sshd's key.
    await writeFile(join(dir, 'changed'), `[127.0.0.1]:${impostor.port} ${sshd.hostPublicLine}\n`);
    const t = makeEngine({
      knownHostsPath: join(dir, 'changed'),
      answers: { 'host-key': () => 'accept-save' },
    });
    const p = testProfile({
      host: '127.0.0.1',
      port: impostor.port,
      username: 'x',
      auth: [{ type: 'password' }],
    });
    await t.engine.start(p);
    const state = await t.waitForSession(p.id, 'error');
    expect(state).toMatchObject({ error: { kind: 'host-key-mismatch' } });
    const message = state.state === 'error' ? state.error.message : '';
    expect(message).toContain(impostor.hostFingerprint);
    expect(message).toMatch(/line 1/);
    // The facts a fix needs travel with the error, not only inside its sentence.
    expect(state.state === 'error' && state.error.hostKey).toEqual({
      host: '127.0.0.1',
      port: impostor.port,
      keyType: 'ssh-ed25519',
      knownHostsPath: join(dir, 'changed'),
      line: 1,
    });
    expect(t.prompts).toEqual([]);
    expect(impostor.authAttempts()).toEqual([]);
    await t.engine.dispose();
    await impostor.stop();
    expect(await readFile(join(dir, 'changed'), 'utf8')).toBe(
      `[127.0.0.1]:${impostor.port} ${sshd.hostPublicLine}\n`,
    );
  });
});
