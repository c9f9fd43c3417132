import { Socket, connect as tcpConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import { Client, type ClientChannel } from 'ssh2';
import type { AuthMethod, HostKeyFacts, PromptHandler, PromptRequest } from '../../shared';
import { nudgeAcks } from './ack-nudge';
import { algorithmsFor } from './algorithms';
import { createAuthPlan, type AuthPlan, type CredentialCache } from './auth';
import { PausableDeadline } from './deadline';
import { EngineError, classifyConnectError, classifyOpenError } from './errors';
import { KnownHosts, fingerprintSha256, keyTypeOf } from './known-hosts';
import { createReceivePath } from './receive-path';
import { quickAcksAfterReads } from './socket-tuning';

/** One SSH server to log in to: the profile's own, or a jump host on the way. */
export interface HopSpec {
  host: string;
  port: number;
  username: string;
  auth: AuthMethod[];
}

/** What a connection needs from the session that owns it; shared by every hop of a chain. */
export interface ConnectContext {
  profileId: string;
  prompt: PromptHandler;
  knownHostsPath: string;
  /** Secrets that worked, kept for this session's reconnects. */
  credentials: CredentialCache;
  /** Host keys the user accepted "once": valid for this session's reconnects, never saved. */
  acceptedOnce: Set<string>;
  keepalive: { intervalSeconds: number; maxMissed: number };
  /** Aborted when the session stops: a login in progress gives up at once, questions included. */
  signal: AbortSignal;
  timeoutMs: number;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

/** The cipher each connected client negotiated (client to server), for the status line. */
export const negotiatedCipher = new WeakMap<Client, string>();

export function hopLabel(hop: Pick<HopSpec, 'host' | 'port'>): string {
  return hop.port === 22 ? hop.host : `${hop.host}:${hop.port}`;
}

/**
 * Logs in to one hop, over a fresh TCP connection or over `via` (a channel through the previous
 * hop). Resolves with a ready client that has an 'error' listener attached; rejects with an
 * EngineError whose kind says what went wrong.
 */
export async function connectHop(
  hop: HopSpec,
  ctx: ConnectContext,
  openVia?: () => Promise<Duplex>,
): Promise<Client> {
  const where = hopLabel(hop);
  const client = new Client();
  // ssh2 emits 'error' at any time; without a listener that would crash the process.
  client.on('error', () => {});
  client.once('handshake', (negotiated) => negotiatedCipher.set(client, negotiated.cs.cipher));

  let failure: EngineError | undefined;
  let socket: Duplex | undefined;
  // This login's own end: the session stopping, the deadline passing, or the login failing.
  // Whatever ends it closes the socket and withdraws any question still open.
  const login = new AbortController();
  const end = (error: EngineError): void => {
    failure ??= error;
    login.abort(failure);
  };
  let loggedIn = false;
  login.signal.addEventListener('abort', () => {
    if (loggedIn) return;
    socket?.destroy();
    client.end();
  });
  const onStop = (): void =>
    end(new EngineError('connection-lost', `Login to ${where} was stopped.`));
  if (ctx.signal.aborted) onStop();
  else ctx.signal.addEventListener('abort', onStop, { once: true });
  const deadline = new PausableDeadline(ctx.timeoutMs, () =>
    end(
      new EngineError(
        'timeout',
        `${where} did not answer within ${Math.round(ctx.timeoutMs / 1000)} s.`,
      ),
    ),
  );

  // Questions to a person stop the connect clock, and end unanswered when the login ends.
  const prompt: PromptHandler = (request) =>
    deadline.paused(() =>
      untilAborted(ctx.prompt(request, { signal: login.signal }), login.signal),
    );

  let plan: AuthPlan | undefined;
  // After ssh2 parsed each read of a TCP socket: the native receive path may take over then.
  let afterParse = (): void => {};
  try {
    if (openVia) {
      const opening = openVia();
      // A channel that opens after the login gave up must not be left open.
      opening.then(
        (channel) => login.signal.aborted && channel.destroy(),
        () => {},
      );
      socket = await untilAborted(opening, login.signal);
    } else {
      socket = await untilAborted(
        openTcp(
          hop.host,
          hop.port,
          where,
          (s) => (socket = s),
          () => afterParse(),
        ),
        login.signal,
      );
    }
    const knownHosts = await loadKnownHosts(ctx.knownHostsPath);
    const authPlan = createAuthPlan(
      {
        profileId: ctx.profileId,
        host: hop.host,
        port: hop.port,
        username: hop.username,
        methods: hop.auth,
      },
      prompt,
      ctx.credentials,
    );
    plan = authPlan;

    // The key this login verified. A rekey offers it again and gets its answer at once: while a
    // rekey's host key check is pending, ssh2 1.17 may read the server's NEWKEYS and clear its
    // key-exchange state before it switches its writer, and a packet sent in between (a window
    // adjustment, while downloading) goes out in the wrong layout and breaks the connection
    // (sshd: "Bad packet length"). A different key mid-session is refused: there is no one to
    // ask, and the next login checks it against known_hosts as any login does.
    let verifiedKey: Buffer | undefined;
    const verifyHostKey = (key: Buffer, verify: (valid: boolean) => void): void => {
      if (verifiedKey) {
        const same = key.equals(verifiedKey);
        if (!same) ctx.log('error', `${where} offered a different host key during a rekey.`);
        verify(same);
        return;
      }
      checkHostKey(hop, key, knownHosts, ctx, prompt).then(
        () => {
          verifiedKey = key;
          verify(true);
        },
        (err: unknown) => {
          failure ??= err instanceof EngineError ? err : classifyConnectError(err, where);
          verify(false);
        },
      );
    };

    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error & { level?: string }): void => {
        // An agent that refuses to sign one key is not the end of the login: ssh2 goes on.
        if (err.level === 'agent') return;
        reject(failure ?? classifyConnectError(err, where));
      };
      const onClose = (): void =>
        reject(
          failure ??
            new EngineError('connection-lost', `${where} closed the connection during login.`),
        );
      client.once('ready', () => {
        client.off('error', onError);
        client.off('close', onClose);
        resolve();
      });
      client.on('error', onError);
      client.once('close', onClose);
      client.connect({
        sock: socket as Socket,
        username: hop.username,
        authHandler: authPlan.authHandler as never,
        tryKeyboard: authPlan.tryKeyboard,
        hostVerifier: verifyHostKey as never,
        readyTimeout: 0,
        keepaliveInterval: ctx.keepalive.intervalSeconds * 1000,
        keepaliveCountMax: ctx.keepalive.maxMissed,
        algorithms: algorithmsFor(knownHosts.knownKeyTypes(hop.host, hop.port)),
      });
    }).catch((err: unknown) => {
      if (err instanceof EngineError && err.kind === 'auth-failed') {
        const cancelled = authPlan.cancelled ? ' Login was cancelled.' : '';
        throw new EngineError(
          'auth-failed',
          `Login to ${where} as ${hop.username} failed (${authPlan.describeAttempts()}).${cancelled}`,
        );
      }
      throw err;
    });
    authPlan.onAuthenticated();
    loggedIn = true;
    const noteRead = nudgeAcks(socket, () => sendIgnore(client));
    if (socket instanceof Socket) {
      const path = createReceivePath(client, socket, noteRead);
      if (path) afterParse = () => path.afterRead();
    }
    return client;
  } catch (err) {
    // A late answer from a person must not reach a connection that is already gone.
    plan?.dispose();
    client.end();
    socket?.destroy();
    // What we learned first (a refused host key, the deadline) explains more than its echo.
    throw failure ?? (err instanceof EngineError ? err : classifyConnectError(err, where));
  } finally {
    deadline.cancel();
    ctx.signal.removeEventListener('abort', onStop);
    // After a failure, withdraw a question still open; a successful login has none left.
    if (!loggedIn && !login.signal.aborted)
      login.abort(new EngineError('connection-lost', 'The login ended.'));
  }
}

/** Settles with `work`, or rejects with the abort reason as soon as `signal` aborts. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** known_hosts that cannot be read is a setting to fix, not a network fault to retry. */
async function loadKnownHosts(path: string): Promise<KnownHosts> {
  try {
    return await KnownHosts.load(path);
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new EngineError(
      'invalid-config',
      `Cannot read the known_hosts file ${path}${code ? ` (${code})` : ''}.`,
      {
        cause: err,
      },
    );
  }
}

/** ssh2 keeps its protocol object private; Burrow's ssh2 patch gives it ignore(). */
function sendIgnore(client: Client): void {
  (client as unknown as { _protocol?: { ignore(): void } })._protocol?.ignore();
}

/** TCP to the first hop, with Nagle off: without it every tunnelled exchange waits ~40 ms. */
function openTcp(
  host: string,
  port: number,
  where: string,
  onSocket: (s: Socket) => void,
  afterParse: () => void,
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket: Socket = tcpConnect({
      host,
      port,
      onread: slabReader(
        () => socket,
        quickAcksAfterReads(() => socket),
        afterParse,
      ),
    });
    // No reading until ssh2 has its 'data' listener and resumes the socket: with onread, bytes
    // read earlier (the server's banner arrives at once) would be emitted to nobody.
    socket.pause();
    onSocket(socket);
    socket.setNoDelay(true);
    const onError = (err: Error): void => reject(classifyConnectError(err, where));
    socket.once('error', onError);
    socket.once('close', () => reject(new EngineError('timeout', `${where} did not answer.`)));
    socket.once('connect', () => {
      socket.off('error', onError);
      socket.removeAllListeners('close');
      // ssh2 reports later socket errors through the client.
      socket.on('error', () => {});
      resolve(socket);
    });
  });
}

async function checkHostKey(
  hop: HopSpec,
  key: Buffer,
  knownHosts: KnownHosts,
  ctx: ConnectContext,
  prompt: PromptHandler,
): Promise<void> {
  const where = hopLabel(hop);
  const fingerprint = fingerprintSha256(key);
  const keyType = keyTypeOf(key);
  const check = knownHosts.check(hop.host, hop.port, key);
  switch (check.status) {
    case 'match':
      return;
    case 'mismatch':
      throw new EngineError(
        'host-key-mismatch',
        `${where} offered ${keyType} key ${fingerprint}, but ${check.path} line ${check.line} holds a different ${check.knownKeyType} key for it.`,
        { hostKey: hostKeyFacts(hop, keyType, check) },
      );
    case 'revoked':
      throw new EngineError(
        'host-key-mismatch',
        `${where} offered a key that ${check.path} line ${check.line} marks as revoked.`,
        { hostKey: hostKeyFacts(hop, keyType, check) },
      );
    case 'unknown':
      break;
  }
  const onceKey = `${hop.host}:${hop.port} ${fingerprint}`;
  if (ctx.acceptedOnce.has(onceKey)) return;
  const request: PromptRequest = {
    kind: 'host-key',
    profileId: ctx.profileId,
    host: hop.host,
    port: hop.port,
    username: hop.username,
    keyType,
    fingerprint,
  };
  const decision = await prompt(request);
  if (decision === 'accept-save') {
    try {
      await knownHosts.add(ctx.knownHostsPath, hop.host, hop.port, key);
    } catch (err) {
      // The user trusted the key; a file we cannot write must not undo that for this session.
      ctx.acceptedOnce.add(onceKey);
      ctx.log(
        'warn',
        `Could not save the host key to ${ctx.knownHostsPath} (${(err as { code?: string }).code ?? String(err)}); it is trusted for this session only.`,
      );
      return;
    }
    ctx.log(
      'info',
      `Saved ${keyType} host key ${fingerprint} for ${where} to ${ctx.knownHostsPath}.`,
    );
  } else if (decision === 'accept-once') {
    ctx.acceptedOnce.add(onceKey);
    ctx.log(
      'info',
      `Accepted ${keyType} host key ${fingerprint} for ${where} for this session only.`,
    );
  } else {
    throw new EngineError(
      'host-key-unknown',
      `${where} offered ${keyType} key ${fingerprint}, which was not accepted.`,
    );
  }
}

/** A channel through `client` to the next hop, used as that hop's socket. */
export function openHopChannel(
  client: Client,
  next: HopSpec,
  from: string,
): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    client.forwardOut('127.0.0.1', 0, next.host, next.port, (err, channel) => {
      if (err) {
        const cause = classifyOpenError(err, hopLabel(next));
        reject(new EngineError(cause.kind, `Jump host ${from} could not reach ${hopLabel(next)}.`));
      } else resolve(channel);
    });
  });
}

/** Logs in through every hop in order (`ssh -J a,b target`); returns all clients, target last. */
export async function connectChain(hops: HopSpec[], ctx: ConnectContext): Promise<Client[]> {
  const clients: Client[] = [];
  try {
    for (const [i, hop] of hops.entries()) {
      const previous = clients[i - 1];
      const openVia = previous
        ? () => openHopChannel(previous, hop, hopLabel(hops[i - 1]!))
        : undefined;
      clients.push(await connectHop(hop, ctx, openVia));
      if (i < hops.length - 1) ctx.log('info', `Logged in to jump host ${hopLabel(hop)}.`);
    }
    return clients;
  } catch (err) {
    for (const client of clients.reverse()) client.end();
    throw err;
  }
}

const SLAB_SIZE = 1024 * 1024;
const MIN_READ = 64 * 1024;

/**
 * Reads the SSH socket straight into slices of a 1 MiB slab and emits them as 'data', which is
 * all ssh2 listens to. Node's default read path allocates a zeroed 64 KiB buffer for every read
 * and copies the bytes into a right-sized one; here nothing is zeroed or copied, and a new slab
 * is taken only when less than 64 KiB is left. A slice handed out is never written again (ssh2
 * keeps views of decrypted payloads). Measured in bench/: download CPU per GiB -12 to -22%.
 * `afterRead` runs first, as soon as the bytes are in (it re-arms quick ACKs, socket-tuning.ts);
 * `afterParse` last, once ssh2 has handled them (receive-path.ts may take over reading then).
 */
function slabReader(
  socket: () => Socket,
  afterRead: () => void,
  afterParse: () => void,
): {
  buffer: () => Uint8Array;
  callback: (n: number, buf: Uint8Array) => boolean;
} {
  let slab = Buffer.allocUnsafe(SLAB_SIZE);
  let used = 0;
  return {
    buffer: () => {
      if (SLAB_SIZE - used < MIN_READ) {
        slab = Buffer.allocUnsafe(SLAB_SIZE);
        used = 0;
      }
      return slab.subarray(used);
    },
    callback: (n, buf) => {
      afterRead();
      used += n;
      socket().emit('data', Buffer.from(buf.buffer, buf.byteOffset, n));
      afterParse();
      return true;
    },
  };
}

/** What a refused host key's fix needs (the window builds its ssh-keygen command from it). */
function hostKeyFacts(
  hop: HopSpec,
  keyType: string,
  check: { path: string; line: number },
): HostKeyFacts {
  return { host: hop.host, port: hop.port, keyType, knownHostsPath: check.path, line: check.line };
}
