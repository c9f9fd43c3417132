import type { ProfileStatus } from '../../shared';

/**
 * Where `up` shows what is going on. One of three: a live table (terminal), plain lines (pipe or
 * file), JSON lines (--json). All are fed the same engine statuses.
 */
export interface StatusReporter {
  /** The latest full status of profiles that changed (from the snapshot or a delta). */
  update(changed: readonly ProfileStatus[], removed?: readonly string[]): void;
  /** A message for the person watching (a host key saved, a debug log line). */
  notice(line: string): void;
  /** A terminal prompt is about to be shown: stop redrawing over it until resume(). */
  pause(): void;
  resume(): void;
  /** Prints what is still held back (the final table, the last counters) and stops timers. */
  close(): void;
}
