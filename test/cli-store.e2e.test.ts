import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestKeys, type TestKeys } from './support/keys';
import { echoRoundTrip, startEchoServer, type TestServer } from './support/net';
import { sshdAvailability, startSshd, type SshdInstance } from './support/sshd';

const bin = join(import.meta.dirname, '..', 'bin', 'burrow');

function burrow(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(bin, args, {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const profileFile = (profiles: unknown[]) =>
  JSON.stringify({ format: 'burrow-profiles', version: 1, profiles });
const staging = {
  id: 'staging',
  name: 'Staging',
  host: 'bastion.example',
  username: 'deploy',
  forwards: [{ id: 'db', type: 'local', bindPort: 5432, targetHost: 'db', targetPort: 5432 }],
};

describe('the CLI on the app’s saved profiles', () => {
  let dir: string;
  let store: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'burrow-cli-store-'));
    store = join(dir, 'store');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('imports a file, lists it, exports it again, and a dry run saves nothing', async () => {
    await writeFile(join(dir, 'in.json'), profileFile([staging]));
    const imported = burrow(['import', '--store', store, '--file', join(dir, 'in.json')]);
    expect(imported).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('+ add      Staging (staging)'),
    });

    const listed = burrow(['list', '--store', store]);
    expect(listed.stdout).toContain('Staging (staging)  deploy@bastion.example:22');
    expect(listed.stdout).toContain('L 127.0.0.1:5432 → db:5432');
    expect(
      JSON.parse(burrow(['list', '--json'], { BURROW_STORE_DIR: store }).stdout),
    ).toMatchObject([{ id: 'staging' }]);

    const changed = { ...staging, host: 'new.example' };
    await writeFile(join(dir, 'changed.json'), profileFile([changed]));
    const before = await readFile(join(store, 'profiles.json'), 'utf8');
    const dry = burrow([
      'import',
      '--store',
      store,
      '--file',
      join(dir, 'changed.json'),
      '--on-conflict',
      'replace',
      '--dry-run',
    ]);
    expect(dry).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('~ replace  Staging (staging)'),
    });
    expect(await readFile(join(store, 'profiles.json'), 'utf8')).toBe(before);

    const out = join(dir, 'out.json');
    expect(burrow(['export', '--store', store, '--profile', 'Staging', '--out', out]).code).toBe(0);
    expect(burrow(['validate', '--file', out])).toMatchObject({
      code: 0,
      stdout: 'OK: 1 profile, 1 forward\n',
    });
    expect(JSON.parse(await readFile(out, 'utf8'))).toMatchObject({
      format: 'burrow-profiles',
      profiles: [{ id: 'staging', host: 'bastion.example' }],
    });
  });

  it('refuses a bad file with field-level messages and leaves the store as it was', async () => {
    const before = await readFile(join(store, 'profiles.json'), 'utf8');
    await writeFile(
      join(dir, 'bad.json'),
      profileFile([{ ...staging, id: 'other', name: 'Other', port: 70000 }]),
    );
    const result = burrow(['import', '--store', store, '--file', join(dir, 'bad.json')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('profiles[0].port: must be between 1 and 65535');
    expect(await readFile(join(store, 'profiles.json'), 'utf8')).toBe(before);
    expect((await readdir(store)).filter((f) => f.endsWith('.bak'))).toEqual([]);
  });

  it('imports hosts from an ssh config, with a warning for what it cannot carry over', async () => {
    const config = join(dir, 'ssh_config');
    await writeFile(
      config,
      'Host *\n  User alice\nHost db\n  HostName db.internal\n  LocalForward 5433 localhost:5432\n  ProxyCommand nc %h %p\n',
    );
    const result = burrow(['import-ssh-config', '--store', store, '--ssh-config', config]);
    expect(result).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('+ add      db (db)'),
    });
    expect(result.stderr).toContain('ProxyCommand is not supported');
    expect(burrow(['list', '--store', store]).stdout).toContain('db (db)  alice@db.internal:22');
    expect(
      burrow(['import-ssh-config', '--store', store, '--ssh-config', config, '--host', 'nope'])
        .code,
    ).toBe(2);
  });
});

const avail = sshdAvailability();

describe.skipIf(!avail.ok)('burrow up without --file, against a real sshd', () => {
  let keys: TestKeys;
  let sshd: SshdInstance;
  let echo: TestServer;
  let dir: string;

  beforeAll(async () => {
    keys = await makeTestKeys();
    sshd = await startSshd({ keys });
    echo = await startEchoServer();
    dir = await mkdtemp(join(tmpdir(), 'burrow-cli-up-store-'));
  });
  afterAll(async () => {
    await Promise.all([sshd?.stop(), echo?.dispose()]);
    await keys?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs a profile by name from the store the app uses', async () => {
    const profile = {
      id: 'lab',
      name: 'Lab',
      host: sshd.host,
      port: sshd.port,
      username: sshd.user,
      auth: [{ type: 'key', path: keys.ed25519.privatePath }],
      forwards: [
        { id: 'echo', type: 'local', bindPort: 0, targetHost: '127.0.0.1', targetPort: echo.port },
      ],
    };
    await writeFile(join(dir, 'lab.json'), profileFile([profile]));
    expect(
      burrow(['import', '--file', join(dir, 'lab.json')], { BURROW_STORE_DIR: dir }).code,
    ).toBe(0);

    const child = spawn(
      bin,
      ['up', '--profile', 'Lab', '--json', '--known-hosts', sshd.knownHostsPath],
      {
        env: { ...process.env, BURROW_STORE_DIR: dir },
      },
    );
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    const deadline = Date.now() + 15_000;
    let port = 0;
    while (!port && Date.now() < deadline) {
      const active = stdout.split('\n').find((l) => l.includes('"state":"active"'));
      if (active) port = (JSON.parse(active) as { bindPort: number }).bindPort;
      else await new Promise((r) => setTimeout(r, 20));
    }
    expect(port).toBeGreaterThan(0);
    expect((await echoRoundTrip('127.0.0.1', port, Buffer.from('from the store'))).toString()).toBe(
      'from the store',
    );
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
