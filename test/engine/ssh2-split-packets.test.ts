import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { Duplex } from 'node:stream';
import { Client, Server, type Connection } from 'ssh2';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateHostKey } from '../support/fault-server';
import { pseudoRandomBytes } from '../support/net';

/**
 * Burrow's ssh2 patch decrypts an AES-GCM packet that two reads delivered side by side in one
 * buffer where it lies (Burrow reads the SSH socket into slices of one slab), and copies it only
 * when the parts are apart. Real sockets split packets where the kernel happens to; this test
 * splits the server's stream at chosen points so every case comes up many times: packets in one
 * slice, in two or three adjacent slices, in slices of different slabs, and in separate buffers.
 */

const require = createRequire(import.meta.url);
const GCM = 'aes128-gcm@openssh.com';
const MiB = 1024 * 1024;

/** Deterministic piece sizes (a 32-bit linear congruential generator), so a failure repeats. */
function pieceSizes(seed: number, max: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return 1 + ((state >>> 8) % max);
  };
}

/**
 * What the client reads: the server's bytes cut into pieces of 1..maxPiece bytes, as consecutive
 * slices of a 64 KiB slab, taken afresh when full, like Burrow's socket reader. Every fifth piece
 * goes to a buffer of its own instead, at the offset the slab would have given it: it looks
 * adjacent to the piece before, but is not (its place in the slab stays junk). No slice is ever
 * written again once handed out.
 */
class SlicingReader {
  private slab = SlicingReader.junk();
  private used = 0;
  private pieces = 0;
  private readonly nextSize: () => number;

  constructor(
    private readonly deliver: (chunk: Buffer) => void,
    seed: number,
    maxPiece: number,
  ) {
    this.nextSize = pieceSizes(seed, maxPiece);
  }

  private static junk(): Buffer {
    return Buffer.alloc(64 * 1024, 0xee);
  }

  push(bytes: Buffer): void {
    let at = 0;
    while (at < bytes.length) {
      const size = Math.min(this.nextSize(), bytes.length - at);
      this.deliver(this.carve(bytes.subarray(at, at + size)));
      at += size;
    }
  }

  private carve(piece: Buffer): Buffer {
    this.pieces += 1;
    if (this.slab.length - this.used < piece.length) {
      this.slab = SlicingReader.junk();
      this.used = 0;
    }
    const home = this.pieces % 5 === 0 ? SlicingReader.junk() : this.slab;
    const slice = home.subarray(this.used, this.used + piece.length);
    piece.copy(slice);
    this.used += piece.length;
    return slice;
  }
}

/** Two connected in-memory transports; what the server writes reaches the client sliced. */
function slicedPipe(seed: number, maxPiece: number): { client: Duplex; server: Duplex } {
  const client = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      server.push(chunk);
      done();
    },
  });
  const reader = new SlicingReader((slice) => client.push(slice), seed, maxPiece);
  const server = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      reader.push(chunk);
      done();
    },
  });
  return { client, server };
}

/** A server whose every direct-tcpip channel sends `payload` and ends. */
function startServer(transport: Duplex, hostKey: string, payload: Buffer): Server {
  const server = new Server(
    {
      hostKeys: [hostKey],
      algorithms: { cipher: [GCM] },
    },
    (conn: Connection) => {
      conn.on('authentication', (ctx) => ctx.accept());
      conn.on('error', () => {});
      conn.on('tcpip', (accept) => {
        const channel = accept();
        channel.end(payload);
      });
    },
  );
  server.injectSocket(transport as never);
  return server;
}

async function download(transport: Duplex): Promise<Buffer> {
  const client = new Client();
  await new Promise<void>((resolve, reject) => {
    client.once('ready', resolve).once('error', reject);
    client.connect({ sock: transport as never, username: 'u', algorithms: { cipher: [GCM] } });
  });
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      client.forwardOut('127.0.0.1', 1, '127.0.0.1', 2, (err, channel) => {
        if (err) return reject(err);
        const parts: Buffer[] = [];
        channel.on('data', (d: Buffer) => parts.push(Buffer.from(d)));
        channel.on('end', () => resolve(Buffer.concat(parts)));
        channel.on('error', reject);
      });
    });
  } finally {
    client.end();
  }
}

function sha(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

describe("ssh2 patch: AES-GCM packets split across the client's reads", () => {
  const servers: Server[] = [];
  // From ssh-keygen: ssh2's own generateKeyPairSync makes an ed25519 key that its parser rejects
  // about once in 200.
  let hostKey = '';
  beforeAll(async () => {
    hostKey = await generateHostKey();
  });
  afterEach(() => {
    for (const s of servers.splice(0)) s.close();
  });

  it('uses the native GCM decipher the patch changes', () => {
    const { bindingAvailable } = require('ssh2/lib/protocol/crypto.js') as {
      bindingAvailable: boolean;
    };
    expect(bindingAvailable).toBe(true);
  });

  // Pieces up to 40 KiB: most packets (32 KiB of data) span two or three of them.
  it.each([
    { seed: 1, maxPiece: 40_000 },
    { seed: 7, maxPiece: 40_000 },
    // Small pieces: packets in many slices, some across a slab's end.
    { seed: 3, maxPiece: 3_000 },
  ])('delivers 4 MiB intact (seed $seed, pieces up to $maxPiece bytes)', async (c) => {
    const payload = pseudoRandomBytes(4 * MiB, `split-${c.seed}`);
    const pipe = slicedPipe(c.seed, c.maxPiece);
    servers.push(startServer(pipe.server, hostKey, payload));

    const received = await download(pipe.client);

    expect({ bytes: received.length, sha: sha(received) }).toEqual({
      bytes: payload.length,
      sha: sha(payload),
    });
  });
});
