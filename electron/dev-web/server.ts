import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { homedir } from 'node:os';
import { join, resolve, sep as pathSep } from 'node:path';
import {
  createServer as createViteServer,
  type Logger,
  type Plugin,
  type ViteDevServer,
} from 'vite';
import { rendererConfig, rendererRoot } from '../../renderer.vite';
import { BURROW_VERSION } from '../cli/version';
import { resolveKnownHostsPath } from '../cli/known-hosts-path';
import { TunnelManager } from '../engine/manager';
import { createDispatcher } from '../ipc/dispatcher';
import { BurrowService } from '../service/burrow-service';
import type { EventSink } from '../service/events';
import {
  EncryptedSecretStore,
  openProfileStore,
  SettingsStore,
  StoreError,
  STORE_FILE_NAME,
  type KeyValueStore,
  type ProfileRepository,
  type SecretStore,
} from '../store';
import { readSshConfig } from '../store/ssh-config';
import { attachBridgeServer, type BridgeServer } from './ws-server';
import { webFileDialogs } from './web-dialogs';

export interface DevWebOptions {
  /** Folder of the profiles file this server reads and writes. */
  storeDir: string;
  /** 0 (the default) picks a free port; the bound one is in `url`. */
  port?: number;
  /** Overrides the known_hosts setting (tests); default: the setting, as in the app. */
  knownHostsPath?: string;
  /** The ssh config "Import from ~/.ssh/config" reads; default ~/.ssh/config. */
  sshConfigPath?: string;
  /** Hot reload of the renderer (on for `npm run dev:web`, off in tests). Default false. */
  hmr?: boolean;
  /** Where the server's and Vite's lines go; default stderr. */
  log?: (line: string) => void;
}

export interface DevWebServer {
  /** `http://127.0.0.1:PORT/?token=...`: the page to open; without the token it cannot connect. */
  url: string;
  token: string;
  service: BurrowService;
  /** Stops every tunnel (freeing its ports), closes every page's socket, Vite and the port. */
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const repoRoot = resolve(import.meta.dirname, '../..');
/** The browser's stand-in for the preload: where `window.burrow` comes from in web mode. */
const BRIDGE_ENTRY = join(import.meta.dirname, 'browser-bridge.ts');
export const BRIDGE_MODULE_ID = '/@burrow/web-bridge';
/** Vite's own default denials, which setting `fs.deny` would otherwise drop. */
const VITE_DEFAULT_DENY = ['.env', '.env.*', '*.{crt,pem}', '**/.git/**'];
const NO_SECURE_STORAGE = 'Web development mode has no secure storage.';

/**
 * `npm run dev:web`: the real store, service and engine in this Node process, and the renderer
 * served by Vite on one loopback port, with `window.burrow` backed by a WebSocket bridge built
 * from the same IPC contract and dispatcher as the app. Development only: nothing here is in the
 * packaged app (electron-builder packs out/ only, and the main process never imports this).
 *
 * What differs from the app, on purpose: no safeStorage, so saved passwords are unavailable (the
 * UI shows why and asks every time); no native file dialogs (see web-dialogs.ts); no tray,
 * notifications or power events.
 */
export async function startDevWeb(options: DevWebOptions): Promise<DevWebServer> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const storeDir = resolve(options.storeDir);
  const token = randomBytes(32).toString('base64url');
  // One per server run, for the dev scripts Vite and React inject inline (see devCsp).
  const nonce = randomBytes(18).toString('base64url');
  const cleanups: (() => Promise<void> | void)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (err) {
        log(`[dev-web] shutting down: ${(err as Error).message}`);
      }
    }
  };

  try {
    await mkdir(storeDir, { recursive: true, mode: 0o700 });
    const http = await listenOnLoopback(options.port ?? 0, cleanups);
    const { port } = http.address() as AddressInfo;
    const origin = `http://${HOST}:${port}`;

    // Pages can only call once the event loop turns, by when `dispatch` below exists.
    const bridge: BridgeServer = attachBridgeServer(http, {
      token,
      dispatch: (name, payload, context) => dispatch(name, payload, context),
      allowedOrigin: origin,
      log,
    });
    cleanups.push(() => bridge.dispose());
    const repo = openProfileStore({
      dir: storeDir,
      watchExternalChanges: true,
      secrets: (kv) => new WebModeSecretStore(kv),
    });
    cleanups.push(() => repo.dispose());
    const service = createService(repo, storeDir, options, bridge.eventSink);
    cleanups.push(() => service.dispose());
    const dispatch = createDispatcher(service.handlers, {
      onInternalError: (command, error) =>
        log(`[dev-web] ${command} failed: ${(error as Error)?.stack ?? String(error)}`),
    });

    const vite = await createVite(http, {
      hmr: options.hmr ?? false,
      nonce,
      origin,
      storeDir,
      log,
    });
    cleanups.push(() => vite.close());
    const host = `${HOST}:${port}`;
    http.on('request', (req, res) => {
      // DNS rebinding guard for the page too: it is served to our own address only.
      if (req.headers.host !== host) {
        res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(`Burrow's development server answers on ${origin}/ only.\n`);
        return;
      }
      // The store (profiles, saved secrets) is never served, whatever Vite's deny patterns
      // make of an unusual folder name: checked on the resolved path.
      if (insideStore(req.url ?? '/', storeDir)) {
        res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('The profile store is not served.\n');
        return;
      }
      vite.middlewares(req, res);
    });

    let closing: Promise<void> | undefined;
    return {
      url: `${origin}/?token=${token}`,
      token,
      service,
      close: () => (closing ??= closeAll()),
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/** An HTTP server on 127.0.0.1 only; closing it also cuts connections that are still open. */
async function listenOnLoopback(
  port: number,
  cleanups: (() => Promise<void> | void)[],
): Promise<Server> {
  const http = createHttpServer();
  const sockets = new Set<Socket>();
  http.on('connection', (socket) => {
    socket.on('error', () => socket.destroy());
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  http.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolvePromise, reject) => {
    http.once('error', reject);
    http.listen(port, HOST, () => {
      http.off('error', reject);
      resolvePromise();
    });
  });
  http.on('error', () => undefined);
  cleanups.push(
    () =>
      new Promise<void>((resolvePromise) => {
        http.close(() => resolvePromise());
        // Keep-alive requests and any upgrade nobody took must not keep the port bound.
        for (const socket of sockets) socket.destroy();
      }),
  );
  return http;
}

function createService(
  repo: ProfileRepository,
  storeDir: string,
  options: DevWebOptions,
  events: EventSink,
): BurrowService {
  const settings = new SettingsStore(repo.backend);
  return new BurrowService({
    repo,
    secrets: repo.secrets!,
    settings,
    events,
    dialogs: webFileDialogs({ storeDir }),
    createEngine: ({ prompt, resolveProfile }) =>
      new TunnelManager({
        prompt,
        resolveProfile,
        // Read on each connection, like the app, so a changed setting applies to the next one.
        knownHostsPath: () =>
          options.knownHostsPath ?? resolveKnownHostsPath(settings.get().knownHostsPath, homedir()),
      }),
    readSshConfig: () => readSshConfig({ path: options.sshConfigPath }),
    info: {
      version: BURROW_VERSION,
      platform: process.platform,
      storePath: join(storeDir, STORE_FILE_NAME),
    },
  });
}

/**
 * Secrets without an OS keyring: nothing new can be saved, as on a machine without one. What a
 * store file already holds stays listed and deletable (the same entries the app wrote), but is
 * never decrypted.
 */
class WebModeSecretStore implements SecretStore {
  private readonly saved: EncryptedSecretStore;

  constructor(kv: KeyValueStore) {
    const unavailable = (): never => {
      throw new StoreError('secure-storage-unavailable', NO_SECURE_STORAGE);
    };
    this.saved = new EncryptedSecretStore(kv, {
      isEncryptionAvailable: () => false,
      encryptString: unavailable,
      decryptString: unavailable,
    });
  }

  status() {
    return { available: false as const, reason: NO_SECURE_STORAGE };
  }
  get(): undefined {
    return undefined;
  }
  has(ref: Parameters<SecretStore['has']>[0]): boolean {
    return this.saved.has(ref);
  }
  set(): never {
    throw new StoreError('secure-storage-unavailable', NO_SECURE_STORAGE);
  }
  delete(ref: Parameters<SecretStore['delete']>[0]): void {
    this.saved.delete(ref);
  }
  deleteProfile(profileId: string): void {
    this.saved.deleteProfile(profileId);
  }
  list(profileId: string) {
    return this.saved.list(profileId);
  }
}

async function createVite(
  http: Server,
  options: {
    hmr: boolean;
    nonce: string;
    origin: string;
    storeDir: string;
    log: (line: string) => void;
  },
): Promise<ViteDevServer> {
  const base = rendererConfig();
  return createViteServer({
    ...base,
    configFile: false,
    // Its own cache, so it never races electron-vite's over node_modules/.vite; one per mode,
    // since HMR changes the React transform and would otherwise re-bundle at every switch.
    cacheDir: join(repoRoot, 'node_modules/.vite-dev-web', options.hmr ? 'hmr' : 'static'),
    appType: 'spa',
    clearScreen: false,
    customLogger: viteLogger(options.log),
    html: { cspNonce: options.nonce },
    server: {
      middlewareMode: true,
      hmr: options.hmr ? {} : false,
      // Vite's client socket shares our port (Vite answers only its own path and subprotocol).
      // Even without HMR: otherwise its client would try a fixed port of its own (24678).
      ws: { server: http },
      watch: options.hmr ? undefined : null,
      // Same-origin only: no other site may read what this server serves.
      cors: false,
      fs: {
        strict: true,
        // The renderer imports shared/, and the bridge lives in electron/dev-web/.
        allow: [repoRoot],
        // Never serve the profiles this server manages (the default store is inside the repo).
        deny: [...VITE_DEFAULT_DENY, '**/.dev-web-store/**', `${options.storeDir}/**`],
      },
    },
    plugins: [
      ...(base.plugins ?? []),
      bridgeModulePlugin(),
      devPagePlugin({ nonce: options.nonce, bridgeOrigin: options.origin.replace(/^http/, 'ws') }),
    ],
  });
}

/** `/@burrow/web-bridge` → electron/dev-web/browser-bridge.ts, resolved before Vite's own lookup. */
function bridgeModulePlugin(): Plugin {
  return {
    name: 'burrow:web-bridge-module',
    enforce: 'pre',
    resolveId(id) {
      return id === BRIDGE_MODULE_ID ? BRIDGE_ENTRY : undefined;
    },
  };
}

/**
 * Rewrites index.html for web mode, after every other plugin has injected its tags (so it can
 * reorder them): the CSP meta (relaxed by devCsp) goes first in <head>, so it governs every
 * script, and the bridge script right after it, first of all scripts, so `window.burrow` exists
 * before anything else runs. Vite then puts the nonce on every script and style tag.
 */
function devPagePlugin(options: { nonce: string; bridgeOrigin: string }): Plugin {
  return {
    name: 'burrow:web-bridge-page',
    transformIndexHtml: {
      order: 'post',
      handler(html) {
        const charset = /<meta\s+charset=[^>]*>/i.exec(html)?.[0];
        const cspMeta = /<meta\s+http-equiv=["']?Content-Security-Policy["']?[^>]*>/i.exec(
          html,
        )?.[0];
        const policy = cspMeta ? /content=(["'])(.*?)\1/is.exec(cspMeta)?.[2] : undefined;
        let page = html;
        if (charset) page = page.replace(charset, '');
        if (cspMeta) page = page.replace(cspMeta, '');
        const head = [
          charset ?? '<meta charset="UTF-8" />',
          `<meta http-equiv="Content-Security-Policy" content="${devCsp(policy, options)}" />`,
          `<script type="module" src="${BRIDGE_MODULE_ID}"></script>`,
        ].join('\n    ');
        return page.replace(/<head[^>]*>/i, (open) => `${open}\n    ${head}`);
      },
    },
  };
}

/**
 * The app's policy, as strict as Vite's dev server allows: Vite and React inject inline scripts
 * and styles in development, so those are allowed by this run's nonce (never by adding
 * 'unsafe-inline'), and the bridge's WebSocket origin may connect. The rest is the app's own.
 */
export function devCsp(
  policy: string | undefined,
  options: { nonce: string; bridgeOrigin: string },
): string {
  const directives = new Map<string, string[]>();
  for (const part of (policy ?? "default-src 'self'").split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name && !directives.has(name.toLowerCase())) directives.set(name.toLowerCase(), values);
  }
  const fallback = directives.get('default-src') ?? ["'self'"];
  const extend = (name: string, ...extra: string[]): void => {
    const values = (directives.get(name) ?? [...fallback]).filter((v) => v !== "'none'");
    directives.set(name, [...values, ...extra.filter((e) => !values.includes(e))]);
  };
  const nonce = `'nonce-${options.nonce}'`;
  for (const name of ['script-src', 'style-src']) {
    // A nonce switches 'unsafe-inline' off (CSP 2), so where the app already allows inline
    // (styles that libraries inject), adding one would break what works in the app.
    if (!(directives.get(name) ?? fallback).includes("'unsafe-inline'")) extend(name, nonce);
  }
  extend('connect-src', "'self'", options.bridgeOrigin);
  return [...directives].map(([name, values]) => [name, ...values].join(' ')).join('; ');
}

/** Vite's messages, through our log (the CLI's output, or a test's buffer). */
function viteLogger(log: (line: string) => void): Logger {
  const warned = new Set<string>();
  let errorLogged = false;
  const logger: Logger = {
    hasWarned: false,
    info: (msg) => log(`[vite] ${msg}`),
    warn: (msg) => {
      logger.hasWarned = true;
      log(`[vite] ${msg}`);
    },
    warnOnce: (msg) => {
      if (warned.has(msg)) return;
      warned.add(msg);
      logger.warn(msg);
    },
    error: (msg) => {
      errorLogged = true;
      log(`[vite] ${msg}`);
    },
    clearScreen: () => undefined,
    hasErrorLogged: () => errorLogged,
  };
  return logger;
}

/** Whether a request path names a file in the store folder (directly or through /@fs/). */
export function insideStore(url: string, storeDir: string): boolean {
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(url, 'http://x').pathname);
  } catch {
    return true; // Undecodable: refuse rather than guess.
  }
  const file = pathname.startsWith('/@fs/')
    ? resolve(pathname.slice('/@fs'.length))
    : resolve(rendererRoot, `.${pathname}`);
  const store = resolve(storeDir);
  return file === store || file.startsWith(store + pathSep);
}
