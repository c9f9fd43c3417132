import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ForwardCounters } from '../../shared';
import { receivePathOf } from './receive-path';

/** How long either side may linger half-closed after the other is gone. */
const LINGER_MS = 10_000;

/**
 * The writable high-water mark for local sockets (listeners' and remote forwards' targets): room
 * for all the packets of one SSH read (~90 KiB measured, each up to 32 KiB) while the socket is
 * corked. At Node's 16 KiB the first packet alone reports backpressure and pauses the channel.
 * (A listener sets it for reading too: `createServer` has one option for both.)
 */
export const LOCAL_SOCKET_HIGH_WATER_MARK = 256 * 1024;

/**
 * Joins a local TCP socket and a tunnel stream (an SSH channel) both ways until both are done.
 *
 * - Half-close travels through: the local FIN becomes a channel EOF and vice versa, and neither
 *   side is destroyed while the other may still deliver its tail (the download-tail trap in
 *   DESIGN.md section 6). The socket must be created with allowHalfOpen.
 * - `pipe` gives backpressure both ways: a full SSH window pauses the socket and vice versa.
 * - Counters: `bytesOut` is what this computer sent into the tunnel, `bytesIn` what came back
 *   out of it (the socket is always the side on this computer).
 */
export function pipeTunnel(options: {
  socket: Socket;
  channel: Duplex;
  counters: ForwardCounters;
  onActivity: () => void;
  onClose?: () => void;
}): void {
  const { socket, channel, counters, onActivity } = options;
  let closed = false;
  let channelClosed = false;
  counters.activeConnections += 1;
  counters.totalConnections += 1;
  onActivity();

  socket.on('data', (chunk: Buffer) => {
    // After the channel closed, what the peer still sends is drained and dropped, not sent.
    if (channelClosed) return;
    counters.bytesOut += chunk.length;
    onActivity();
  });
  // One SSH read holds several packets, which arrive here one by one in the same tick. They go to
  // the local peer as one write (corked until the tick ends) instead of one write per 32 KiB
  // packet: a third of the syscalls and of the peer's wake-ups, as OpenSSH does with its ~90 KiB
  // writes. Measured in bench/, interleaved: downloads +8-11% MiB/s and the machine's CPU per
  // GiB (Burrow, sshd and both ends) -6-8%.
  let corked = false;
  const uncork = (): void => {
    corked = false;
    socket.uncork();
  };
  channel.on('data', (chunk: Buffer) => {
    counters.bytesIn += chunk.length;
    onActivity();
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
  });

  socket.pipe(channel);
  channel.pipe(socket);
  // Downloads may skip the channel stream: the native receive path writes them to the socket
  // itself and reports what it wrote (receive-path.ts). What it hands back comes as 'data'. It
  // lets go of the socket when the socket is destroyed, and of the channel when it closes (ssh2
  // reuses channel ids).
  const detachReceivePath = receivePathOf(channel)?.attach(channel, socket, (bytes) => {
    counters.bytesIn += bytes;
    onActivity();
  });

  const finish = (): void => {
    if (closed) return;
    closed = true;
    counters.activeConnections -= 1;
    onActivity();
    options.onClose?.();
  };

  // An abrupt local reset: nothing more can be delivered either way, so close the channel.
  socket.on('error', () => {
    channel.destroy();
  });
  // At most one of these runs; whichever side closes second clears the other's. Left to fire,
  // each would wake the process 10 s after every connection, long after both sides are gone.
  let channelLinger: NodeJS.Timeout | undefined;
  let socketLinger: NodeJS.Timeout | undefined;

  socket.on('close', () => {
    clearTimeout(socketLinger);
    if (!channel.writableEnded) channel.destroy();
    else if (!channel.destroyed && !channelClosed) {
      // A clean local close already ended the channel; destroying it now could drop the EOF and
      // the tail still queued in it. The far side closes the channel once it has everything.
      channelLinger = setTimeout(() => channel.destroy(), LINGER_MS).unref();
    }
    finish();
  });

  channel.on('error', () => {
    socket.destroy();
  });
  channel.on('close', () => {
    detachReceivePath?.();
    channelClosed = true;
    clearTimeout(channelLinger);
    // The far side is gone. Let what was already piped reach the local peer, keep draining what
    // the peer still sends (so closing does not answer its data with a reset), and bound the
    // wait so a peer that never closes cannot hold the socket forever.
    socket.unpipe(channel);
    socket.resume();
    if (!socket.writableEnded) socket.end();
    if (!socket.destroyed) socketLinger = setTimeout(() => socket.destroy(), LINGER_MS).unref();
  });
}
