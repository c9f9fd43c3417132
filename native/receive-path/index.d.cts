/** Why native delivery stopped: a rekey (the bytes after NEWKEYS are in `rest`), EOF or an error. */
export interface ReceiveStop {
  reason: 'newkeys' | 'eof' | 'error';
  message?: string;
  rest?: Buffer;
}

/**
 * Called after a read when there is something for JavaScript.
 * - `payloads`: [packetsAfter, payload, ...]: decrypted payloads for ssh2, in order, each with
 *   the count of packets this receiver had read after it.
 * - `reports`: [channel, bytes, ...]: bytes written to each sink since the last report.
 * - `smallRead`: the size of a read under 16 KiB (for ACK nudges), else 0.
 * - `stop`: set once, when the receiver stopped reading.
 */
export type OnBatch = (
  payloads: (number | Buffer)[] | null,
  reports: number[] | null,
  smallRead: number,
  stop: ReceiveStop | undefined,
) => void;

export declare class Receiver {
  /** Reads a duplicate of `fd` with the server-to-client AES-GCM key and the next IV. */
  constructor(fd: number, key: Buffer, iv: Buffer, onBatch: OnBatch);
  start(): void;
  /**
   * Data for `channel` goes to `fd` (Node's own descriptor for the socket: remove the sink
   * before Node closes it), held until releaseSink. What a full socket does not take comes back
   * as a CHANNEL_DATA payload, and the sink is held again.
   */
  addSink(channel: number, fd: number): void;
  /**
   * Node has written everything it had for the socket: the held bytes are written now. Returns
   * what the socket did not take (write it, then release again), true when the sink writes
   * directly again, false when there is no such sink.
   */
  releaseSink(channel: number): Buffer | boolean;
  /**
   * The local socket is gone: stop writing to it, drop what is held. Returns the bytes written
   * and not yet reported, or -1 when the channel had no sink.
   */
  removeSink(channel: number): number;
  /** Stops reading and closes every descriptor it duplicated. Calls nothing back. */
  dispose(): void;
}

export interface ReceivePathBinding {
  Receiver: typeof Receiver;
  /** Decrypts `packet` (length, body, tag) in place as a Receiver would; true when it verified. */
  selfTest(key: Buffer, iv: Buffer, packet: Buffer): boolean;
}
export declare const binding: ReceivePathBinding | null;
export declare const loadError: unknown;
