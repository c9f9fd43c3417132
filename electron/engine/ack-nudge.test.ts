import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { NUDGE_BELOW_BYTES, nudgeAcks } from './ack-nudge';

/** A connected pair of real loopback sockets: `ours` gets the nudger, `peer` plays the server. */
async function socketPair(): Promise<{ ours: Socket; peer: Socket; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  const ours = connect({ host: '127.0.0.1', port });
  await new Promise((resolve) => ours.once('connect', resolve));
  return { ours, peer: await accepted, server };
}

/** Resolves once `ours` has read `bytes` and the event-loop turn after that read has ended. */
function readThenTurn(ours: Socket, bytes: number): Promise<void> {
  return new Promise((resolve) => {
    let got = 0;
    const onData = (chunk: Buffer): void => {
      got += chunk.length;
      if (got < bytes) return;
      ours.off('data', onData);
      setImmediate(() => setImmediate(resolve));
    };
    ours.on('data', onData);
  });
}

describe('nudgeAcks', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((fn) => fn()));

  /** `before` runs before the nudger is installed, as the SSH client's listeners are. */
  async function setup(
    before?: (ours: Socket) => void,
  ): Promise<{ ours: Socket; peer: Socket; nudges: () => number }> {
    const { ours, peer, server } = await socketPair();
    before?.(ours);
    cleanups.push(() => {
      ours.destroy();
      peer.destroy();
      server.close();
    });
    let count = 0;
    nudgeAcks(ours, () => (count += 1));
    return { ours, peer, nudges: () => count };
  }

  it('nudges once after a small read that got no answer', async () => {
    const { ours, peer, nudges } = await setup();
    const read = readThenTurn(ours, 100);
    peer.write(Buffer.alloc(100));
    await read;
    expect(nudges()).toBe(1);
  });

  it('does not nudge when the read was answered in the same turn (the answer carries the ACK)', async () => {
    // Answered by a listener that was there before the nudger, as the SSH client's is: the
    // nudger must still count this write as coming after the read.
    const { ours, peer, nudges } = await setup((sock) =>
      sock.on('data', () => sock.write('answer')),
    );
    const read = readThenTurn(ours, 100);
    peer.write(Buffer.alloc(100));
    await read;
    expect(nudges()).toBe(0);
  });

  it('does not nudge after a bulk-sized read', async () => {
    const { ours, peer, nudges } = await setup();
    const read = readThenTurn(ours, 4 * NUDGE_BELOW_BYTES);
    peer.write(Buffer.alloc(4 * NUDGE_BELOW_BYTES));
    await read;
    expect(nudges()).toBe(0);
  });

  it('nudges again for a later small read, and never for a destroyed socket', async () => {
    const { ours, peer, nudges } = await setup();
    for (let i = 1; i <= 3; i++) {
      const read = readThenTurn(ours, 10);
      peer.write(Buffer.alloc(10));
      await read;
      expect(nudges()).toBe(i);
    }
    ours.on('data', () => ours.destroy());
    const read = readThenTurn(ours, 10);
    peer.write(Buffer.alloc(10));
    await read;
    expect(nudges()).toBe(3);
  });
});
