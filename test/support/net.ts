import { createCipheriv, createHash } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';

/** The common shape of every test server: where it listens and how to tear it down. */
export interface TestServer {
  host: string;
  port: number;
  /** TCP connections accepted since start (cumulative). */
  connections(): number;
  /** TCP connections open right now. */
  openConnections(): number;
  /** Closes the listener and destroys every socket it accepted. */
  dispose(): Promise<void>;
}

/** Polls a condition until it holds: real sockets settle asynchronously, so tests wait, not sleep. */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  message?: string,
): Promise<void> {
  const start = Date.now();
  let lastError: unknown;
  for (;;) {
    try {
      if (await predicate()) return;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() - start > timeoutMs) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`waitFor timed out after ${timeoutMs} ms: ${message ?? 'condition'}${why}`);
    }
    await sleep(Math.min(25, Math.max(1, timeoutMs / 100)));
  }
}

/** A promise-based setTimeout, for the few places that really need a pause. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Asks the OS for a free port (bind :0, read, close), for programs that need a number up front. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/** True when a TCP connect to host:port succeeds within the timeout: "is the listener up?". */
export function canConnect(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/**
 * Deterministic pseudo-random bytes (AES-256-CTR of zeros under a key derived from `seed`): fast
 * enough for gigabytes, and the same seed always gives the same stream, so hashes can be compared.
 */
export function* pseudoRandomChunks(
  bytes: number,
  seed = 'burrow',
  chunkSize = 64 * 1024,
): Generator<Buffer> {
  const key = createHash('sha256').update(seed).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(chunkSize);
  let left = bytes;
  while (left > 0) {
    const n = Math.min(left, chunkSize);
    yield cipher.update(n === chunkSize ? zeros : zeros.subarray(0, n));
    left -= n;
  }
}

/** The whole pseudo-random stream in one Buffer, for payloads small enough to hold in memory. */
export function pseudoRandomBytes(bytes: number, seed = 'burrow'): Buffer {
  return Buffer.concat([...pseudoRandomChunks(bytes, seed)]);
}

/** sha256 hex of the pseudo-random stream of that length and seed, without keeping it. */
export function pseudoRandomSha256(bytes: number, seed = 'burrow'): string {
  const hash = createHash('sha256');
  for (const chunk of pseudoRandomChunks(bytes, seed)) hash.update(chunk);
  return hash.digest('hex');
}

/** Writes chunks to a socket, waiting for 'drain' whenever the socket asks for backpressure. */
export async function writeChunks(sock: Socket, chunks: Iterable<Buffer>): Promise<void> {
  for (const chunk of chunks) {
    if (sock.destroyed) throw new Error('socket closed while writing');
    if (!sock.write(chunk)) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = (): void => {
          sock.off('close', onClose);
          resolve();
        };
        const onClose = (): void => {
          sock.off('drain', onDrain);
          reject(new Error('socket closed while writing'));
        };
        sock.once('drain', onDrain);
        sock.once('close', onClose);
      });
    }
  }
}

/** Shared plumbing for test servers: error handlers, socket tracking, counted connections. */
function listenTracked(
  host: string,
  port: number,
  onSocket: (sock: Socket) => void,
): Promise<TestServer & { server: Server }> {
  const sockets = new Set<Socket>();
  let total = 0;
  const server = createServer({ allowHalfOpen: true }, (sock) => {
    total++;
    sockets.add(sock);
    sock.on('error', () => sock.destroy());
    sock.once('close', () => sockets.delete(sock));
    onSocket(sock);
  });
  server.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      const bound = typeof addr === 'object' && addr ? addr.port : port;
      resolve({
        server,
        host,
        port: bound,
        connections: () => total,
        openConnections: () => sockets.size,
        dispose: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            sockets.clear();
            if (!server.listening) return done();
            server.close(() => done());
          }),
      });
    });
  });
}

/** A TCP echo server: the usual forward target. Honours half-close (ends after echoing all). */
export async function startEchoServer(host = '127.0.0.1', port = 0): Promise<TestServer> {
  const { server: _server, ...rest } = await listenTracked(host, port, (sock) => {
    sock.setNoDelay(true);
    sock.pipe(sock);
  });
  return rest;
}

/**
 * Answers a client's first bytes with a short reply and closes at once, as an HTTP server does
 * with `Connection: close`: the close follows the reply within the same moment.
 */
export async function startReplyAndCloseServer(host = '127.0.0.1', port = 0): Promise<TestServer> {
  const { server: _server, ...rest } = await listenTracked(host, port, (sock) => {
    sock.setNoDelay(true);
    sock.once('data', () => sock.end('reply\n'));
  });
  return rest;
}

/** Reads everything, then on the client's end replies `"<sha256 hex> <byte count>\n"`: upload checks. */
export async function startSinkServer(host = '127.0.0.1', port = 0): Promise<TestServer> {
  const { server: _server, ...rest } = await listenTracked(host, port, (sock) => {
    const hash = createHash('sha256');
    let count = 0;
    sock.on('data', (d: Buffer) => {
      hash.update(d);
      count += d.length;
    });
    sock.once('end', () => sock.end(`${hash.digest('hex')} ${count}\n`));
  });
  return rest;
}

/** A server that sends `bytes` of pseudo-random data on connect, then ends: download checks. */
export interface SourceServer extends TestServer {
  /** sha256 hex of what every connection receives. */
  sha256: string;
  bytes: number;
}

/** Sends `bytes` of deterministic data to every client, then ends; exposes the data's sha256. */
export async function startSourceServer(
  bytes: number,
  host = '127.0.0.1',
  port = 0,
  seed = 'burrow',
): Promise<SourceServer> {
  const sha256 = pseudoRandomSha256(bytes, seed);
  const { server: _server, ...rest } = await listenTracked(host, port, (sock) => {
    sock.resume(); // discard anything the client sends
    writeChunks(sock, pseudoRandomChunks(bytes, seed)).then(
      () => sock.end(),
      () => sock.destroy(),
    );
  });
  return { ...rest, sha256, bytes };
}

/** Options shared by the client helpers below. */
export interface ClientOptions {
  /** Give up (reject) after this long; default 60 s. */
  timeoutMs?: number;
  /** Seed for the pseudo-random data; default 'burrow'. */
  seed?: string;
}

/** Connects with an error handler and a hard timeout; `run` does the talking. */
function withClient<T>(
  host: string,
  port: number,
  timeoutMs: number,
  run: (sock: Socket, resolve: (v: T) => void, reject: (e: Error) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const sock = connect({ host, port, allowHalfOpen: true });
    sock.setNoDelay(true);
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => {
      finish(() => reject(new Error(`timed out after ${timeoutMs} ms talking to ${host}:${port}`)));
      sock.destroy();
    }, timeoutMs);
    sock.on('error', (err) => {
      finish(() => reject(err));
      sock.destroy();
    });
    run(
      sock,
      (v) => finish(() => resolve(v)),
      (e) => {
        finish(() => reject(e));
        sock.destroy();
      },
    );
  });
}

/**
 * Streams `bytes` of pseudo-random data (with backpressure), ends its side and collects the reply
 * as text: paired with the sink server it proves an upload arrived whole.
 */
export function sendAndHash(
  host: string,
  port: number,
  bytes: number,
  opts: ClientOptions = {},
): Promise<{ sentSha: string; reply: string }> {
  const seed = opts.seed ?? 'burrow';
  return withClient(host, port, opts.timeoutMs ?? 60_000, (sock, resolve, reject) => {
    const sent = createHash('sha256');
    const chunks: Buffer[] = [];
    sock.on('data', (d: Buffer) => chunks.push(d));
    sock.once('close', () =>
      resolve({ sentSha: sent.digest('hex'), reply: Buffer.concat(chunks).toString() }),
    );
    sock.once('connect', () => {
      const hashing = (function* () {
        for (const c of pseudoRandomChunks(bytes, seed)) {
          sent.update(c);
          yield c;
        }
      })();
      writeChunks(sock, hashing).then(
        () => sock.end(),
        (err: Error) => reject(err),
      );
    });
  });
}

/** Reads everything until the server ends and hashes it: paired with the source server. */
export function receiveAndHash(
  host: string,
  port: number,
  opts: ClientOptions = {},
): Promise<{ sha256: string; bytes: number }> {
  return withClient(host, port, opts.timeoutMs ?? 60_000, (sock, resolve) => {
    const hash = createHash('sha256');
    let count = 0;
    sock.on('data', (d: Buffer) => {
      hash.update(d);
      count += d.length;
    });
    sock.once('end', () => sock.end());
    sock.once('close', () => resolve({ sha256: hash.digest('hex'), bytes: count }));
  });
}

/** Connects, writes the payload, ends, and returns everything received until close. */
export function echoRoundTrip(
  host: string,
  port: number,
  payload: Buffer,
  timeoutMs = 10_000,
): Promise<Buffer> {
  return withClient(host, port, timeoutMs, (sock, resolve) => {
    const chunks: Buffer[] = [];
    sock.on('data', (d: Buffer) => chunks.push(d));
    sock.once('end', () => sock.end());
    sock.once('close', () => resolve(Buffer.concat(chunks)));
    sock.once('connect', () => sock.end(payload));
  });
}

/**
 * Sends a request, waits for the reply and the close that follows it (startReplyAndCloseServer)
 * and returns the ms from the reply's arrival to the close's.
 */
export function replyToCloseMs(host: string, port: number, timeoutMs = 10_000): Promise<number> {
  return withClient(host, port, timeoutMs, (sock, resolve, reject) => {
    let repliedAt = 0;
    sock.once('connect', () => sock.write('request\n'));
    sock.on('data', () => (repliedAt ||= performance.now()));
    sock.once('end', () => {
      sock.destroy();
      if (repliedAt) resolve(performance.now() - repliedAt);
      else reject(new Error('closed without a reply'));
    });
  });
}

/** replyToCloseMs over `cycles` sequential connections: every figure, and their median. */
export async function replyToCloseMedian(
  host: string,
  port: number,
  cycles = 9,
): Promise<{ median: number; all: string }> {
  const all: number[] = [];
  for (let i = 0; i < cycles; i++) all.push(await replyToCloseMs(host, port));
  const sorted = [...all].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor(cycles / 2)]!,
    all: all.map((ms) => ms.toFixed(1)).join(', '),
  };
}
