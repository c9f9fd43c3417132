import { createHash, randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReceiveStop } from '@burrow/receive-path';
import { advanceGcmIv, receivePathBinding, receivePathStatus, sealGcmPacket } from './receive-path';
import { socketTuningBinding } from './socket-tuning';
import { descriptorsSharing } from '../../test/support/proc-net';

// The binding against real loopback sockets: a "server" socket writes SSH packets sealed by
// Node's crypto into the socket the receiver reads, and sink sockets stand for tunnels' local
// connections. The engine tests (test/engine/receive-path.test.ts) run it against sshd.

const linux = process.platform === 'linux';
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** A connected pair: `ours` is paused before it connects, so Node never reads it. */
async function socketPair(): Promise<{ ours: Socket; peer: Socket }> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  const ours = connect({
    host: '127.0.0.1',
    port,
    onread: { buffer: Buffer.alloc(64 * 1024), callback: () => true },
  });
  ours.pause();
  await new Promise((resolve) => ours.once('connect', resolve));
  const peer = await accepted;
  cleanups.push(() => {
    ours.destroy();
    peer.destroy();
    server.close();
  });
  return { ours, peer };
}

function fdOf(socket: Socket): number {
  return (socket as unknown as { _handle: { fd: number } })._handle.fd;
}

/** Seals payloads as an SSH server would: padding to 16 bytes, the IV counting up per packet. */
class Sealer {
  readonly key = randomBytes(16);
  readonly firstIv = randomBytes(12);
  private packets = 0;

  seal(payload: Buffer): Buffer {
    let padding = 16 - ((1 + payload.length) % 16);
    if (padding < 4) padding += 16;
    const body = Buffer.concat([Buffer.from([padding]), payload, randomBytes(padding)]);
    return sealGcmPacket(this.key, advanceGcmIv(this.firstIv, this.packets++), body);
  }
}

function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value);
  return b;
}

const message = {
  data: (channel: number, data: Buffer) =>
    Buffer.concat([Buffer.from([94]), u32(channel), u32(data.length), data]),
  eof: (channel: number) => Buffer.concat([Buffer.from([96]), u32(channel)]),
  close: (channel: number) => Buffer.concat([Buffer.from([97]), u32(channel)]),
  windowAdjust: (channel: number, bytes: number) =>
    Buffer.concat([Buffer.from([93]), u32(channel), u32(bytes)]),
  ignore: () => Buffer.from([2, 0, 0, 0, 0]),
  newKeys: () => Buffer.from([21]),
};

interface Batch {
  payloads: { packetsAfter: number; payload: Buffer }[];
  reports: Map<number, number>;
  smallRead: number;
  stop: ReceiveStop | undefined;
}

/** A receiver on `ours`, recording every batch it delivers. */
function startReceiver(ours: Socket, sealer: Sealer) {
  const binding = receivePathBinding()!;
  const batches: Batch[] = [];
  const waiters: (() => void)[] = [];
  const receiver = new binding.Receiver(
    fdOf(ours),
    sealer.key,
    sealer.firstIv,
    (payloads, reports, smallRead, stop) => {
      const batch: Batch = { payloads: [], reports: new Map(), smallRead, stop };
      for (let i = 0; payloads && i < payloads.length; i += 2)
        batch.payloads.push({
          packetsAfter: payloads[i] as number,
          payload: payloads[i + 1] as Buffer,
        });
      for (let i = 0; reports && i < reports.length; i += 2)
        batch.reports.set(reports[i]!, (batch.reports.get(reports[i]!) ?? 0) + reports[i + 1]!);
      batches.push(batch);
      for (const wake of waiters.splice(0)) wake();
    },
  );
  cleanups.push(() => receiver.dispose());
  receiver.start();
  const payloads = () => batches.flatMap((b) => b.payloads);
  const reported = (channel: number) =>
    batches.reduce((sum, b) => sum + (b.reports.get(channel) ?? 0), 0);
  const stop = () => batches.find((b) => b.stop)?.stop;
  /** Waits until `done()` holds, woken by each batch (and a poll, for the report timer). */
  const until = async (done: () => boolean, timeoutMs = 5000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error('timed out waiting for the receiver');
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 10);
      });
    }
  };
  return { receiver, batches, payloads, reported, stop, until };
}

/** A local connection standing in for a tunnel's: `writer` is the sink, `reader` collects. */
async function sinkPair(): Promise<{ writer: Socket; reader: Socket; received: () => Buffer }> {
  const { ours, peer } = await socketPair();
  const chunks: Buffer[] = [];
  peer.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { writer: ours, reader: peer, received: () => Buffer.concat(chunks) };
}

/** A receiver reading `ours`, fed by `peer` with packets `sealer` seals. */
async function receiving() {
  const { ours, peer } = await socketPair();
  const sealer = new Sealer();
  return { ours, peer, sealer, r: startReceiver(ours, sealer) };
}

/** A sink for `channel`, released: the binding writes to it directly. */
async function directSink(r: ReturnType<typeof startReceiver>, channel: number) {
  const sink = await sinkPair();
  r.receiver.addSink(channel, fdOf(sink.writer));
  expect(r.receiver.releaseSink(channel)).toBe(true);
  return sink;
}

async function settle(ms = 50): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

describe.runIf(linux)('@burrow/receive-path', () => {
  it('is built by npm install and agrees with Node about AES-GCM', () => {
    expect(receivePathStatus()).toEqual({ available: true });
  });

  it('writes a sink channel’s data straight to its socket and hands every other packet to JavaScript in order', async () => {
    const { peer, sealer, r } = await receiving();
    const sink = await directSink(r, 7);

    peer.write(
      Buffer.concat([
        sealer.seal(message.data(7, Buffer.from('hello'))),
        sealer.seal(message.windowAdjust(3, 1000)),
        sealer.seal(message.data(8, Buffer.from('not a sink'))),
        sealer.seal(message.data(7, Buffer.from(' world'))),
      ]),
    );
    await r.until(() => sink.received().length === 11 && r.reported(7) === 11);
    expect(sink.received().toString()).toBe('hello world');
    expect(r.payloads()).toEqual([
      { packetsAfter: 2, payload: message.windowAdjust(3, 1000) },
      { packetsAfter: 3, payload: message.data(8, Buffer.from('not a sink')) },
    ]);
    expect(r.stop()).toBeUndefined();
  });

  it('holds a sink’s data until released, then writes it in order', async () => {
    const { peer, sealer, r } = await receiving();
    const sink = await sinkPair();
    r.receiver.addSink(1, fdOf(sink.writer));
    peer.write(sealer.seal(message.data(1, Buffer.from('first '))));
    peer.write(sealer.seal(message.data(1, Buffer.from('second'))));
    await r.until(() => r.batches.length > 0);
    await settle();
    expect(sink.received().length).toBe(0);
    expect(r.reported(1)).toBe(0);

    r.receiver.releaseSink(1);
    await r.until(() => sink.received().length === 12 && r.reported(1) === 12);
    expect(sink.received().toString()).toBe('first second');
  });

  it('hands a sink’s unsent bytes back as one CHANNEL_DATA ahead of its EOF, and lets go of it', async () => {
    const { peer, sealer, r } = await receiving();
    const sink = await sinkPair();
    r.receiver.addSink(4, fdOf(sink.writer));
    peer.write(
      Buffer.concat([
        sealer.seal(message.data(4, Buffer.from('tail '))),
        sealer.seal(message.data(4, Buffer.from('bytes'))),
        sealer.seal(message.eof(4)),
        sealer.seal(message.close(4)),
      ]),
    );
    await r.until(() => r.payloads().length === 3);
    expect(r.payloads().map((p) => p.payload)).toEqual([
      message.data(4, Buffer.from('tail bytes')),
      message.eof(4),
      message.close(4),
    ]);
    expect(r.receiver.releaseSink(4)).toBe(false);
    await settle();
    expect(sink.received().length).toBe(0);
  });

  it('stops at NEWKEYS and returns the bytes after it untouched', async () => {
    const { peer, sealer, r } = await receiving();
    const sink = await directSink(r, 2);
    const rest = randomBytes(1000);
    peer.write(
      Buffer.concat([
        sealer.seal(message.data(2, Buffer.from('before rekey'))),
        sealer.seal(message.ignore()),
        sealer.seal(message.newKeys()),
        rest,
      ]),
    );
    await r.until(() => r.stop() !== undefined);
    expect(r.stop()).toEqual({ reason: 'newkeys', rest });
    expect(r.payloads().map((p) => p.payload)).toEqual([message.ignore(), message.newKeys()]);
    expect(r.payloads().at(-1)!.packetsAfter).toBe(3);
    // Written before it stopped, and reported with the stop.
    expect(r.reported(2)).toBe(12);
    await r.until(() => sink.received().length === 12);
    expect(sink.received().toString()).toBe('before rekey');
  });

  it('refuses a tampered packet, an impossible length, and reports the end of the stream', async () => {
    const cases: [string, (s: Sealer) => Buffer, ReceiveStop][] = [
      [
        'tampered',
        (s) => {
          const p = s.seal(message.ignore());
          p[8]! ^= 0x40;
          return p;
        },
        { reason: 'error', message: 'Bad packet authentication tag' },
      ],
      ['length', () => u32(17), { reason: 'error', message: 'Bad packet length' }],
      ['too long', () => u32(1024 * 1024), { reason: 'error', message: 'Bad packet length' }],
    ];
    for (const [, bytes, expected] of cases) {
      const { ours, peer } = await socketPair();
      const sealer = new Sealer();
      const r = startReceiver(ours, sealer);
      peer.write(Buffer.concat([sealer.seal(message.ignore()), bytes(sealer)]));
      await r.until(() => r.stop() !== undefined);
      expect(r.stop()).toEqual(expected);
      expect(r.payloads().map((p) => p.payload)).toEqual([message.ignore()]);
    }

    const { ours, peer } = await socketPair();
    const r = startReceiver(ours, new Sealer());
    peer.end();
    await r.until(() => r.stop() !== undefined);
    expect(r.stop()).toEqual({ reason: 'eof' });
  });

  it('reassembles packets split across reads at every boundary', async () => {
    const { ours, peer } = await socketPair();
    ours.setNoDelay(true);
    peer.setNoDelay(true);
    const sealer = new Sealer();
    const r = startReceiver(ours, sealer);
    const sink = await directSink(r, 9);
    const pieces = [100, 32 * 1024, 1, 5000, 17].map((n) => randomBytes(n));
    const stream = Buffer.concat(pieces.map((d) => sealer.seal(message.data(9, d))));
    // Cut points inside the length, the body and the tag of packets.
    const cuts = [2, 3, 40, 140, 150, 20000, stream.length - 30, stream.length - 1];
    let from = 0;
    for (const cut of [...cuts, stream.length]) {
      peer.write(stream.subarray(from, cut));
      from = cut;
      await settle(5);
    }
    const expected = Buffer.concat(pieces);
    await r.until(() => sink.received().length === expected.length);
    expect(sink.received().equals(expected)).toBe(true);
    expect(r.stop()).toBeUndefined();
  });

  it('hands what a full socket does not take back to JavaScript, and goes on once Node wrote it', async () => {
    const { peer, sealer, r } = await receiving();
    const sink = await sinkPair();
    sink.reader.pause();
    r.receiver.addSink(5, fdOf(sink.writer));
    r.receiver.releaseSink(5);
    // What receive-path.ts does: hand-backs go through Node's write queue; once it is empty,
    // release; what release returns is written the same way.
    let viaNode = 0;
    let handBacks = 0;
    const releaseWhenWritten = (): void => {
      sink.writer.write(Buffer.alloc(0), () => {
        const rest = r.receiver.releaseSink(5);
        if (Buffer.isBuffer(rest)) {
          viaNode += rest.length;
          sink.writer.write(rest);
          releaseWhenWritten();
        }
      });
    };
    let seen = 0;
    const pump = setInterval(() => {
      for (const { payload } of r.payloads().slice(seen)) {
        expect(payload[0]).toBe(94);
        expect(payload.readUInt32BE(1)).toBe(5);
        const data = payload.subarray(9);
        viaNode += data.length;
        handBacks++;
        sink.writer.write(data);
        releaseWhenWritten();
      }
      seen = r.payloads().length;
    }, 2);
    cleanups.push(() => clearInterval(pump));

    const hash = createHash('sha256');
    const total = 16 * 1024 * 1024;
    for (let sent = 0; sent < total; sent += 32 * 1024) {
      const data = randomBytes(32 * 1024);
      hash.update(data);
      peer.write(sealer.seal(message.data(5, data)));
    }
    await settle(200);
    sink.reader.resume();
    await r.until(() => sink.received().length === total, 20_000);
    expect(createHash('sha256').update(sink.received()).digest('hex')).toBe(hash.digest('hex'));
    // The paused reader filled the socket: data came back at least once. The binding reports
    // only what it wrote itself; the rest went through Node.
    expect(handBacks).toBeGreaterThan(0);
    await r.until(() => r.reported(5) + viaNode === total);
  });

  it('drops, without failing, the data of a sink whose peer reset, and counts it so the window moves', async () => {
    const { peer, sealer, r } = await receiving();
    const sink = await directSink(r, 6);
    sink.reader.resetAndDestroy();
    await settle();
    for (let i = 0; i < 64; i++) peer.write(sealer.seal(message.data(6, randomBytes(32 * 1024))));
    peer.write(sealer.seal(message.ignore()));
    await r.until(() => r.reported(6) === 64 * 32 * 1024 && r.payloads().length === 1);
    expect(r.stop()).toBeUndefined();
  });

  it('removeSink returns what was written and not yet reported: nothing counted twice or lost', async () => {
    const { peer, sealer, r } = await receiving();
    const sink = await directSink(r, 11);
    const total = 40 * 1024;
    for (let i = 0; i < 4; i++) peer.write(sealer.seal(message.data(11, randomBytes(total / 4))));
    while (sink.received().length < total) await settle(1);
    const returned = r.receiver.removeSink(11);
    const reportedBefore = r.reported(11);
    expect(returned).toBeGreaterThanOrEqual(0);
    expect(reportedBefore + returned).toBe(total);
    await settle(60);
    expect(r.reported(11)).toBe(reportedBefore);
  });

  it('re-arms quick ACKs on the socket it reads', async () => {
    const tuning = socketTuningBinding()!;
    const { ours, peer, sealer, r } = await receiving();
    for (let i = 1; i <= 3; i++) {
      tuning.quickAck(fdOf(ours), false);
      expect(tuning.quickAckState(fdOf(ours))).toBe(false);
      peer.write(sealer.seal(message.ignore()));
      await r.until(() => r.payloads().length === i);
      expect(tuning.quickAckState(fdOf(ours))).toBe(true);
    }
  });

  it('reads from a duplicate of the SSH descriptor until disposed; sinks use the socket’s own', async () => {
    const { ours } = await socketPair();
    const r = startReceiver(ours, new Sealer());
    const sink = await sinkPair();
    expect(descriptorsSharing(fdOf(ours))).toBe(2);
    r.receiver.addSink(3, fdOf(sink.writer));
    expect(descriptorsSharing(fdOf(sink.writer))).toBe(1);
    expect(r.receiver.removeSink(3)).toBe(0);
    expect(r.receiver.removeSink(3)).toBe(-1);
    expect(r.receiver.releaseSink(3)).toBe(false);
    r.receiver.addSink(3, fdOf(sink.writer));
    expect(() => r.receiver.addSink(3, fdOf(sink.writer))).toThrow(/already has a sink/);
    r.receiver.dispose();
    expect(descriptorsSharing(fdOf(ours))).toBe(1);
    expect(() => r.receiver.start()).toThrow(/disposed/);
    r.receiver.dispose();
  });

  it('refuses bad arguments with clear errors', async () => {
    const { r } = await receiving();
    // @ts-expect-error: a channel must be a number.
    expect(() => r.receiver.addSink('one', 3)).toThrow(/addSink\(channel, fd\)/);
    expect(() => r.receiver.addSink(1, -1)).toThrow(/addSink\(channel, fd\)/);
    // @ts-expect-error: the channel is missing.
    expect(() => r.receiver.releaseSink()).toThrow(/releaseSink\(channel\)/);
    // @ts-expect-error: a channel must be a number.
    expect(() => r.receiver.removeSink(null)).toThrow(/removeSink\(channel\)/);

    const binding = receivePathBinding()!;
    const noop = (): void => {};
    expect(() => new binding.Receiver(-1, randomBytes(16), randomBytes(12), noop)).toThrow(
      /file descriptor/,
    );
    expect(() => new binding.Receiver(0, randomBytes(15), randomBytes(12), noop)).toThrow(
      /16 or 32 byte/,
    );
    expect(() => new binding.Receiver(0, randomBytes(16), randomBytes(8), noop)).toThrow(/12 byte/);
  });
});

describe('advanceGcmIv', () => {
  it('counts the last 8 bytes up as one big-endian number, wrapping at 2^64, fixed part kept', () => {
    const iv = Buffer.from('0102030400000000000000ff', 'hex');
    expect(advanceGcmIv(iv, 1).toString('hex')).toBe('010203040000000000000100');
    expect(advanceGcmIv(iv, 0x1_0000_0000).toString('hex')).toBe('0102030400000001000000ff');
    const top = Buffer.from('01020304ffffffffffffffff', 'hex');
    expect(advanceGcmIv(top, 2).toString('hex')).toBe('010203040000000000000001');
    expect(iv.toString('hex')).toBe('0102030400000000000000ff');
  });
});
