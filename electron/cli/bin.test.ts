// Runs the real bin/burrow over the real bundle and engine: what a user's shell would see.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'burrow');
const dir = mkdtempSync(join(tmpdir(), 'burrow-bin-'));

function burrow(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(bin, args, {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 20_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function writeJson(name: string, data: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(data));
  return path;
}

/** A port on 127.0.0.1 nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function profilesAt(port: number, reconnect: boolean) {
  return {
    format: 'burrow-profiles',
    version: 1,
    profiles: [
      {
        id: 'closed',
        name: 'Closed port',
        host: '127.0.0.1',
        port,
        username: 'nobody',
        auth: [{ type: 'password' }],
        connectTimeoutSeconds: 5,
        reconnect: { enabled: reconnect, initialDelayMs: 200, maxDelayMs: 500 },
        forwards: [{ id: 'pg', type: 'local', bindPort: 0, targetHost: 'db', targetPort: 5432 }],
      },
    ],
  };
}

describe('bin/burrow', () => {
  it('prints help and version', () => {
    const help = burrow(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: burrow <command>/);
    const upHelp = burrow(['up', '--help']);
    expect(upHelp.stdout).toContain('--known-hosts FILE');
    expect(burrow(['--version']).stdout).toMatch(/^burrow \d+\.\d+\.\d+/);
  });

  it('validates a good file and names the bad field of a bad one', () => {
    const good = writeJson('good.json', profilesAt(22, true));
    expect(burrow(['validate', '--file', good])).toMatchObject({
      code: 0,
      stdout: 'OK: 1 profile, 1 forward\n',
    });
    const data = profilesAt(22, true);
    data.profiles[0]!.forwards[0]!.bindPort = 99999;
    const bad = writeJson('bad.json', data);
    const r = burrow(['validate', '--file', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('profiles[0].forwards[0].bindPort: must be between 0 and 65535');
    expect(r.stderr).not.toMatch(/\n\s+at /);

    const up = burrow(['up', '--file', bad]);
    expect(up.code).toBe(2);
    expect(up.stderr).toContain('profiles[0].forwards[0].bindPort');
    expect(up.stdout).toBe('');
  });

  it('answers bad usage with exit 2', () => {
    const r = burrow(['up', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: burrow up');
  });

  it('exits 1 when the only profile fails for good (closed port, reconnect off)', async () => {
    const file = writeJson('closed.json', profilesAt(await closedPort(), false));
    const r = burrow(['up', '--file', file, '--json']);
    expect(r.code).toBe(1);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'session',
        profileId: 'closed',
        state: 'error',
        kind: 'connect-refused',
      }),
    );
    expect(r.stderr).toMatch(/burrow: Closed port stopped: .*\[connect-refused\]/);
  });

  it('keeps reconnecting to a closed port until SIGINT, then exits 0', async () => {
    const file = writeJson('retry.json', profilesAt(await closedPort(), true));
    const child = spawn(bin, ['up', '--file', file, '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    const sawReconnecting = new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('"state":"reconnecting"')) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    await sawReconnecting;
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    // The stream ends with everything stopped: the session and its forward alike.
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; state?: string });
    const lastOf = (type: string) => lines.filter((l) => l.type === type).at(-1);
    expect(lastOf('session')).toMatchObject({ state: 'stopped' });
    expect(lastOf('forward')).toMatchObject({ state: 'stopped' });
  });

  it('says how to build when the bundle is missing', () => {
    const fake = join(dir, 'unbuilt');
    mkdirSync(join(fake, 'bin'), { recursive: true });
    writeFileSync(join(fake, 'package.json'), '{"type":"module"}');
    copyFileSync(bin, join(fake, 'bin', 'burrow'));
    const r = spawnSync(process.execPath, [join(fake, 'bin', 'burrow'), '--help'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      "Burrow's CLI is not built yet: run `npm run build` (npm install does it for you).\n",
    );
  });
});
