import type { Duplex } from 'node:stream';

/** A read at least this large is bulk data: TCP acknowledges it at once without help. */
export const NUDGE_BELOW_BYTES = 16 * 1024;

/**
 * Makes this side's TCP acknowledgement leave at once after a small read from the SSH server
 * that Burrow has nothing to answer: at the end of that event-loop turn, if nothing was written
 * to the server since the read, it sends `sendIgnore` (an empty SSH_MSG_IGNORE, the one message
 * a server neither answers nor acts on). Any packet carries the ACK.
 *
 * Why: OpenSSH's sshd leaves Nagle's algorithm on for sessions without a terminal, which is every
 * tunnel. Under Nagle a small segment waits while an earlier one is unacknowledged, and Linux
 * holds the ACK for a lone small segment up to 40 ms when the reader sends nothing back. So a
 * target's close right after its last bytes (any request, response and close exchange, an HTTP
 * response with `Connection: close`), or a channel confirmation right after another message,
 * reached the client ~40 ms late, with OpenSSH's own client too. Measured in bench/: a
 * connect, echo and close cycle took 44 ms with either client; with this, 1.7 ms.
 *
 * Bulk transfers mostly read more than NUDGE_BELOW_BYTES at a time: ~500 nudges per GiB in the
 * bench, against ~33,000 packets.
 *
 * Every hop gets one (`socket` is then a channel through the hop before): the inner login's
 * IGNORE travels through the jump host and carries that host's ACK on the leg behind it.
 *
 * Returns `noteRead`, for reads that do not pass through 'data' (the native receive path,
 * receive-path.ts): it is what the 'data' listener calls.
 */
export function nudgeAcks(socket: Duplex, sendIgnore: () => void): (bytes: number) => void {
  // Bytes read in the turn being watched; 0 while no turn is.
  let readThisTurn = 0;
  let wroteSinceRead = false;

  const endOfTurn = (): void => {
    if (!wroteSinceRead && readThisTurn < NUDGE_BELOW_BYTES && !socket.destroyed) sendIgnore();
    readThisTurn = 0;
  };
  const noteRead = (bytes: number): void => {
    if (readThisTurn === 0) {
      // A turn that starts with a bulk read needs no nudge: no timer for it (one per read
      // while downloading, ~1.5% of the CPU).
      if (bytes >= NUDGE_BELOW_BYTES) return;
      wroteSinceRead = false;
      setImmediate(endOfTurn);
    }
    readThisTurn += bytes;
  };
  // First in line, so that what the SSH client writes while handling this read counts as an
  // answer that already carries the ACK.
  socket.prependListener('data', (chunk: Buffer) => noteRead(chunk.length));

  const write = socket.write;
  socket.write = function (this: Duplex, ...args: Parameters<Duplex['write']>): boolean {
    wroteSinceRead = true;
    return write.apply(this, args);
  } as Duplex['write'];
  return noteRead;
}
