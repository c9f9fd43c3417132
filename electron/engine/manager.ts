import {
  ProfileSchema,
  describeIssues,
  type Profile,
  type StatusDelta,
  type EngineSnapshot,
} from '../../shared';
import type { Disposable, EngineOptions, LogEntry, LogLevel, TunnelEngine } from './api';
import { EngineError } from './errors';
import { ProfileSession } from './session';
import type { HopSpec } from './ssh-connection';
import { StatusHub } from './status-hub';
import { connectionKey } from './connection-key';
import { tuneRuntimeForTunnels } from './runtime-tuning';

/**
 * The engine: one ProfileSession per running profile, a coalesced status feed and a log feed.
 * It runs in plain Node (the CLI, tests) and in Electron's main process alike.
 */
export class TunnelManager implements TunnelEngine {
  private readonly sessions = new Map<string, ProfileSession>();
  private readonly hub: StatusHub;
  private readonly logListeners = new Set<(entry: LogEntry) => void>();
  private disposed = false;

  constructor(private readonly options: EngineOptions) {
    tuneRuntimeForTunnels();
    this.hub = new StatusHub(options.statusIntervalMs ?? 100);
  }

  start(input: Profile, options: { onlyForwards?: readonly string[] } = {}): Promise<void> {
    return this.launch(input, { replace: false, ...options });
  }

  /** Starts a session for the profile; `replace` swaps out a running one (new route or login). */
  private async launch(
    input: Profile,
    { replace, onlyForwards }: { replace: boolean; onlyForwards?: readonly string[] },
  ): Promise<void> {
    if (this.disposed) return;
    const existing = this.sessions.get(input.id);
    if (existing && !existing.failed && !replace) return;

    const parsed = ProfileSchema.safeParse(input);
    let profile: Profile;
    let hops: HopSpec[];
    try {
      if (!parsed.success)
        throw new EngineError('invalid-config', describeIssues(parsed.error).join('; '));
      profile = parsed.data;
      hops = this.resolveHops(profile);
    } catch (err) {
      const error =
        err instanceof EngineError ? err : new EngineError('invalid-config', String(err));
      if (existing) await this.stop(input.id);
      this.hub.setSession(input.id, { state: 'error', error: error.toInfo() });
      this.emitLog(input.id, 'error', error.message);
      return;
    }

    const session = new ProfileSession(profile, hops, {
      prompt: this.options.prompt,
      knownHostsPath:
        typeof this.options.knownHostsPath === 'function'
          ? this.options.knownHostsPath()
          : this.options.knownHostsPath,
      hub: this.hub,
      log: (profileId, level, message) => this.emitLog(profileId, level, message),
    });
    // Claim the slot before any await, so a second start() finds this session and returns,
    // and a stop() that comes meanwhile stops this one.
    this.sessions.set(profile.id, session);
    if (existing) await existing.stop();
    if (this.sessions.get(profile.id) !== session) return;
    await session.start(onlyForwards ? { onlyForwards } : {});
  }

  async stop(profileId: string): Promise<void> {
    const session = this.sessions.get(profileId);
    this.sessions.delete(profileId);
    if (session) await session.stop();
    else if (this.hub.get(profileId)) this.hub.setSession(profileId, { state: 'stopped' });
    this.hub.flush();
  }

  async startForward(profileId: string, forwardId: string): Promise<void> {
    const session = this.requireSession(profileId);
    // A profile that gave up (a refused login) is tried again as a whole: a forward cannot
    // run without its session.
    if (session.failed) await this.start(session.currentProfile);
    else await session.startForward(forwardId);
  }

  async stopForward(profileId: string, forwardId: string): Promise<void> {
    await this.requireSession(profileId).stopForward(forwardId);
    this.hub.flush();
  }

  async update(input: Profile): Promise<void> {
    const session = this.sessions.get(input.id);
    if (!session) return;
    const parsed = ProfileSchema.safeParse(input);
    if (!parsed.success)
      throw new EngineError('invalid-config', describeIssues(parsed.error).join('; '));
    const profile = parsed.data;
    const before = session.connectionKey;
    if (before !== connectionKey(profile, this.resolveHops(profile))) {
      // Another server, user, login or route: a new session is the only honest way.
      await this.launch(profile, { replace: true });
    } else {
      await session.update(profile);
    }
  }

  reconnectNow(options: { evenIfConnected?: boolean } = {}): void {
    for (const session of this.sessions.values())
      session.reconnectNow(options.evenIfConnected ?? false);
  }

  snapshot(): EngineSnapshot {
    return this.hub.snapshot();
  }

  onDidChangeStatus(listener: (delta: StatusDelta) => void): Disposable {
    return this.hub.onDidChange(listener);
  }

  onDidLog(listener: (entry: LogEntry) => void): Disposable {
    this.logListeners.add(listener);
    return { dispose: () => this.logListeners.delete(listener) };
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await Promise.all([...this.sessions.keys()].map((id) => this.stop(id)));
    this.hub.flush();
    this.hub.dispose();
    this.logListeners.clear();
  }

  private requireSession(profileId: string): ProfileSession {
    const session = this.sessions.get(profileId);
    if (!session) throw new EngineError('invalid-config', `Profile "${profileId}" is not running.`);
    return session;
  }

  /** The route to the server: jump hosts in order (saved profiles looked up), then the server. */
  private resolveHops(profile: Profile): HopSpec[] {
    const hops: HopSpec[] = profile.jumpHosts.map((hop, i) => {
      if (!('profileId' in hop)) return hop;
      const ref = this.options.resolveProfile?.(hop.profileId);
      if (!ref)
        throw new EngineError(
          'invalid-config',
          `Jump host ${i + 1} names profile "${hop.profileId}", which does not exist.`,
        );
      if (ref.jumpHosts.length > 0)
        throw new EngineError(
          'invalid-config',
          `Jump host ${i + 1} ("${ref.name}") has jump hosts of its own; list the whole route in this profile instead.`,
        );
      return { host: ref.host, port: ref.port, username: ref.username, auth: ref.auth };
    });
    hops.push({
      host: profile.host,
      port: profile.port,
      username: profile.username,
      auth: profile.auth,
    });
    return hops;
  }

  private emitLog(profileId: string, level: LogLevel, message: string): void {
    const entry: LogEntry = { at: Date.now(), profileId, level, message };
    for (const listener of this.logListeners) {
      try {
        listener(entry);
      } catch {
        // A faulty listener must not break the engine.
      }
    }
  }
}
