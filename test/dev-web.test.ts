import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createBurrowClient, type AppSettings, type BurrowApi, type IpcResult } from '../shared';
import { devCsp, insideStore, startDevWeb, type DevWebServer } from '../electron/dev-web/server';
import { attachBridgeServer, type BridgeServer } from '../electron/dev-web/ws-server';
import {
  createWebSocketTransport,
  type WebSocketConstructor,
  type WebSocketTransport,
} from '../electron/dev-web/ws-transport';
import { exportFileName, webFileDialogs } from '../electron/dev-web/web-dialogs';
import { BRIDGE_PATH } from '../electron/dev-web/protocol';
import type { Dispatch } from '../electron/ipc/dispatcher';
import { canConnect, waitFor } from './support/net';

/** A `ws` socket that presents `origin` the way a browser page on that origin does. */
function socketFrom(origin: string): WebSocketConstructor {
  return class extends WebSocket {
    constructor(url: string) {
      super(url, { origin });
    }
  };
}

/** How the server answered a handshake: 'open', or the HTTP status it refused with. */
function handshake(
  url: string,
  options: { origin?: string; headers?: Record<string, string> } = {},
): Promise<'open' | number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options);
    socket.on('open', () => {
      socket.close();
      resolve('open');
    });
    socket.on('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('error', (err) => reject(err));
  });
}

/** An authorised raw socket, for frames the real client never sends. */
async function rawSocket(url: string, origin: string): Promise<WebSocket> {
  const socket = new WebSocket(url, { origin });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return socket;
}

function nextMessage(socket: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) =>
    socket.once('message', (data) => resolve(JSON.parse(String(data)) as Record<string, unknown>)),
  );
}

function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? '', body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

const newProfile = () => ({
  name: 'Staging',
  host: '127.0.0.1',
  port: 2222,
  username: 'deploy',
  auth: [{ type: 'password' as const }],
  forwards: [],
});

/**
 * `npm run dev:web` for real: the store in a temp folder, the service, Vite serving the renderer
 * and the WebSocket bridge on one loopback port, driven the way the page drives it (the same
 * transport and client, over the `ws` package instead of the browser's WebSocket).
 */
describe('the web development mode', () => {
  let dir: string;
  let server: DevWebServer;
  let origin: string;
  let logs: string[];
  const transports: WebSocketTransport[] = [];

  async function connect(): Promise<{ api: BurrowApi; transport: WebSocketTransport }> {
    const url = `${origin.replace(/^http/, 'ws')}${BRIDGE_PATH}?token=${server.token}`;
    const transport = createWebSocketTransport(url, socketFrom(origin));
    transports.push(transport);
    await transport.ready;
    return { api: createBurrowClient(transport), transport };
  }

  const bridgeUrl = (query: string) => `${origin.replace(/^http/, 'ws')}${BRIDGE_PATH}${query}`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'burrow-dev-web-'));
    logs = [];
    server = await startDevWeb({
      storeDir: dir,
      knownHostsPath: join(dir, 'known_hosts'),
      sshConfigPath: join(dir, 'no-ssh-config'),
      log: (line) => logs.push(line),
    });
    origin = new URL(server.url).origin;
  });

  afterEach(() => {
    for (const transport of transports.splice(0)) transport.dispose();
  });

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves on 127.0.0.1 only, with a long random token in the URL', async () => {
    const url = new URL(server.url);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.pathname).toBe('/');
    expect(url.searchParams.get('token')).toBe(server.token);
    expect(Buffer.from(server.token, 'base64url')).toHaveLength(32);
    const port = Number(url.port);
    expect(await canConnect('127.0.0.1', port)).toBe(true);
    expect(await canConnect('::1', port)).toBe(false);
    const lan = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && !i.internal && i.family === 'IPv4');
    if (lan) expect(await canConnect(lan.address, port)).toBe(false);
  });

  it('runs commands end to end, with field-level errors for invalid input', async () => {
    const { api } = await connect();
    const created = await api.call['profiles.create']({ profile: newProfile() });
    expect(created).toMatchObject({ ok: true, value: { name: 'Staging', port: 2222 } });
    const listed = await api.call['profiles.list'](undefined);
    expect(listed.ok && listed.value.map((p) => p.name)).toContain('Staging');

    const invalid = await api.call['profiles.create']({
      profile: { ...newProfile(), port: 70000 },
    });
    expect(invalid.ok).toBe(false);
    if (!invalid.ok) {
      expect(invalid.error.kind).toBe('invalid-input');
      expect(invalid.error.issues).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ path: expect.stringContaining('port') }),
        ]),
      );
    }
    // The profile really is in the store file, where the CLI would find it.
    expect(await readFile(join(dir, 'profiles.json'), 'utf8')).toContain('"Staging"');
  });

  it('reports no secure storage, since web mode has no OS keyring', async () => {
    const { api } = await connect();
    const info = await api.call['app.info'](undefined);
    expect(info).toMatchObject({
      ok: true,
      value: {
        storePath: join(dir, 'profiles.json'),
        secureStorage: { available: false, reason: 'Web development mode has no secure storage.' },
      },
    });
  });

  it('sends events to every connected page', async () => {
    const first = await connect();
    const second = await connect();
    const profileEvents: string[][] = [];
    const settingsEvents: string[] = [];
    first.api.on('profiles', ({ profiles }) => profileEvents.push(profiles.map((p) => p.name)));
    second.api.on('settings', (settings) => settingsEvents.push(settings.theme));

    await first.api.call['profiles.create']({ profile: { ...newProfile(), name: 'Events' } });
    await waitFor(() => profileEvents.some((names) => names.includes('Events')), 5000, 'profiles');

    const updated = await first.api.call['settings.update']({ settings: { theme: 'dark' } });
    expect(updated).toMatchObject({ ok: true, value: { theme: 'dark' } });
    await waitFor(() => settingsEvents.includes('dark'), 5000, 'a settings event');
  });

  it('answers unknown channels and commands with invalid-input', async () => {
    const socket = await rawSocket(bridgeUrl(`?token=${server.token}`), origin);
    try {
      socket.send(JSON.stringify({ type: 'call', id: 1, channel: 'profiles.list' }));
      expect(await nextMessage(socket)).toMatchObject({
        type: 'result',
        id: 1,
        result: { ok: false, error: { kind: 'invalid-input' } },
      });
      socket.send(JSON.stringify({ type: 'call', id: 2, channel: 'burrow:shell.exec' }));
      expect(await nextMessage(socket)).toMatchObject({
        id: 2,
        result: {
          ok: false,
          error: { kind: 'invalid-input', message: expect.stringMatching(/no command/) },
        },
      });
    } finally {
      socket.close();
    }
  });

  it('survives malformed frames and keeps answering on the same socket', async () => {
    const socket = await rawSocket(bridgeUrl(`?token=${server.token}`), origin);
    try {
      socket.send('this is not JSON');
      socket.send('{"type":"call"}');
      socket.send(Buffer.from([0xde, 0xad]), { binary: true });
      socket.send(JSON.stringify({ type: 'call', id: 9, channel: 42 }));
      expect(await nextMessage(socket)).toMatchObject({
        id: 9,
        result: { ok: false, error: { kind: 'invalid-input' } },
      });
      socket.send(JSON.stringify({ type: 'call', id: 10, channel: 'burrow:settings.get' }));
      expect(await nextMessage(socket)).toMatchObject({ id: 10, result: { ok: true } });
    } finally {
      socket.close();
    }
    expect(logs.some((line) => line.includes('malformed'))).toBe(true);
  });

  it('refuses a socket without the right token, from another origin or for another host', async () => {
    const ok = bridgeUrl(`?token=${server.token}`);
    expect(await handshake(ok, { origin })).toBe('open');
    expect(await handshake(bridgeUrl(''), { origin })).toBe(401);
    expect(await handshake(bridgeUrl('?token='), { origin })).toBe(401);
    expect(await handshake(bridgeUrl(`?token=${server.token}x`), { origin })).toBe(401);
    expect(await handshake(bridgeUrl('?token=wrong'), { origin })).toBe(401);
    expect(await handshake(ok, { origin: 'http://evil.example' })).toBe(403);
    expect(await handshake(ok, { origin: origin.replace('127.0.0.1', 'localhost') })).toBe(403);
    expect(await handshake(ok)).toBe(403);
    // DNS rebinding: a page on evil.example whose name now points at 127.0.0.1.
    const port = new URL(origin).port;
    expect(await handshake(ok, { origin, headers: { Host: `evil.example:${port}` } })).toBe(403);
    // The server is still fine.
    const { api } = await connect();
    expect((await api.call['settings.get'](undefined)).ok).toBe(true);
  });

  it('serves index.html with the bridge as the first script and a dev CSP without unsafe-inline scripts', async () => {
    const page = await get(server.url);
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/text\/html/);
    const scripts = [...page.body.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts[0]).toMatch(/src="\/@burrow\/web-bridge"/);
    const app = scripts.findIndex((s) => /src="[^"]*\/src\/main\.tsx?"/.test(s));
    expect(app).toBeGreaterThan(0);
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(page.body)?.[1] ?? '';
    const cspAt = page.body.indexOf('Content-Security-Policy');
    expect(cspAt).toBeGreaterThan(0);
    expect(cspAt).toBeLessThan(page.body.indexOf('<script'));
    const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? '';
    expect(scriptSrc).toMatch(/'self'/);
    expect(scriptSrc).toMatch(/'nonce-[\w-]+'/);
    expect(scriptSrc).not.toMatch(/unsafe/);
    expect(csp).toMatch(
      new RegExp(`connect-src [^;]*ws://127\\.0\\.0\\.1:${new URL(origin).port}`),
    );
    // Every script carries this run's nonce.
    const nonce = /'nonce-([\w-]+)'/.exec(scriptSrc)?.[1];
    for (const script of scripts) expect(script).toContain(`nonce="${nonce}"`);
  });

  it('serves the bridge module as JavaScript', async () => {
    const bridge = await get(`${origin}/@burrow/web-bridge`);
    expect(bridge.status).toBe(200);
    expect(bridge.type).toMatch(/javascript/);
    expect(bridge.body).toContain('createBurrowClient');
    expect(bridge.body).toContain('createWebSocketTransport');
  });

  it('refuses HTTP requests for another host and never serves the store', async () => {
    const port = new URL(origin).port;
    const rebound = await get(server.url, { Host: `evil.example:${port}` });
    expect(rebound.status).toBe(403);
    const store = await get(`${origin}/@fs${join(dir, 'profiles.json')}`);
    expect(store.body).not.toContain('"Staging"');
  });

  it('writes exports into the store folder, owner-only', async () => {
    const { api } = await connect();
    const exported = await api.call['transfer.exportToFile']({});
    expect(exported.ok).toBe(true);
    if (!exported.ok || !exported.value) throw new Error('no export');
    expect(exported.value.path.startsWith(join(dir, 'exports'))).toBe(true);
    expect(await readFile(exported.value.path, 'utf8')).toContain('"Staging"');
    if (process.platform !== 'win32')
      expect((await stat(exported.value.path)).mode & 0o777).toBe(0o600);
  });
});

describe('closing the web development mode', () => {
  it('stops the service, tells connected pages, and releases the port', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'burrow-dev-web-close-'));
    try {
      const server = await startDevWeb({ storeDir: dir, log: () => undefined });
      const origin = new URL(server.url).origin;
      const port = Number(new URL(origin).port);
      const transport = createWebSocketTransport(
        `${origin.replace(/^http/, 'ws')}${BRIDGE_PATH}?token=${server.token}`,
        socketFrom(origin),
        { retryMs: 20 },
      );
      await transport.ready;
      const api = createBurrowClient(transport);
      expect((await api.call['profiles.list'](undefined)).ok).toBe(true);

      const closing = Date.now();
      await server.close();
      await server.close(); // twice is fine
      expect(Date.now() - closing).toBeLessThan(3000);
      expect(await canConnect('127.0.0.1', port)).toBe(false);
      const after = await api.call['profiles.list'](undefined);
      expect(after).toMatchObject({ ok: false, error: { kind: 'internal' } });
      transport.dispose();

      // The port really is free again.
      const again = createServer();
      await new Promise<void>((resolve, reject) => {
        again.once('error', reject);
        again.listen(port, '127.0.0.1', resolve);
      });
      await new Promise((resolve) => again.close(resolve));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/**
 * The transport and the bridge server alone, over a plain HTTP server and a stand-in dispatcher:
 * fast enough to exercise reconnecting and the order of things.
 */
describe('the WebSocket transport', () => {
  let http: Server;
  let bridge: BridgeServer;
  let origin: string;
  let calls: { name: string; payload: unknown }[];
  let hold: Promise<void> | undefined;
  /** The server side of every page socket, to cut them as a dying server would. */
  const upgraded = new Set<Duplex>();
  const token = 'test-token';

  const dispatch: Dispatch = async (name, payload) => {
    calls.push({ name, payload });
    if (hold) await hold;
    return { ok: true, value: { name, payload } } satisfies IpcResult<unknown>;
  };

  beforeAll(async () => {
    http = createServer();
    http.on('upgrade', (_req, socket: Duplex) => {
      upgraded.add(socket);
      socket.once('close', () => upgraded.delete(socket));
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    bridge = attachBridgeServer(http, { token, dispatch, allowedOrigin: origin });
  });

  afterAll(async () => {
    await bridge.dispose();
    await new Promise((resolve) => http.close(resolve));
  });

  const url = () => `${origin.replace(/^http/, 'ws')}${BRIDGE_PATH}?token=${token}`;

  it('queues calls made before the socket opens and matches results by id', async () => {
    calls = [];
    const transport = createWebSocketTransport(url(), socketFrom(origin));
    try {
      const results = await Promise.all([
        transport.invoke('burrow:profiles.list', undefined),
        transport.invoke('burrow:settings.update', { settings: { theme: 'dark' } }),
      ]);
      expect(results).toEqual([
        { ok: true, value: { name: 'profiles.list' } },
        { ok: true, value: { name: 'settings.update', payload: { settings: { theme: 'dark' } } } },
      ]);
      expect(calls.map((c) => c.name)).toEqual(['profiles.list', 'settings.update']);
    } finally {
      transport.dispose();
    }
  });

  it('fans events out by channel and stops after unsubscribe', async () => {
    calls = [];
    const transport = createWebSocketTransport(url(), socketFrom(origin));
    try {
      await transport.ready;
      const seen: unknown[] = [];
      const off = transport.subscribe('burrow:settings', (payload) => seen.push(payload));
      transport.subscribe('burrow:status', () => seen.push('wrong channel'));
      // The server only knows its pages once they connected; a call round trip makes sure.
      await transport.invoke('burrow:settings.get', undefined);
      bridge.eventSink.send('settings', { theme: 'light' } as AppSettings);
      await waitFor(() => seen.length === 1, 2000, 'an event');
      expect(seen).toEqual([{ theme: 'light' }]);
      off();
      bridge.eventSink.send('settings', { theme: 'dark' } as AppSettings);
      await transport.invoke('burrow:settings.get', undefined);
      expect(seen).toEqual([{ theme: 'light' }]);
    } finally {
      transport.dispose();
    }
  });

  it('fails calls in flight when the socket drops, then reconnects', async () => {
    calls = [];
    let release!: () => void;
    hold = new Promise((resolve) => (release = resolve));
    const transport = createWebSocketTransport(url(), socketFrom(origin), { retryMs: 20 });
    try {
      const api = createBurrowClient(transport);
      const inFlight = api.call['profiles.list'](undefined);
      await waitFor(() => calls.length === 1, 2000, 'the call to arrive');
      // The dev server going away: every page socket is cut.
      const dropped = new Promise<void>((resolve) => http.once('upgrade', () => resolve()));
      for (const socket of upgraded) socket.destroy();
      expect(await inFlight).toMatchObject({
        ok: false,
        error: { kind: 'internal', message: expect.stringMatching(/did not answer/) },
      });
      hold = undefined;
      release();
      await dropped;
      expect(await api.call['settings.get'](undefined)).toMatchObject({ ok: true });
    } finally {
      hold = undefined;
      transport.dispose();
    }
  });

  it('answers every call with an error once disposed, and never connects again', async () => {
    const transport = createWebSocketTransport(url(), socketFrom(origin));
    transport.dispose();
    await expect(transport.ready).rejects.toThrow();
    await expect(transport.invoke('burrow:settings.get', undefined)).rejects.toThrow(/closed/);
  });

  it('answers calls with an error when the server cannot be reached', async () => {
    const transport = createWebSocketTransport(
      `ws://127.0.0.1:1${BRIDGE_PATH}?token=x`,
      socketFrom(origin),
      { retryMs: 10_000 },
    );
    try {
      const api = createBurrowClient(transport);
      expect(await api.call['settings.get'](undefined)).toMatchObject({
        ok: false,
        error: { kind: 'internal' },
      });
    } finally {
      transport.dispose();
    }
  });
});

describe('web mode pieces', () => {
  it('relaxes the app CSP only as far as the dev server needs', () => {
    const app =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'";
    const dev = devCsp(app, { nonce: 'abc', bridgeOrigin: 'ws://127.0.0.1:5000' });
    expect(dev).toBe(
      "default-src 'self'; script-src 'self' 'nonce-abc'; style-src 'self' 'nonce-abc'; img-src 'self' data:; object-src 'none'; connect-src 'self' ws://127.0.0.1:5000",
    );
    // Where the app already allows inline styles, a nonce would switch that off: none is added.
    expect(
      devCsp("default-src 'self'; style-src 'self' 'unsafe-inline'", {
        nonce: 'abc',
        bridgeOrigin: 'ws://127.0.0.1:5000',
      }),
    ).toContain("style-src 'self' 'unsafe-inline';");
  });

  it('names exports after the suggestion and the time, never outside the exports folder', () => {
    const at = new Date('2025-01-31T12:00:00.000Z');
    expect(exportFileName('burrow-profiles.json', at)).toBe(
      'burrow-profiles-2025-01-31T12-00-00-000Z.json',
    );
    expect(exportFileName('../../etc/passwd', at)).toBe('passwd-2025-01-31T12-00-00-000Z.json');
    expect(exportFileName('..\\x y.json', at)).toBe('x_y-2025-01-31T12-00-00-000Z.json');
    expect(exportFileName('', at)).toBe('burrow-export-2025-01-31T12-00-00-000Z.json');
  });

  it('imports the file BURROW_DEV_IMPORT_FILE names, or acts as a cancelled dialog', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'burrow-web-dialogs-'));
    try {
      const file = join(dir, 'in.json');
      await writeFile(file, '{"profiles":[]}');
      expect(await webFileDialogs({ storeDir: dir, env: {} }).openText()).toBeNull();
      expect(
        await webFileDialogs({ storeDir: dir, env: { BURROW_DEV_IMPORT_FILE: file } }).openText(),
      ).toEqual({ path: file, text: '{"profiles":[]}' });
      await expect(
        webFileDialogs({
          storeDir: dir,
          env: { BURROW_DEV_IMPORT_FILE: join(dir, 'missing.json') },
        }).openText(),
      ).rejects.toMatchObject({ kind: 'io' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('insideStore', () => {
  it('refuses any path into the store folder, however it is spelled', () => {
    const store = '/repo/my store (1)';
    expect(insideStore('/@fs/repo/my%20store%20(1)/profiles.json', store)).toBe(true);
    expect(insideStore('/@fs/repo/my store (1)/../my store (1)/x', store)).toBe(true);
    expect(insideStore('/@fs/repo/my%20store%20(1)', store)).toBe(true);
    expect(insideStore('/@fs/repo/my store (10)/x', store)).toBe(false);
    expect(insideStore('/src/main.tsx', store)).toBe(false);
    expect(insideStore('/%E0%A4%A', store)).toBe(true);
  });
});
