import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorInfo, makeProfileFile, type PromptHandler } from '../../shared';
import type { EngineOptions } from '../engine/api';
import type { UpCommand } from './args';
import type { Terminal } from './terminal';
import { FakeEngine, fakeIo, forwardStatus, profile, profileStatus } from './test-helpers';
import { runUp, type UpDeps } from './up';

const tick = () => new Promise<void>((r) => setTimeout(r, 0));
const dir = mkdtempSync(join(tmpdir(), 'burrow-cli-up-'));
const db = profile({
  id: 'db',
  name: 'Database',
  forwards: [{ id: 'pg', type: 'local', bindPort: 0, targetHost: 'db', targetPort: 5432 }],
});
const web = profile({ id: 'web', name: 'Web', jumpHosts: [{ profileId: 'db' }] });
const file = join(dir, 'profiles.json');
writeFileSync(file, JSON.stringify(makeProfileFile([db, web])));

function command(extra: Partial<UpCommand> = {}): UpCommand {
  return { name: 'up', file, profiles: [], acceptNewHostKeys: false, json: true, ...extra };
}

/** Runs `up` against a FakeEngine; `signal()` plays the first Ctrl-C. */
function start(
  cmd: UpCommand,
  setup: (engine: FakeEngine) => void = () => {},
  opts: {
    env?: Record<string, string>;
    terminal?: Terminal;
    cryptoStatus?: () => { native: true } | { native: false; reason: string };
    socketTuningStatus?: UpDeps['socketTuningStatus'];
    receivePathStatus?: UpDeps['receivePathStatus'];
  } = {},
) {
  const { io, stdout, stderr } = fakeIo(opts.env);
  let engine: FakeEngine | undefined;
  let onSignal: (() => void) | undefined;
  let signalsOff = false;
  let created: (engine: FakeEngine) => void = () => {};
  const ready = new Promise<FakeEngine>((resolve) => (created = resolve));
  const done = runUp(cmd, {
    io,
    homedir: '/home/alice',
    createEngine: (options: EngineOptions) => {
      engine = new FakeEngine(options);
      setup(engine);
      created(engine);
      return engine;
    },
    onShutdownSignal: (listener) => {
      onSignal = listener;
      return () => {
        signalsOff = true;
      };
    },
    ...(opts.terminal && { terminal: opts.terminal }),
    cryptoStatus: opts.cryptoStatus ?? (() => ({ native: true })),
    socketTuningStatus: opts.socketTuningStatus ?? (() => ({ available: true })),
    receivePathStatus: opts.receivePathStatus ?? (() => ({ available: true })),
  });
  return {
    done,
    /** Resolves once the profiles were loaded and `up` is running (starts already called). */
    ready: ready.then(tick),
    stdout,
    stderr,
    engine: () => engine!,
    signal: () => onSignal!(),
    signalsOff: () => signalsOff,
  };
}

describe('burrow up', () => {
  it('starts every profile, prints JSON lines, and exits 0 after dispose on a signal', async () => {
    const run = start(command(), (engine) => {
      engine.onStart = (p, e) =>
        e.push(
          profileStatus(p.id, { state: 'connected' }, [
            forwardStatus('pg', { state: 'active', bindHost: '127.0.0.1', bindPort: 40000 }),
          ]),
        );
    });
    await run.ready;
    expect(run.engine().started.map((p) => p.id)).toEqual(['db', 'web']);
    expect(run.engine().options.knownHostsPath).toBe('/home/alice/.ssh/known_hosts');
    expect(run.engine().options.resolveProfile?.('db')).toEqual(db);
    run.signal();
    expect(await run.done).toBe(0);
    expect(run.engine().disposed).toBe(true);
    expect(run.signalsOff()).toBe(true);
    expect(run.stdout.json()).toEqual([
      { type: 'session', profile: 'Database', profileId: 'db', state: 'connected' },
      {
        type: 'forward',
        profile: 'Database',
        profileId: 'db',
        forward: 'pg',
        state: 'active',
        bindHost: '127.0.0.1',
        bindPort: 40000,
      },
      { type: 'session', profile: 'Web', profileId: 'web', state: 'connected' },
      {
        type: 'forward',
        profile: 'Web',
        profileId: 'web',
        forward: 'pg',
        state: 'active',
        bindHost: '127.0.0.1',
        bindPort: 40000,
      },
      // The final snapshot after dispose.
      { type: 'session', profile: 'Database', profileId: 'db', state: 'stopped' },
      { type: 'session', profile: 'Web', profileId: 'web', state: 'stopped' },
    ]);
    expect(run.stderr.text).toBe('');
  });

  it('warns once when ssh2 runs on its slower JavaScript crypto', async () => {
    const run = start(command({}), () => {}, {
      cryptoStatus: () => ({
        native: false,
        reason: "ssh2's native crypto binding (sshcrypto.node) is missing",
      }),
    });
    await run.ready;
    expect(run.stderr.text).toContain('burrow: warning: running on slower JavaScript crypto: ssh2');
    run.signal();
    expect(await run.done).toBe(0);
  });

  it.each([
    { dep: 'socketTuningStatus', name: 'socket-tuning', where: 'Linux' },
    { dep: 'receivePathStatus', name: 'receive-path', where: 'all but Windows' },
  ] as const)(
    'warns when the $name binding is missing where it is needed ($where), not elsewhere',
    async ({ dep, name }) => {
      const missing = (needed: boolean) => () => ({
        available: false as const,
        needed,
        reason: 'it was not built (Cannot find module ./build/Release/binding.node)',
      });
      const needed = start(command({}), () => {}, { [dep]: missing(true) });
      await needed.ready;
      expect(needed.stderr.text).toContain(
        `burrow: warning: downloads run slower: Burrow's ${name} binding is missing: it was not built`,
      );
      needed.signal();
      expect(await needed.done).toBe(0);

      const elsewhere = start(command({}), () => {}, { [dep]: missing(false) });
      await elsewhere.ready;
      expect(elsewhere.stderr.text).toBe('');
      elsewhere.signal();
      expect(await elsewhere.done).toBe(0);
    },
  );

  it('runs only the profiles named, by id or name', async () => {
    const run = start(command({ profiles: ['Web'], knownHosts: '/tmp/kh' }));
    await run.ready;
    expect(run.engine().started.map((p) => p.id)).toEqual(['web']);
    expect(run.engine().options.knownHostsPath).toBe('/tmp/kh');
    run.signal();
    expect(await run.done).toBe(0);
  });

  it('exits 1 after disposing once every profile failed fatally, printing the error', async () => {
    const denied = errorInfo('auth-failed', 'Login as alice failed.');
    const run = start(command(), (engine) => {
      engine.onStart = (p, e) => {
        // The error is still inside the coalescing window: only the snapshot knows it.
        if (p.id === 'db') e.set(profileStatus('db', { state: 'error', error: denied }));
        else e.push(profileStatus('web', { state: 'connected' }));
      };
    });
    await run.ready;
    expect(run.engine().disposed).toBe(false);
    run
      .engine()
      .push(profileStatus('web', { state: 'error', error: errorInfo('host-key-unknown') }));
    expect(await run.done).toBe(1);
    expect(run.engine().disposed).toBe(true);
    expect(run.stdout.json()).toContainEqual({
      type: 'session',
      profile: 'Database',
      profileId: 'db',
      state: 'error',
      kind: 'auth-failed',
      message: denied.message,
    });
    expect(run.stderr.lines()).toEqual([
      `burrow: Database stopped: ${denied.message} [auth-failed]`,
      `burrow: Web stopped: ${errorInfo('host-key-unknown').message} [host-key-unknown]`,
      expect.stringMatching(
        /^burrow: no terminal to ask about the host key: run with --accept-new-host-keys/,
      ),
      'burrow: no profile left running.',
    ]);
  });

  it('keeps running while one profile is still reconnecting', async () => {
    const run = start(command(), (engine) => {
      engine.onStart = (p, e) =>
        e.push(
          p.id === 'db'
            ? profileStatus('db', { state: 'error', error: errorInfo('auth-failed') })
            : profileStatus('web', {
                state: 'reconnecting',
                attempt: 1,
                retryAt: Date.now() + 1000,
                lastError: errorInfo('timeout'),
              }),
        );
    });
    await run.ready;
    await tick();
    expect(run.engine().disposed).toBe(false);
    run.signal();
    expect(await run.done).toBe(0);
  });

  it('counts a start that throws as a failure', async () => {
    const run = start(command({ profiles: ['db'] }), (engine) => {
      engine.onStart = () => Promise.reject(new Error('jump host loop'));
    });
    expect(await run.done).toBe(1);
    expect(run.stderr.lines()[0]).toBe('burrow: Database could not start: jump host loop');
  });

  it('wires the prompt: env answers without a terminal, accept-new notices on stderr', async () => {
    let prompt: PromptHandler | undefined;
    const run = start(
      command({ acceptNewHostKeys: true }),
      (engine) => {
        prompt = engine.prompt;
      },
      { env: { BURROW_PASSWORD: 'pw' } },
    );
    await run.ready;
    const where = { profileId: 'db', host: 'h', port: 22 };
    expect(await prompt!({ ...where, kind: 'password' })).toBe('pw');
    expect(
      await prompt!({
        ...where,
        kind: 'host-key',
        keyType: 'ssh-ed25519',
        fingerprint: 'SHA256:x',
      }),
    ).toBe('accept-save');
    expect(run.stderr.text).toContain('[Database] Added the new host key of h:22');
    expect(run.stderr.text).toContain('ssh-ed25519 SHA256:x');
    expect(run.stderr.text).not.toContain('pw');
    run.signal();
    expect(await run.done).toBe(0);
  });

  it('uses plain lines when stdout is not a terminal and --json is not given', async () => {
    const run = start(command({ json: false }));
    await run.ready;
    run.signal();
    expect(await run.done).toBe(0);
    expect(run.stdout.lines()).toEqual([
      'Database: connected',
      'Web: connected',
      'Stopping every tunnel… (Ctrl-C again quits at once)',
      'Database: stopped',
      'Web: stopped',
    ]);
  });

  it('prints engine logs only with BURROW_DEBUG=1', async () => {
    const run = start(command({ json: false }), () => {}, { env: { BURROW_DEBUG: '1' } });
    await run.ready;
    run.engine().log({ at: 0, profileId: 'db', level: 'info', message: 'hello' });
    run.signal();
    await run.done;
    expect(run.stdout.lines()).toContain('[Database] info: hello');
  });

  it('fails with exit-2 errors before starting anything', async () => {
    await expect(start(command({ profiles: ['nope'] })).done).rejects.toMatchObject({
      exitCode: 2,
    });
    await expect(start(command({ file: join(dir, 'missing.json') })).done).rejects.toMatchObject({
      exitCode: 2,
    });
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, JSON.stringify(makeProfileFile([])));
    await expect(start(command({ file: empty })).done).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/nothing to run/),
    });
  });
});
