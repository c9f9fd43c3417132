import { connect, type Socket } from 'node:net';
import { expect } from 'vitest';
import { replyToCloseMedian } from '../support/net';

/**
 * A byte-level SOCKS5 CONNECT, so tests see the exact reply code the proxy sent (a library
 * client turns those into error strings). Resolves with the reply code and, on success (0), the
 * connected socket.
 */
export function socks5Connect(
  proxyPort: number,
  host: string,
  port: number,
): Promise<{ reply: number; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const socket = connect(proxyPort, '127.0.0.1');
    let buffered = Buffer.alloc(0);
    let stage: 'method' | 'reply' = 'method';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('SOCKS handshake timed out'));
    }, 20_000);
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('connect', () => socket.write(Buffer.from([5, 1, 0])));
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      if (stage === 'method' && buffered.length >= 2) {
        if (buffered[1] !== 0) return reject(new Error(`no acceptable method: ${buffered[1]}`));
        buffered = buffered.subarray(2);
        stage = 'reply';
        const name = Buffer.from(host);
        const portBytes = Buffer.from([port >> 8, port & 0xff]);
        socket.write(Buffer.concat([Buffer.from([5, 1, 0, 3, name.length]), name, portBytes]));
      }
      if (stage === 'reply' && buffered.length >= 10) {
        clearTimeout(timer);
        // Pause before letting go: a flowing socket with no listener drops what arrives next.
        socket.pause();
        socket.off('data', onData);
        const reply = buffered[1]!;
        const rest = buffered.subarray(10);
        if (rest.length) socket.unshift(rest);
        if (reply !== 0) socket.destroy();
        resolve({ reply, socket });
      }
    };
    socket.on('data', onData);
  });
}

/** Sends `payload` over an established SOCKS socket, ends, and collects the answer. */
export function roundTrip(socket: Socket, payload: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.resume();
    socket.end(payload);
  });
}

/**
 * Writes `payload` and reads until as many bytes came back, then closes: an echo exchange that
 * does not rely on half-close (ssh2's Server, our fault injector, cannot half-close a channel).
 */
export function echoExchange(
  host: string,
  port: number,
  payload: Buffer,
  timeoutMs = 10_000,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host);
    const chunks: Buffer[] = [];
    let received = 0;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`echo exchange timed out after ${received} of ${payload.length} bytes`));
    }, timeoutMs);
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('connect', () => socket.write(payload));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      if (received >= payload.length) {
        clearTimeout(timer);
        socket.destroy();
        resolve(Buffer.concat(chunks));
      }
    });
  });
}

/**
 * Asserts that through the forward on `port` a target's close arrives right behind its reply
 * (startReplyAndCloseServer), not a delayed-ACK timer (~40 ms) later: the median of several
 * cycles, with a wide margin (it was 40-44 ms every time without Burrow's ack-nudge.ts).
 */
export async function expectCloseRightBehindReply(port: number): Promise<void> {
  const { median, all } = await replyToCloseMedian('127.0.0.1', port);
  expect(median, `reply → close, ms: ${all}`).toBeLessThan(20);
}
