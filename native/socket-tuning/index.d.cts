export interface SocketTuningBinding {
  /** Sets TCP_QUICKACK (on by default); false where it cannot (not Linux, not TCP, closed fd). */
  quickAck(fd: number, on?: boolean): boolean;
  /** The kernel's TCP_QUICKACK reading, or null where it cannot be read. */
  quickAckState(fd: number): boolean | null;
}
export declare const binding: SocketTuningBinding | null;
export declare const loadError: unknown;
