import type { ErrorInfo } from './errors';

/**
 * Live state pushed from the engine (DESIGN.md section 3): tagged unions, never log strings.
 * A forward's state is about its listener: `active` means its port is bound right now.
 */

export type SessionState =
  | { state: 'stopped' }
  | { state: 'connecting' }
  | { state: 'connected'; serverVersion?: string; cipher?: string }
  | { state: 'reconnecting'; attempt: number; retryAt: number; lastError: ErrorInfo }
  | { state: 'error'; error: ErrorInfo };

export type ForwardState =
  | { state: 'stopped' }
  | { state: 'starting' }
  | { state: 'active'; bindHost: string; bindPort: number }
  | { state: 'error'; error: ErrorInfo };

export interface ForwardCounters {
  activeConnections: number;
  totalConnections: number;
  /** Bytes that came out of the tunnel to this computer's side (downloaded). */
  bytesIn: number;
  /** Bytes this computer's side sent into the tunnel (uploaded). */
  bytesOut: number;
}

export interface ForwardStatus {
  forwardId: string;
  state: ForwardState;
  counters: ForwardCounters;
  /**
   * The latest per-connection failure (a refused open, an unreachable target) while the forward
   * itself kept listening; cleared when the forward is started again.
   */
  lastError?: ErrorInfo & { at: number };
}

export interface ProfileStatus {
  profileId: string;
  session: SessionState;
  forwards: Record<string, ForwardStatus>;
}

/** The whole picture: what a new listener (a window, the tray, the CLI) starts from. */
export interface EngineSnapshot {
  profiles: Record<string, ProfileStatus>;
  /**
   * The `seq` of the last batch sent before this picture was taken: a listener that subscribed
   * first drops batches up to it (they are older than the picture) and applies later ones.
   */
  seq?: number;
}

/**
 * Coalesced changes: the latest full status of every profile that changed since the last batch
 * (a profile absent here did not change), and ids of profiles no longer tracked.
 */
export interface StatusDelta {
  changed: ProfileStatus[];
  removed: string[];
  /** Counts batches from 1, in the order they are sent. */
  seq?: number;
}

export function zeroCounters(): ForwardCounters {
  return { activeConnections: 0, totalConnections: 0, bytesIn: 0, bytesOut: 0 };
}

export type LogLevel = 'info' | 'warn' | 'error';

/** One line of a profile's log: connection events, errors, reconnects. */
export interface LogEntry {
  at: number;
  profileId: string;
  level: LogLevel;
  message: string;
}
