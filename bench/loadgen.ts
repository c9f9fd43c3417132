/**
 * The load generator: two child processes of the bench, so that neither the tunnel under test nor
 * the bench's bookkeeping shares a thread with the load, and the two ends of a transfer do not
 * share one either (with both ends on one thread, raw loopback TCP topped out at ~700 MiB/s with
 * that thread at 94%; the ceiling row must not be our own limit).
 *
 * `loadgen.ts servers` owns the forward targets:
 * - a data server: after a request line `PUT <n>\n` it reads n bytes (sample-checked) and answers
 *   `OK <bytes> <bad chunks>\n`; after `GET <n>\n` it sends n bytes and ends;
 * - an echo server: echoes until it has echoed a newline, then ends its side first (so TIME_WAIT
 *   lands on the server side and bursts of thousands of connections never run out of client ports).
 *
 * `loadgen.ts clients` runs the throughput clients. The parent drives both over IPC (see LoadGen in
 * loadgen-client.ts). Every client measures its own wall time; the parent reads CPU from /proc.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { writeChunks } from '../test/support/net';
import { PatternChecker, WRITE_CHUNK, patternSlice } from './pattern';
import { socks5Connect } from './socks5';

export type LoadGenRequest =
  | {
      id: number;
      op: 'put' | 'get';
      /** Where to connect: the forward's listener, or the SOCKS proxy when `socks` is set. */
      host: string;
      port: number;
      /** For SOCKS: the destination to ask the proxy for. */
      socks?: { host: string; port: number };
      bytes: number;
      timeoutMs: number;
    }
  | { id: number; op: 'stats' };

export type LoadGenReply =
  | { id: number; ok: true; seconds: number; bytes: number }
  | { id: number; ok: true; echoOpen: number; dataOpen: number }
  | { id: number; ok: false; error: string };

export interface LoadGenReady {
  op: 'ready';
  /** Set by the servers process. */
  dataPort?: number;
  echoPort?: number;
}

const BACKLOG = 65_535; // the kernel caps it at net.core.somaxconn

/** Writes n bytes of the pattern with backpressure; rejects if the socket goes away first. */
function writePattern(sock: Socket, n: number): Promise<void> {
  return writeChunks(sock, patternSlices(n));
}

function* patternSlices(n: number): Generator<Buffer> {
  for (let pos = 0; pos < n; pos += WRITE_CHUNK)
    yield patternSlice(pos, Math.min(WRITE_CHUNK, n - pos));
}

function tracked(onSocket: (sock: Socket) => void): { server: Server; open: Set<Socket> } {
  const open = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true, noDelay: true }, (sock) => {
    open.add(sock);
    sock.on('error', () => sock.destroy());
    sock.once('close', () => open.delete(sock));
    onSocket(sock);
  });
  server.on('error', (err) => {
    console.error(`loadgen: server error: ${err.message}`);
  });
  return { server, open };
}

const startData = () =>
  tracked((sock) => {
    let header = '';
    let mode: 'header' | 'put' | 'done' = 'header';
    const checker = new PatternChecker();
    const onData = (chunk: Buffer): void => {
      if (mode === 'put') return checker.update(chunk);
      if (mode !== 'header') return;
      const nl = chunk.indexOf(10);
      header += chunk.toString('latin1', 0, nl < 0 ? chunk.length : nl);
      if (nl < 0) {
        if (header.length > 64) sock.destroy();
        return;
      }
      const match = /^(PUT|GET) (\d+)$/.exec(header);
      if (!match) {
        sock.destroy();
        return;
      }
      const n = Number(match[2]);
      if (match[1] === 'PUT') {
        mode = 'put';
        if (nl + 1 < chunk.length) checker.update(chunk.subarray(nl + 1));
      } else {
        mode = 'done';
        writePattern(sock, n).then(
          () => sock.end(),
          () => sock.destroy(),
        );
      }
    };
    sock.on('data', onData);
    sock.once('end', () => {
      if (mode === 'put') sock.end(`OK ${checker.bytes} ${checker.badChunks}\n`);
      else sock.end();
    });
  });

const startEcho = () =>
  tracked((sock) => {
    sock.on('data', (chunk: Buffer) => {
      if (chunk.includes(10)) sock.end(chunk);
      else sock.write(chunk);
    });
    sock.once('end', () => sock.end());
  });

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, backlog: BACKLOG }, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : 0);
    });
  });
}

/** Connects straight to host:port, or through a SOCKS5 proxy there to `socks`. */
async function open(req: Extract<LoadGenRequest, { op: 'put' | 'get' }>): Promise<Socket> {
  const sock = connect({ host: req.host, port: req.port, allowHalfOpen: true, noDelay: true });
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', () => {
      sock.off('error', reject);
      resolve();
    });
    sock.once('error', reject);
  });
  if (req.socks) await socks5Connect(sock, req.socks.host, req.socks.port);
  return sock;
}

/** One transfer, timed from connect to the proof that every byte arrived. */
async function transfer(
  req: Extract<LoadGenRequest, { op: 'put' | 'get' }>,
): Promise<{ seconds: number; bytes: number }> {
  const start = process.hrtime.bigint();
  const sock = await open(req);
  const timer = setTimeout(
    () => sock.destroy(new Error(`timed out after ${req.timeoutMs} ms`)),
    req.timeoutMs,
  );
  try {
    const bytes = await new Promise<number>((resolve, reject) => {
      sock.once('error', reject);
      if (req.op === 'get') {
        const checker = new PatternChecker();
        sock.on('data', (chunk: Buffer) => checker.update(chunk));
        sock.once('end', () => {
          sock.end();
          if (checker.bytes !== req.bytes)
            reject(new Error(`GET received ${checker.bytes} of ${req.bytes} bytes`));
          else if (checker.badChunks > 0)
            reject(new Error(`GET: ${checker.badChunks} chunks failed the sample check`));
          else resolve(checker.bytes);
        });
        sock.write(`GET ${req.bytes}\n`);
        sock.resume();
      } else {
        let reply = '';
        sock.on('data', (chunk: Buffer) => (reply += chunk.toString('latin1')));
        sock.once('end', () => {
          sock.end();
          const match = /^OK (\d+) (\d+)\n$/.exec(reply);
          if (!match) return reject(new Error(`PUT: unexpected reply ${JSON.stringify(reply)}`));
          const [got, bad] = [Number(match[1]), Number(match[2])];
          if (got !== req.bytes) reject(new Error(`PUT delivered ${got} of ${req.bytes} bytes`));
          else if (bad > 0) reject(new Error(`PUT: ${bad} chunks failed the sample check`));
          else resolve(got);
        });
        sock.resume();
        sock.write(`PUT ${req.bytes}\n`);
        writePattern(sock, req.bytes).then(() => sock.end(), reject);
      }
    });
    return { seconds: Number(process.hrtime.bigint() - start) / 1e9, bytes };
  } finally {
    clearTimeout(timer);
    sock.destroy();
  }
}

async function main(): Promise<void> {
  const role = process.argv[2];
  let ready: LoadGenReady = { op: 'ready' };
  let handle: (req: LoadGenRequest) => Promise<LoadGenReply>;
  if (role === 'servers') {
    const data = startData();
    const echo = startEcho();
    const [dataPort, echoPort] = await Promise.all([listen(data.server), listen(echo.server)]);
    ready = { op: 'ready', dataPort, echoPort };
    handle = async (req) => {
      if (req.op !== 'stats') throw new Error('the servers process does not run clients');
      return { id: req.id, ok: true, echoOpen: echo.open.size, dataOpen: data.open.size };
    };
  } else if (role === 'clients') {
    handle = async (req) => {
      if (req.op === 'stats') throw new Error('the clients process keeps no stats');
      return { id: req.id, ok: true, ...(await transfer(req)) };
    };
  } else {
    throw new Error(`usage: loadgen.ts servers|clients (got ${role})`);
  }
  process.on('message', (req: LoadGenRequest) => {
    handle(req).then(
      (reply) => process.send?.(reply),
      (err: unknown) =>
        process.send?.({
          id: req.id,
          ok: false,
          error: err instanceof Error ? err.message : String(err),
        } satisfies LoadGenReply),
    );
  });
  // The parent going away (even killed) closes the IPC channel: go with it.
  process.on('disconnect', () => process.exit(0));
  process.send?.(ready);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
