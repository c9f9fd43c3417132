import type {
  EngineSnapshot,
  LogEntry,
  LogLevel,
  Profile,
  PromptHandler,
  StatusDelta,
} from '../../shared';

export type { LogEntry, LogLevel };

/**
 * The engine's public face: what the CLI, the Electron main process and tests program against.
 * `TunnelManager` implements it; nothing outside electron/engine needs the classes behind it.
 */

export interface Disposable {
  dispose(): void;
}

export interface EngineOptions {
  /** Answers host-key, password, passphrase and keyboard-interactive questions. */
  prompt: PromptHandler;
  /**
   * known_hosts file used for checks; "accept and save" appends to it. Missing file = empty. A
   * function is asked each time a session starts (the path is a setting the user can change).
   */
  knownHostsPath: string | (() => string);
  /** Looks up saved profiles that jump hosts refer to by id. */
  resolveProfile?: (profileId: string) => Profile | undefined;
  /** Coalescing window for status events in ms (default 100: at most ~10 batches a second). */
  statusIntervalMs?: number;
}

export interface TunnelEngine {
  /**
   * Starts a profile: one SSH session for all its enabled forwards. Resolves once the session
   * connected and every forward was attempted, or once the session failed; never rejects for
   * connection problems (those are in the status). Starting a running profile is a no-op.
   * `onlyForwards` starts just those forwards (the user asked for one tunnel, not the profile).
   */
  start(profile: Profile, options?: { onlyForwards?: readonly string[] }): Promise<void>;
  /** Stops the profile; resolves only after every port it held is released. */
  stop(profileId: string): Promise<void>;
  /** Starts or stops one forward of a running profile (also enables it for reconnects). */
  startForward(profileId: string, forwardId: string): Promise<void>;
  stopForward(profileId: string, forwardId: string): Promise<void>;
  /** Applies an edited profile to a running session: added, removed and changed forwards. */
  update(profile: Profile): Promise<void>;
  /**
   * Skips the backoff wait of every reconnecting session (network back). With `evenIfConnected`
   * (waking from a long sleep) connected sessions are renewed too: they are probably dead without
   * knowing it yet. Forwards keep their local ports throughout.
   */
  reconnectNow(options?: { evenIfConnected?: boolean }): void;
  snapshot(): EngineSnapshot;
  onDidChangeStatus(listener: (delta: StatusDelta) => void): Disposable;
  onDidLog(listener: (entry: LogEntry) => void): Disposable;
  /** Stops everything and releases every port. */
  dispose(): Promise<void>;
}
