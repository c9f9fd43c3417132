import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultServer, type FaultServer } from './support/fault-server';
import { makeTestKeys, type TestKeys } from './support/keys';

const root = join(import.meta.dirname, '..');

/**
 * The built main-process bundle (out/main/index.js), loaded in plain Node with a stand-in for
 * the `electron` module (its binary cannot run here), and driven through the IPC handlers it
 * registers. This proves the bundle's imports resolve as Node's ES module loader sees them and
 * that main wires the store, the engine and the dispatcher the way the tests of each assume.
 */
describe('the Electron main bundle', () => {
  let userData: string;
  let server: FaultServer;
  let keys: TestKeys;
  let child: ChildProcessWithoutNullStreams;
  let nextId = 0;
  const waiting = new Map<number, (body: { result?: unknown; error?: string }) => void>();
  let stderr = '';

  beforeAll(async () => {
    execFileSync(
      process.execPath,
      [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
      {
        cwd: root,
        stdio: 'pipe',
      },
    );
    userData = await mkdtemp(join(tmpdir(), 'burrow-main-'));
    // A saved profile that starts with the app, and the app set to start in the tray.
    server = await startFaultServer({ acceptAnyAuth: true });
    keys = await makeTestKeys();
    await writeFile(
      join(userData, 'profiles.json'),
      JSON.stringify({
        schemaVersion: 2,
        profiles: [
          {
            id: 'lab',
            name: 'Lab',
            host: server.host,
            port: server.port,
            username: 'me',
            auth: [{ type: 'key', path: keys.ed25519.privatePath }],
            autoStart: true,
            forwards: [{ id: 'socks', type: 'dynamic', bindPort: 0 }],
          },
        ],
        settings: { startMinimized: true, knownHostsPath: server.knownHostsPath },
      }),
    );
    child = spawn(
      process.execPath,
      [
        '--import',
        join(root, 'test/fake-electron/register.mjs'),
        join(root, 'test/fake-electron/drive.mjs'),
        join(root, 'out/main/index.js'),
      ],
      {
        env: {
          ...process.env,
          BURROW_TEST_USER_DATA: userData,
          BURROW_TEST_APP_PATH: root,
          // Main writes the Linux autostart entry under the home folder: keep it in the test's.
          HOME: userData,
          ELECTRON_RENDERER_URL: '',
        },
      },
    );
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // A bundle that cannot load ends the driver: fail every question at once, with the reason.
    child.on('exit', (code) => {
      for (const answer of waiting.values()) answer({ error: `main exited (${code}):\n${stderr}` });
      waiting.clear();
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const message = JSON.parse(line) as { id: number; result?: unknown; error?: string };
      waiting.get(message.id)?.(message);
    });
  }, 120_000);

  afterAll(async () => {
    child?.kill();
    await server?.stop();
    await keys?.cleanup();
    await rm(userData, { recursive: true, force: true });
  });

  function ask(request: Record<string, unknown>): Promise<{ result?: unknown; error?: string }> {
    const id = nextId++;
    if (child.exitCode !== null) return Promise.resolve({ error: `main exited:\n${stderr}` });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no answer to ${JSON.stringify(request)}; stderr:\n${stderr}`)),
        15_000,
      );
      waiting.set(id, (body) => {
        clearTimeout(timer);
        resolve(body);
      });
      child.stdin.write(`${JSON.stringify({ id, ...request })}\n`);
    });
  }

  const ownFrame = () => `file://${join(root, 'out/renderer/index.html')}`;
  const call = (name: string, payload?: unknown, frameUrl = ownFrame(), topLevel = true) =>
    ask({ call: `burrow:${name}`, payload, frameUrl, topLevel }).then(
      (r) =>
        r.result as { ok: boolean; value?: unknown; error?: { kind: string; message: string } },
    );

  type Inspected = {
    windows: number;
    visible: boolean;
    tray?: { icon: string; tooltip: string; menu: { label?: string; submenu?: unknown[] }[] };
  };
  const inspect = async () => (await ask({ inspect: true })).result as Inspected;
  const until = async (check: (i: Inspected) => boolean, what: string) => {
    const deadline = Date.now() + 10_000;
    let last = await inspect();
    while (!check(last)) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}: ${JSON.stringify(last)}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
      last = await inspect();
    }
    return last;
  };

  it('starts in the tray, starts the auto-start profile, and shows it is up', async () => {
    const first = await inspect();
    expect(first.windows).toBe(0);
    const up = await until(
      (i) => i.tray?.icon.endsWith(join('assets', 'tray', 'tray-up.png')) === true,
      'the tray to show "up"',
    );
    expect(up.tray?.tooltip).toBe('Burrow: 1 tunnel running (1 profile)');
    expect(up.tray?.menu.map((i) => i.label)).toEqual(
      expect.arrayContaining(['Lab — on', 'Start all', 'Stop all', 'Open Burrow', 'Quit Burrow']),
    );
    expect(server.readyClients()).toBe(1);
  });

  it('opens a sandboxed, isolated window from the tray, on the built renderer, with the preload it built', async () => {
    await ask({ clickTray: ['Open Burrow'] });
    const { result } = await ask({ inspect: true });
    const inspected = result as {
      windowOptions: { webPreferences: Record<string, unknown> };
      url: string;
      csp: string[];
      channels: string[];
    };
    expect(inspected.windowOptions.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    });
    const preload = inspected.windowOptions.webPreferences.preload as string;
    expect(preload.endsWith(join('out', 'preload', 'index.cjs'))).toBe(true);
    expect(existsSync(preload)).toBe(true);
    expect(existsSync(fileURLToPath(inspected.url))).toBe(true);
    expect(inspected.csp[0]).toContain("default-src 'self'");
    expect(inspected.channels).toContain('burrow:profiles.list');
  });

  it('serves the contract to its own window, and nothing to a stranger', async () => {
    const created = await call('profiles.create', {
      profile: { name: 'From main', host: 'example.invalid', username: 'me' },
    });
    expect(created).toMatchObject({ ok: true, value: { id: 'from-main', name: 'From main' } });
    expect(await call('profiles.list')).toMatchObject({
      ok: true,
      value: [{ id: 'lab' }, { id: 'from-main' }],
    });
    expect(existsSync(join(userData, 'profiles.json'))).toBe(true);

    expect(await call('profiles.list', undefined, 'https://evil.example/')).toMatchObject({
      ok: false,
      error: { kind: 'forbidden' },
    });
    expect(await call('profiles.list', undefined, ownFrame(), false)).toMatchObject({
      ok: false,
      error: { kind: 'forbidden' },
    });
    expect(await call('tunnels.start', { profileId: 42 })).toMatchObject({
      ok: false,
      error: { kind: 'invalid-input' },
    });
  });

  it('says when secrets cannot be stored safely (Linux without a keyring)', async () => {
    const info = await call('app.info');
    expect(info).toMatchObject({
      ok: true,
      value: { version: '0.0.0-fake', secureStorage: { available: false } },
    });
  });

  it('hides the window on close (tunnels keep running), and stops everything from the tray', async () => {
    expect((await ask({ closeWindow: true })).result).toBe(false);
    expect((await inspect()).visible).toBe(false);
    expect(server.readyClients()).toBe(1);
    // A second launch of Burrow shows the window of the first.
    await ask({ appEvent: 'second-instance' });
    expect((await inspect()).visible).toBe(true);
    await ask({ clickTray: ['Stop all'] });
    await until((i) => i.tray?.icon.endsWith('tray-idle.png') === true, 'the tray to show idle');
    expect((await inspect()).tray?.tooltip).toBe('Burrow: no tunnels running');
  });

  it('stops every tunnel before it quits', async () => {
    expect((await ask({ quit: true })).result).toBe(1);
  });
});
