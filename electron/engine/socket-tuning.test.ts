import { closeSync, openSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { quickAcksAfterReads, socketTuningBinding, socketTuningStatus } from './socket-tuning';

const linux = process.platform === 'linux';

/** A connected client socket on loopback and its server side; closes both afterwards. */
async function connectedPair(): Promise<{ client: Socket; server: Server; peer: Socket }> {
  let peer: Socket | undefined;
  const server = createServer((s) => (peer = s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const client = connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve) => client.once('connect', resolve));
  while (!peer) await new Promise((resolve) => setImmediate(resolve));
  cleanups.push(() => {
    client.destroy();
    peer?.destroy();
    server.close();
  });
  return { client, server, peer };
}

function fdOf(socket: Socket): number {
  return (socket as unknown as { _handle: { fd: number } })._handle.fd;
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe.runIf(linux)('@burrow/socket-tuning on Linux', () => {
  it('is built and loads (npm install builds it; without it downloads are slower)', () => {
    expect(socketTuningStatus()).toEqual({ available: true });
  });

  it('switches a real TCP socket out of and back into delayed-ACK mode, as the kernel reports', async () => {
    const binding = socketTuningBinding()!;
    const { client } = await connectedPair();
    const fd = fdOf(client);
    // TCP_QUICKACK 0 puts the socket into "pingpong" (delayed-ACK) mode; 1 takes it out.
    expect(binding.quickAck(fd, false)).toBe(true);
    expect(binding.quickAckState(fd)).toBe(false);
    expect(binding.quickAck(fd)).toBe(true);
    expect(binding.quickAckState(fd)).toBe(true);
  });

  it('refuses, without throwing, what is not an open TCP socket', () => {
    const binding = socketTuningBinding()!;
    const file = openSync(import.meta.filename, 'r');
    try {
      expect(binding.quickAck(file)).toBe(false);
      expect(binding.quickAckState(file)).toBeNull();
    } finally {
      closeSync(file);
    }
    expect(binding.quickAck(-1)).toBe(false);
    expect(binding.quickAck(2_000_000)).toBe(false);
    expect(binding.quickAckState(-1)).toBeNull();
  });

  it('quickAcksAfterReads re-arms the socket it is given, each time it runs', async () => {
    const binding = socketTuningBinding()!;
    const { client } = await connectedPair();
    const afterRead = quickAcksAfterReads(() => client);
    for (let i = 0; i < 3; i++) {
      binding.quickAck(fdOf(client), false);
      afterRead();
      expect(binding.quickAckState(fdOf(client))).toBe(true);
    }
  });

  it('quickAcksAfterReads waits for a socket without a descriptor, then stops after a refusal', async () => {
    const binding = socketTuningBinding()!;
    const calls: number[] = [];
    const realQuickAck = binding.quickAck;
    binding.quickAck = (fd, on) => {
      calls.push(fd);
      return realQuickAck(fd, on);
    };
    try {
      // Before connect there is no descriptor: nothing is called, and nothing is switched off.
      let socket = { _handle: null } as unknown as Socket;
      const afterRead = quickAcksAfterReads(() => socket);
      afterRead();
      expect(calls).toEqual([]);

      const { client } = await connectedPair();
      socket = client;
      afterRead();
      afterRead();
      expect(calls).toEqual([fdOf(client), fdOf(client)]);

      // A descriptor the kernel refuses (here: a plain file) switches it off for good.
      const file = openSync(import.meta.filename, 'r');
      try {
        const onFile = quickAcksAfterReads(() => ({ _handle: { fd: file } }) as unknown as Socket);
        onFile();
        onFile();
        expect(calls).toEqual([fdOf(client), fdOf(client), file]);
      } finally {
        closeSync(file);
      }
    } finally {
      binding.quickAck = realQuickAck;
    }
  });
});
