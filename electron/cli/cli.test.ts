import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeProfileFile } from '../../shared';
import { version } from '../../package.json';
import { runCli } from './cli';
import { fakeIo, profile } from './test-helpers';

const dir = mkdtempSync(join(tmpdir(), 'burrow-cli-'));
const good = join(dir, 'good.json');
writeFileSync(
  good,
  JSON.stringify(
    makeProfileFile([
      profile({
        id: 'db',
        forwards: [
          { id: 'a', type: 'local', bindPort: 1, targetHost: 'x', targetPort: 1 },
          { id: 'b', type: 'dynamic', bindPort: 2 },
        ],
      }),
      profile({ id: 'web' }),
    ]),
  ),
);
const bad = join(dir, 'bad.json');
writeFileSync(
  bad,
  JSON.stringify({
    format: 'burrow-profiles',
    version: 1,
    profiles: [{ id: 'db', name: 'Db', host: 'h', username: 'u', port: 0 }],
  }),
);

async function cli(argv: string[], createEngine: () => never = unexpectedEngine) {
  const { io, stdout, stderr } = fakeIo();
  const code = await runCli(argv, {
    io,
    createEngine,
    onShutdownSignal: () => () => {},
    homedir: '/home/a',
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

function unexpectedEngine(): never {
  throw new Error('no engine expected');
}

describe('runCli', () => {
  it('prints help on stdout with exit 0', async () => {
    for (const argv of [['--help'], ['help']]) {
      const r = await cli(argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: burrow <command>/);
    }
    const up = await cli(['up', '--help']);
    expect(up.stdout).toContain('--accept-new-host-keys');
    expect(up.stdout).toContain('BURROW_PASSWORD');
    expect(up.stdout).toContain('BURROW_PASSPHRASE');
    expect((await cli(['help', 'validate'])).stdout).toMatch(/^Usage: burrow validate/);
  });

  it('prints the package version', async () => {
    expect(await cli(['--version'])).toEqual({
      code: 0,
      stdout: `burrow ${version}\n`,
      stderr: '',
    });
  });

  it('answers bad usage with the message, the usage text on stderr and exit 2', async () => {
    const r = await cli(['up', '--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^burrow: Unknown option '--frobnicate'\n\nUsage: burrow up/);
    expect((await cli([])).code).toBe(2);
  });

  it('validates a good file', async () => {
    expect(await cli(['validate', '--file', good])).toEqual({
      code: 0,
      stdout: 'OK: 2 profiles, 2 forwards\n',
      stderr: '',
    });
    const json = await cli(['validate', '--file', good, '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ ok: true, file: good, profiles: 2, forwards: 2 });
  });

  it('names every bad field of a bad file with exit 2', async () => {
    const r = await cli(['validate', '--file', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `burrow: ${bad} is not a valid Burrow profiles file:\n  profiles[0].port: must be between 1 and 65535\n`,
    );
    const json = await cli(['validate', '-f', bad, '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({
      ok: false,
      file: bad,
      errors: [{ path: 'profiles[0].port', message: 'must be between 1 and 65535' }],
    });
  });

  it('stops up on a bad file or unknown profile with exit 2 and no stack', async () => {
    const r = await cli(['up', '--file', bad]);
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: `burrow: ${bad} is not a valid Burrow profiles file:\n  profiles[0].port: must be between 1 and 65535\n`,
    });
    const unknown = await cli(['up', '--file', good, '--profile', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /^burrow: no profile has the id or name "nope"\n {2}Profiles: db/,
    );
    expect((await cli(['up'])).code).toBe(2);
  });

  it('lets internal errors through for main to report as exit 70', async () => {
    await expect(
      cli(['up', '--file', good], () => {
        throw new Error('bug');
      }),
    ).rejects.toThrow('bug');
  });
});
