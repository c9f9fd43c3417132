import { createCipheriv } from 'node:crypto';

/**
 * The throughput payload: one fixed block of random bytes, repeated. Generating or hashing a
 * gigabyte would cost the load generator more CPU than the tunnel it measures (this machine has
 * two cores to share between the tunnel, sshd and us), so the writer only slices this buffer and
 * the reader checks a sample of every chunk against it. The block length is odd, so it never
 * lines up with SSH packet (32 KiB) or socket chunk sizes: a lost, duplicated or reordered chunk
 * shifts every later byte and the next sampled chunk fails the check.
 */
export const PATTERN_LENGTH = 1_048_573;

/** Bytes compared at the start of every received chunk (plus its last byte). */
const SAMPLE = 64;

/** Largest slice one write takes: big enough to amortise calls, small enough for the block. */
export const WRITE_CHUNK = 256 * 1024;

/**
 * The block twice over, so any slice of up to PATTERN_LENGTH bytes is contiguous. Deterministic
 * (AES-CTR of zeros under a fixed key): the writer and the reader are different processes.
 */
const doubled = ((): Buffer => {
  const cipher = createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), Buffer.alloc(16));
  const block = cipher.update(Buffer.alloc(PATTERN_LENGTH));
  return Buffer.concat([block, block]);
})();

/** The bytes at stream positions [pos, pos + len), without copying (len <= PATTERN_LENGTH). */
export function patternSlice(pos: number, len: number): Buffer {
  const off = pos % PATTERN_LENGTH;
  return doubled.subarray(off, off + len);
}

/** Tracks a received stream: byte count and how many chunks failed the sample check. */
export class PatternChecker {
  bytes = 0;
  badChunks = 0;

  /** Checks the chunk that starts at the current stream position, then advances. */
  update(chunk: Buffer): void {
    const len = chunk.length;
    if (len === 0) return;
    const head = Math.min(SAMPLE, len);
    const off = this.bytes % PATTERN_LENGTH;
    const last = (this.bytes + len - 1) % PATTERN_LENGTH;
    if (
      !chunk.subarray(0, head).equals(doubled.subarray(off, off + head)) ||
      chunk[len - 1] !== doubled[last]
    ) {
      this.badChunks += 1;
    }
    this.bytes += len;
  }
}
