import { createCipheriv, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Client } from 'ssh2';
import type * as ReceivePathModule from '@burrow/receive-path';
import { loadNativePackage, type LoadedBinding } from './native-package';
import { socketFd } from './socket-fd';

// Downloads were Burrow's one speed gap to OpenSSH (bench/README.md): every read of the SSH
// socket and every 32 KiB packet crossed into JavaScript (ssh2's parser, a channel stream, a
// pipe into the local socket), ~0.3 s of CPU per GiB that `ssh` does not spend, on machines
// where sshd, the client and the programs at both ends share two cores.
//
// So, once a tunnel's channel is open, @burrow/receive-path (a small Node-API binding) reads the
// SSH socket itself: it decrypts each AES-GCM packet and writes channel data straight to the
// tunnel's local socket. JavaScript still gets every other packet, decrypted and in order, and
// keeps everything else: answers, window adjustments (from the binding's reports of what the
// local sockets took), counters, closing. The binding hands reading back at a rekey (the bytes
// after NEWKEYS belong to keys only ssh2 knows); it starts again after it.
//
// Where it cannot run, ssh2 reads as before: other ciphers, compression, jump hops behind the
// first (their socket is a channel), or no binding.

type Binding = ReceivePathModule.ReceivePathBinding;
type Receiver = InstanceType<Binding['Receiver']>;

let loaded: LoadedBinding<Binding> | undefined;

function load(): LoadedBinding<Binding> {
  if (loaded) return loaded;
  loaded = loadNativePackage<Binding>('@burrow/receive-path');
  if (loaded.binding && !passesSelfTest(loaded.binding))
    loaded = { binding: null, reason: 'it does not decrypt what Node encrypts' };
  return loaded;
}

/**
 * An SSH packet as aes-gcm@openssh.com sends it: the length (authenticated, in clear), `body`
 * encrypted, then the 16-byte tag. `body` must be a multiple of 16 bytes.
 */
export function sealGcmPacket(key: Buffer, iv: Buffer, body: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const cipher = createCipheriv(key.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm', key, iv);
  cipher.setAAD(length);
  const sealed = Buffer.concat([cipher.update(body), cipher.final()]);
  return Buffer.concat([length, sealed, cipher.getAuthTag()]);
}

/** Node's crypto seals, the binding opens: the binding is used only if they agree. */
function passesSelfTest(binding: Binding): boolean {
  try {
    const key = randomBytes(16);
    const iv = randomBytes(12);
    const body = randomBytes(32);
    const packet = sealGcmPacket(key, iv, body);
    if (!binding.selfTest(key, iv, packet)) return false;
    if (!packet.subarray(4, 4 + body.length).equals(body)) return false;
    // And a tampered packet must fail.
    const tampered = sealGcmPacket(key, iv, body);
    tampered[5]! ^= 1;
    return !binding.selfTest(key, iv, tampered);
  } catch {
    return false;
  }
}

export type ReceivePathStatus =
  { available: true } | { available: false; needed: boolean; reason: string };

/** The binding, once it loaded and passed its self-test; null otherwise (tests use it). */
export function receivePathBinding(): Binding | null {
  return load().binding;
}

/** Whether the binding loaded; `needed` is false on Windows, where it is not built at all. */
export function receivePathStatus(platform: NodeJS.Platform = process.platform): ReceivePathStatus {
  const result = load();
  if (result.binding) return { available: true };
  return { available: false, needed: platform !== 'win32', reason: result.reason };
}

// ssh2's private state that this module reads; Burrow's ssh2 patch adds the burrow* fields.
interface Decipher {
  inSeqno: number;
  burrowKey?: Buffer;
  burrowIV?: Buffer;
  burrowPackets?: number;
  _lenBytes?: number;
  _pktLen?: number;
  _tagPos?: number;
  _onPayload(payload: Buffer): unknown;
}
interface Protocol {
  _decipher: Decipher;
  _authenticated: boolean;
  _kex?: { negotiated?: { sc?: { compress?: string } } };
}
interface ChannelInternals {
  incoming: { id: number; window: number };
  _client: Client;
}
interface ChannelModule {
  WINDOW_THRESHOLD: number;
  windowAdjust(channel: ChannelInternals): void;
}

const { WINDOW_THRESHOLD, windowAdjust } = createRequire(import.meta.url)(
  'ssh2/lib/Channel.js',
) as ChannelModule;

function protocolOf(client: Client): Protocol | undefined {
  return (client as unknown as { _protocol?: Protocol })._protocol;
}

/** The IV for the packet after `packets` packets: the 64-bit counter in its last 8 bytes, on. */
export function advanceGcmIv(iv: Buffer, packets: number): Buffer {
  const next = Buffer.from(iv);
  next.writeBigUInt64BE((next.readBigUInt64BE(4) + BigInt(packets)) & 0xffffffffffffffffn, 4);
  return next;
}

const EMPTY = Buffer.alloc(0);
const MESSAGE_CHANNEL_DATA = 94;

/** A tunnel whose downloads should go straight to its local socket. */
interface SinkRequest {
  channel: ChannelInternals & Duplex;
  socket: Socket;
  onBytes(bytes: number): void;
  /** Whether the binding has it now (held or direct). */
  registered: boolean;
  /** The receiver for which a wait for Node's writes to the socket is under way, if any. */
  settling: Receiver | null;
}

type DestroyHook = Socket['_destroy'];

/**
 * One SSH connection's native receive path. `noteRead` hears of small reads, which the ACK
 * nudge (ack-nudge.ts) watches on the JavaScript path through 'data'.
 */
export class ReceivePath {
  private receiver: Receiver | null = null;
  private readonly requests = new Map<number, SinkRequest>();
  private disposed = false;
  private seqnoBase = 0;

  constructor(
    private readonly client: Client,
    private readonly socket: Socket,
    private readonly binding: Binding,
    private readonly noteRead: (bytes: number) => void,
  ) {}

  /**
   * Sends `channel`'s downloads straight to `socket` from now on, or as soon as the binding
   * reads. Returns what to call when either closes.
   */
  attach(channel: Duplex, socket: Socket, onBytes: (bytes: number) => void): () => void {
    const internals = channel as ChannelInternals & Duplex;
    const id = internals.incoming.id;
    const previous = this.requests.get(id);
    // ssh2 reuses the ids of closed channels; a stale request must not take the new one's data.
    if (previous) this.detach(previous);
    const request: SinkRequest = {
      channel: internals,
      socket,
      onBytes,
      registered: false,
      settling: null,
    };
    this.requests.set(id, request);
    // The binding writes to Node's own descriptor, so it must let go before Node closes it:
    // every close goes through _destroy, which closes the handle at once.
    const destroy: DestroyHook = socket._destroy;
    socket._destroy = (error, callback) => {
      this.detach(request);
      destroy.call(socket, error, callback);
    };
    if (this.receiver) this.register(request);
    else this.tryStart();
    return () => this.detach(request);
  }

  /** Called after ssh2 parsed each read of the JavaScript path: native reading may start. */
  afterRead(): void {
    if (!this.receiver && this.requests.size > 0) this.tryStart();
  }

  dispose(): void {
    this.disposed = true;
    this.requests.clear();
    this.stopReceiver();
  }

  private detach(request: SinkRequest): void {
    const id = request.channel.incoming.id;
    if (this.requests.get(id) !== request) return;
    this.requests.delete(id);
    if (request.registered && this.receiver) {
      // Counted now: a report after this could not tell this channel from a new one on its id.
      const unreported = this.receiver.removeSink(id);
      if (unreported > 0) request.onBytes(unreported);
    }
    request.registered = false;
  }

  private tryStart(): void {
    if (this.disposed || this.socket.destroyed) return;
    const protocol = protocolOf(this.client);
    const decipher = protocol?._decipher;
    if (!protocol || !decipher?.burrowKey || !decipher.burrowIV) return;
    if (!protocol._authenticated) return;
    const compress = protocol._kex?.negotiated?.sc?.compress;
    if (compress !== undefined && compress !== 'none') return;
    // Only between packets: a packet ssh2 began must be finished by ssh2.
    if (decipher._lenBytes !== 0 || decipher._pktLen !== 0 || decipher._tagPos !== 0) return;
    const fd = socketFd(this.socket);
    if (fd < 0) return;

    const iv = advanceGcmIv(decipher.burrowIV, decipher.burrowPackets ?? 0);
    let receiver: Receiver;
    try {
      receiver = new this.binding.Receiver(fd, decipher.burrowKey, iv, (...args) =>
        this.onBatch(receiver, ...args),
      );
    } catch {
      return;
    }
    // Node stops reading (an `onread` socket's pause() stops the handle) before the binding
    // starts: from here on, only the binding reads.
    this.socket.pause();
    this.seqnoBase = decipher.inSeqno;
    this.receiver = receiver;
    receiver.start();
    for (const request of this.requests.values()) this.register(request);
  }

  private stopReceiver(): void {
    const receiver = this.receiver;
    this.receiver = null;
    for (const request of this.requests.values()) request.registered = false;
    receiver?.dispose();
  }

  private register(request: SinkRequest): void {
    const receiver = this.receiver;
    const fd = socketFd(request.socket);
    if (!receiver || fd < 0 || request.socket.destroyed || request.socket.writableEnded) return;
    const id = request.channel.incoming.id;
    try {
      receiver.addSink(id, fd);
    } catch {
      return;
    }
    request.registered = true;
    this.releaseWhenFlushed(request, receiver);
  }

  /**
   * The binding holds the channel's data until every byte that came through JavaScript before
   * (in the channel's buffer, in the socket's write queue) has reached the socket: a write
   * callback fires only after all earlier writes went out. Bytes the socket does not take on
   * release come back and are written the same way.
   */
  private releaseWhenFlushed(request: SinkRequest, receiver: Receiver): void {
    if (request.settling === receiver) return;
    request.settling = receiver;
    const done = (): void => {
      if (request.settling === receiver) request.settling = null;
    };
    const current = (): boolean =>
      this.receiver === receiver &&
      request.registered &&
      this.requests.get(request.channel.incoming.id) === request &&
      !request.socket.destroyed &&
      !request.socket.writableEnded;
    const settle = (error?: Error | null): void => {
      if (error || !current()) return done();
      const { channel, socket } = request;
      if (channel.readableLength > 0 || socket.writableLength > 0) {
        socket.write(EMPTY, settle);
        return;
      }
      const rest = receiver.releaseSink(channel.incoming.id);
      if (!Buffer.isBuffer(rest)) return done();
      socket.write(rest, (writeError?: Error | null) => {
        // Written by Node, not the binding: counted and given back to the window here.
        if (!writeError) this.consumed(channel.incoming.id, rest.length);
        settle(writeError);
      });
    };
    settle();
  }

  private onBatch(
    receiver: Receiver,
    payloads: (number | Buffer)[] | null,
    reports: number[] | null,
    smallRead: number,
    stop: ReceivePathModule.ReceiveStop | undefined,
  ): void {
    if (receiver !== this.receiver) return;
    // Destroyed by Burrow: the descriptor closes at 'close'; nothing read meanwhile matters.
    if (this.socket.destroyed) {
      this.stopReceiver();
      return;
    }
    const protocol = protocolOf(this.client);
    try {
      if (reports) {
        for (let i = 0; i < reports.length; i += 2) this.consumed(reports[i]!, reports[i + 1]!);
      }
      if (smallRead) this.noteRead(smallRead);
      if (payloads && protocol) {
        for (let i = 0; i < payloads.length; i += 2) {
          const payload = payloads[i + 1] as Buffer;
          // What ssh2's decipher counts before it hands a payload on: a rekey reads it.
          protocol._decipher.inSeqno = (this.seqnoBase + (payloads[i] as number)) >>> 0;
          protocol._decipher._onPayload(payload);
          // Data a full socket did not take: once Node has written it, the sink goes on.
          if (payload[0] === MESSAGE_CHANNEL_DATA) this.afterHandBack(payload.readUInt32BE(1));
        }
      }
    } catch (error) {
      // As ssh2's own socket reader does with a packet it cannot handle.
      this.stopReceiver();
      this.client.emit('error', error);
      this.socket.destroy();
      return;
    }
    if (stop) this.onStop(stop);
  }

  private afterHandBack(id: number): void {
    const request = this.requests.get(id);
    if (request?.registered && this.receiver) this.releaseWhenFlushed(request, this.receiver);
  }

  private consumed(id: number, bytes: number): void {
    const request = this.requests.get(id);
    if (!request) return;
    request.onBytes(bytes);
    const channel = request.channel;
    channel.incoming.window -= bytes;
    // ssh2's own rule: top the window up to 2 MiB once it is down to half.
    if (channel.incoming.window <= WINDOW_THRESHOLD) windowAdjust(channel);
  }

  private onStop(stop: ReceivePathModule.ReceiveStop): void {
    this.stopReceiver();
    if (stop.reason === 'error') {
      this.socket.destroy(new Error(`SSH connection: ${stop.message ?? 'read failed'}`));
      return;
    }
    // A rekey: ssh2 has the new keys now and reads the rest. EOF: Node reads it again.
    if (stop.rest) this.socket.emit('data', stop.rest);
    this.socket.resume();
  }
}

const paths = new WeakMap<Client, ReceivePath>();

/** Sets up the native receive path for a client whose socket is TCP; null where unavailable. */
export function createReceivePath(
  client: Client,
  socket: Socket,
  noteRead: (bytes: number) => void,
): ReceivePath | null {
  const binding = load().binding;
  if (!binding) return null;
  const path = new ReceivePath(client, socket, binding, noteRead);
  paths.set(client, path);
  socket.once('close', () => path.dispose());
  return path;
}

/** The receive path of the connection a channel belongs to, if it has one. */
export function receivePathOf(channel: Duplex): ReceivePath | undefined {
  const client = (channel as Partial<ChannelInternals>)._client;
  return client ? paths.get(client) : undefined;
}
