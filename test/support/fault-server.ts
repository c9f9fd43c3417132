import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type Server as NetServer, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { promisify } from 'node:util';
import { Server, utils, type AuthContext, type Connection, type ParsedKey } from 'ssh2';
import { fingerprintOf, makeTempDir } from './keys';
import { sleep } from './net';

const execFileAsync = promisify(execFile);

/** A keyboard-interactive exchange: one round holding every prompt (as 2FA servers do). */
export interface FaultKeyboardInteractive {
  prompts: { prompt: string; echo: boolean }[];
  /** The exact answers expected, one per prompt. */
  answers: string[];
  /** Shown by clients as the exchange's title and instructions. */
  name?: string;
  instructions?: string;
}

/** One account on the fault server. */
export interface FaultUser {
  username: string;
  password?: string;
  /** Without it, keyboard-interactive asks one "Password: " prompt for `password` (like PAM). */
  keyboardInteractive?: FaultKeyboardInteractive;
  /** Public key lines ("ssh-ed25519 AAAA...") this user may log in with; signatures are checked. */
  publicKeys?: string[];
}

/** Login methods the fault server offers (and accepts at all). */
export type FaultAuthMethod = 'publickey' | 'password' | 'keyboard-interactive';

/** How a fault server behaves; every field is optional. */
export interface FaultServerOptions {
  /** Host private key text (PEM or OpenSSH); default: a fresh ed25519 key from ssh-keygen. */
  hostKey?: string;
  users?: FaultUser[];
  /** Accept any login with any method except 'none' (clients still go through their first method). */
  acceptAnyAuth?: boolean;
  /** Methods offered; default all three. */
  authMethods?: FaultAuthMethod[];
  /**
   * Default true: direct-tcpip opens a REAL connection to the requested host:port; tcpip-forward
   * binds a REAL listener on 127.0.0.1 at the requested port (0 = any) and sends its connections
   * back with forwardOut; cancel-tcpip-forward closes it. False: every such request is refused.
   */
  forwarding?: boolean;
  /** Listen port; pass a stopped server's port to bring "the same server" back. Default 0. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Server-to-client keepalives (ms); default off, so a silenced server never ends anything. */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** ssh2's debug output, for diagnosing a test. */
  debug?: (message: string) => void;
}

/** One authentication attempt the server saw ('none' probes are not recorded). */
export interface FaultAuthAttempt {
  method: string;
  username: string;
  success: boolean;
}

/** A running in-process SSH server whose misbehaviour tests switch on and off. */
export interface FaultServer {
  host: string;
  port: number;
  /** The private host key; pass it back as `hostKey` on restart to keep the same identity. */
  hostKey: string;
  hostPublicLine: string;
  hostKeyType: string;
  hostFingerprint: string;
  /** A file with exactly one plain entry "[127.0.0.1]:PORT <hostPublicLine>". */
  knownHostsPath: string;
  /** TCP connections accepted since start (cumulative, refused ones included). */
  connectionCount(): number;
  /** Client TCP sockets open right now. */
  openConnections(): number;
  /** Clients that finished authentication and are still connected. */
  readyClients(): number;
  authAttempts(): FaultAuthAttempt[];
  /** Remote-forward listeners open right now (port is the real bound port). */
  forwardListeners(): { bindAddr: string; port: number }[];
  /** Destroys every client TCP socket abruptly (FIN after no SSH disconnect message). */
  dropAll(): void;
  /** Like dropAll but with a TCP RST. */
  resetAll(): void;
  /** Freezes every current client: stop reading and writing, keep TCP open. */
  silenceAll(): void;
  /** While on, accept TCP and immediately destroy it. */
  refuseNewConnections(on: boolean): void;
  /** While on, accept TCP and never say anything (no banner): a hung server, for timeouts. */
  blackholeNewConnections(on: boolean): void;
  /** While on, reject every authentication attempt. */
  setAuthRefused(on: boolean): void;
  /** Turns forwarding (direct-tcpip, tcpip-forward) on or off for later requests. */
  setForwarding(on: boolean): void;
  /** Closes the listener, every client socket, forward listener and forwarded connection. */
  stop(): Promise<void>;
}

/** Generates an ed25519 host key with ssh-keygen and returns its private key text. */
export async function generateHostKey(): Promise<string> {
  const dir = await makeTempDir('burrow-hostkey-');
  try {
    const path = join(dir, 'host_ed25519');
    await execFileAsync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path]);
    return await readFile(path, 'utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function parseOne(text: string | Buffer, what: string): ParsedKey {
  const parsed = utils.parseKey(text);
  if (parsed instanceof Error) throw new Error(`cannot parse ${what}: ${parsed.message}`);
  const key = Array.isArray(parsed) ? (parsed as ParsedKey[])[0] : parsed;
  if (!key) throw new Error(`cannot parse ${what}: no key`);
  return key;
}

/** Pipes a channel and a TCP socket both ways, half-close included; never lets errors escape. */
function splice(channel: Duplex, sock: Socket): void {
  channel.on('error', () => sock.destroy());
  sock.on('error', () => channel.destroy());
  channel.pipe(sock);
  sock.pipe(channel);
  channel.once('close', () => {
    // Let anything the channel already handed over reach the target before tearing down.
    if (sock.writableFinished || !sock.writableEnded) sock.destroy();
    else sock.once('finish', () => sock.destroy());
  });
}

function listen(server: NetServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}

/**
 * Starts an in-process SSH server (ssh2's Server on our own net.Server, so every raw client
 * socket is in reach) for the failures a real sshd will not produce on demand.
 */
export async function startFaultServer(opts: FaultServerOptions = {}): Promise<FaultServer> {
  const host = opts.host ?? '127.0.0.1';
  const hostKey = opts.hostKey ?? (await generateHostKey());
  const parsedHost = parseOne(hostKey, 'hostKey');
  const hostKeyType = parsedHost.type;
  const hostPublicLine = `${hostKeyType} ${parsedHost.getPublicSSH().toString('base64')}`;
  const hostFingerprint = fingerprintOf(hostPublicLine);
  const methods: FaultAuthMethod[] = opts.authMethods ?? [
    'publickey',
    'password',
    'keyboard-interactive',
  ];
  const users = (opts.users ?? []).map((u) => ({
    ...u,
    keys: (u.publicKeys ?? []).map((line, i) => parseOne(line, `${u.username} publicKeys[${i}]`)),
  }));

  let forwarding = opts.forwarding ?? true;
  let authRefused = false;
  let refusing = false;
  let blackholing = false;
  let total = 0;
  let ready = 0;
  const attempts: FaultAuthAttempt[] = [];
  const sockets = new Set<Socket>();
  const extraSockets = new Set<Socket>(); // forwarded and direct-tcpip connections
  const forwardServers = new Map<string, { server: NetServer; bindAddr: string; port: number }>();

  const track = (sock: Socket): void => {
    extraSockets.add(sock);
    sock.once('close', () => extraSockets.delete(sock));
  };

  const handleAuth = (ctx: AuthContext): void => {
    const record = (success: boolean): void => {
      attempts.push({ method: ctx.method, username: ctx.username, success });
      if (success) ctx.accept();
      else ctx.reject(methods);
    };
    if (ctx.method === 'none') return ctx.reject(methods);
    if (authRefused || !methods.includes(ctx.method as FaultAuthMethod)) return record(false);
    if (opts.acceptAnyAuth) return record(true);
    const user = users.find((u) => u.username === ctx.username);
    switch (ctx.method) {
      case 'password':
        return record(user?.password !== undefined && ctx.password === user.password);
      case 'keyboard-interactive': {
        const ki: FaultKeyboardInteractive | undefined =
          user?.keyboardInteractive ??
          (user?.password !== undefined
            ? { prompts: [{ prompt: 'Password: ', echo: false }], answers: [user.password] }
            : undefined);
        if (!ki) return record(false);
        ctx.prompt(ki.prompts, ki.name ?? '', ki.instructions ?? '', (answers) => {
          const ok =
            answers.length === ki.answers.length && answers.every((a, i) => a === ki.answers[i]);
          record(ok);
        });
        return;
      }
      case 'publickey': {
        const blob = ctx.key.data;
        const match = user?.keys.find((k) => k.getPublicSSH().equals(blob));
        if (!ctx.signature) {
          // A query ("would you take this key?"): only refusals count as attempts.
          if (match) ctx.accept();
          else record(false);
          return;
        }
        const ok =
          match !== undefined &&
          ctx.blob !== undefined &&
          match.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true;
        return record(ok);
      }
      default:
        return record(false);
    }
  };

  const onClient = (client: Connection): void => {
    client.on('error', () => undefined);
    const mine = new Set<string>();
    client.on('authentication', handleAuth);
    client.once('ready', () => {
      ready++;
      client.once('close', () => ready--);
    });
    client.once('close', () => {
      for (const key of mine) closeForward(key);
    });

    client.on('tcpip', (accept, reject, info) => {
      if (!forwarding) return reject();
      const out = connect({ host: info.destIP, port: info.destPort, allowHalfOpen: true });
      track(out);
      out.setNoDelay(true);
      out.once('error', () => {
        if (out.connecting) reject();
        out.destroy();
      });
      out.once('connect', () => {
        const channel = accept();
        if (!channel) return void out.destroy();
        splice(channel, out);
      });
    });

    client.on('request', (accept, reject, name, info) => {
      if (name === 'tcpip-forward') {
        if (!forwarding) return reject?.();
        let boundPort = info.bindPort;
        const srv = createServer({ allowHalfOpen: true }, (sock) => {
          track(sock);
          sock.on('error', () => sock.destroy());
          sock.setNoDelay(true);
          client.forwardOut(
            info.bindAddr,
            boundPort,
            sock.remoteAddress ?? '127.0.0.1',
            sock.remotePort ?? 0,
            (err, channel) => {
              if (err) return void sock.destroy();
              splice(channel, sock);
            },
          );
        });
        srv.on('error', () => undefined);
        listen(srv, info.bindPort, '127.0.0.1').then(
          (port) => {
            boundPort = port;
            const key = `${info.bindAddr}:${port}`;
            forwardServers.set(key, { server: srv, bindAddr: info.bindAddr, port });
            mine.add(key);
            accept?.(port);
          },
          () => reject?.(),
        );
        return;
      }
      if (name === 'cancel-tcpip-forward') {
        const key = `${info.bindAddr}:${info.bindPort}`;
        if (!forwardServers.has(key)) return reject?.();
        closeForward(key);
        mine.delete(key);
        return accept?.();
      }
      reject?.();
    });
  };

  const closeForward = (key: string): void => {
    const fwd = forwardServers.get(key);
    if (!fwd) return;
    forwardServers.delete(key);
    fwd.server.close();
  };

  const ssh = new Server(
    {
      hostKeys: [hostKey],
      // ssh2 pings clients every 15 s by default and ends them after 3 misses; a silenced
      // server must not do that, so the default here is "effectively never" (max timer delay).
      keepaliveInterval: opts.keepaliveIntervalMs ?? 2 ** 31 - 1,
      keepaliveCountMax: opts.keepaliveCountMax ?? 3,
      ...(opts.debug ? { debug: opts.debug } : {}),
    },
    onClient,
  );
  ssh.on('error', () => undefined);

  const tcp = createServer((sock) => {
    total++;
    sockets.add(sock);
    sock.on('error', () => sock.destroy());
    sock.once('close', () => sockets.delete(sock));
    if (refusing) return void sock.destroy();
    if (blackholing) return void sock.pause();
    sock.setNoDelay(true);
    ssh.injectSocket(sock);
  });
  tcp.on('error', () => undefined);

  let port = 0;
  for (let attempt = 0; ; attempt++) {
    try {
      port = await listen(tcp, opts.port ?? 0, host);
      break;
    } catch (err) {
      // A just-stopped server's port can take a moment to free up.
      if (attempt >= 20 || opts.port === undefined) throw err;
      await sleep(50);
    }
  }

  const dir = await makeTempDir('burrow-fault-');
  const knownHostsPath = join(dir, 'known_hosts');
  await writeFile(knownHostsPath, `[${host}]:${port} ${hostPublicLine}\n`);

  let stopped = false;
  return {
    host,
    port,
    hostKey,
    hostPublicLine,
    hostKeyType,
    hostFingerprint,
    knownHostsPath,
    connectionCount: () => total,
    openConnections: () => sockets.size,
    readyClients: () => ready,
    authAttempts: () => attempts.map((a) => ({ ...a })),
    forwardListeners: () =>
      [...forwardServers.values()].map(({ bindAddr, port: p }) => ({ bindAddr, port: p })),
    dropAll() {
      for (const s of sockets) s.destroy();
    },
    resetAll() {
      for (const s of sockets) {
        if (typeof s.resetAndDestroy === 'function') s.resetAndDestroy();
        else s.destroy();
      }
    },
    silenceAll() {
      for (const s of sockets) {
        s.pause();
        // ssh2 calls resume/write/end on its socket; make them inert so nothing moves again.
        Object.assign(s, {
          resume: () => s,
          write: (...args: unknown[]) => {
            const cb = args.find((a) => typeof a === 'function') as (() => void) | undefined;
            cb?.();
            return true;
          },
          end: () => s,
        });
      }
    },
    refuseNewConnections(on) {
      refusing = on;
    },
    blackholeNewConnections(on) {
      blackholing = on;
    },
    setAuthRefused(on) {
      authRefused = on;
    },
    setForwarding(on) {
      forwarding = on;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      const closed = new Promise<void>((resolve) => tcp.close(() => resolve()));
      for (const key of [...forwardServers.keys()]) closeForward(key);
      for (const s of sockets) s.destroy();
      for (const s of extraSockets) s.destroy();
      await closed;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
