import {
  zeroCounters,
  type EngineSnapshot,
  type ErrorInfo,
  type ForwardCounters,
  type ForwardState,
  type ProfileStatus,
  type SessionState,
  type StatusDelta,
} from '../../shared';
import type { Disposable } from './api';

/**
 * Owns the live status of every tracked profile and tells listeners what changed, coalesced:
 * the first change after a quiet spell goes out on the next tick; later ones wait until the
 * interval has passed since the last batch. Byte counters are bumped in place on the hot path
 * (one number and one Set lookup per chunk), never turned into a message per chunk.
 */
export class StatusHub {
  private readonly profiles = new Map<string, ProfileStatus>();
  private readonly dirty = new Set<string>();
  private readonly removed = new Set<string>();
  private readonly listeners = new Set<(delta: StatusDelta) => void>();
  private timer: NodeJS.Timeout | undefined;
  private lastFlush = 0;

  constructor(private readonly intervalMs = 100) {}

  track(profileId: string): ProfileStatus {
    let status = this.profiles.get(profileId);
    if (!status) {
      status = { profileId, session: { state: 'stopped' }, forwards: {} };
      this.profiles.set(profileId, status);
      this.removed.delete(profileId);
      this.touch(profileId);
    }
    return status;
  }

  untrack(profileId: string): void {
    if (!this.profiles.delete(profileId)) return;
    this.dirty.delete(profileId);
    this.removed.add(profileId);
    this.schedule();
  }

  get(profileId: string): ProfileStatus | undefined {
    return this.profiles.get(profileId);
  }

  setSession(profileId: string, session: SessionState): void {
    this.track(profileId).session = session;
    this.touch(profileId);
  }

  /** Returns the forward's counters object, which the forward then updates in place. */
  trackForward(profileId: string, forwardId: string): ForwardCounters {
    const status = this.track(profileId);
    let forward = status.forwards[forwardId];
    if (!forward) {
      forward = { forwardId, state: { state: 'stopped' }, counters: zeroCounters() };
      status.forwards[forwardId] = forward;
      this.touch(profileId);
    }
    return forward.counters;
  }

  setForward(profileId: string, forwardId: string, state: ForwardState): void {
    this.trackForward(profileId, forwardId);
    const forward = this.profiles.get(profileId)!.forwards[forwardId]!;
    forward.state = state;
    if (state.state === 'starting') delete forward.lastError;
    this.touch(profileId);
  }

  setForwardError(profileId: string, forwardId: string, error: ErrorInfo): void {
    this.trackForward(profileId, forwardId);
    this.profiles.get(profileId)!.forwards[forwardId]!.lastError = { ...error, at: Date.now() };
    this.touch(profileId);
  }

  untrackForward(profileId: string, forwardId: string): void {
    const status = this.profiles.get(profileId);
    if (status && forwardId in status.forwards) {
      delete status.forwards[forwardId];
      this.touch(profileId);
    }
  }

  /** Marks a profile changed (counters moved); cheap enough to call per chunk. */
  touch(profileId: string): void {
    if (this.dirty.has(profileId)) return;
    this.dirty.add(profileId);
    this.schedule();
  }

  /** Batches sent so far (see StatusDelta.seq). */
  private seq = 0;

  snapshot(): EngineSnapshot {
    const profiles: EngineSnapshot['profiles'] = {};
    for (const [id, status] of this.profiles) profiles[id] = structuredClone(status);
    return { profiles, seq: this.seq };
  }

  onDidChange(listener: (delta: StatusDelta) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Sends whatever is pending now (used before resolving stop(), so listeners see the end). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.dirty.size === 0 && this.removed.size === 0) return;
    this.lastFlush = Date.now();
    const delta: StatusDelta = {
      changed: [...this.dirty].flatMap((id) => {
        const status = this.profiles.get(id);
        return status ? [structuredClone(status)] : [];
      }),
      removed: [...this.removed],
      seq: ++this.seq,
    };
    this.dirty.clear();
    this.removed.clear();
    for (const listener of this.listeners) {
      try {
        listener(delta);
      } catch {
        // A faulty listener must not stop the others or the engine.
      }
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastFlush + this.intervalMs - Date.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }
}
