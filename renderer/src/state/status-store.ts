import type {
  EngineSnapshot,
  ForwardState,
  ForwardStatus,
  ProfileStatus,
  SessionState,
  StatusDelta,
} from '../../../shared/status';

/** Seconds of traffic history behind each sparkline. */
export const HISTORY_SECONDS = 60;

/** What a forward row shows: the engine's status plus rates derived from its counters. */
export interface ForwardView {
  status: ForwardStatus;
  /** Bytes per second over the last sample, each way (in = downloaded, out = uploaded). */
  rateIn: number;
  rateOut: number;
  /** Bytes per second (both ways) for each of the last HISTORY_SECONDS samples, oldest first. */
  history: readonly number[];
}

const STOPPED: SessionState = { state: 'stopped' };
const EMPTY_HISTORY: readonly number[] = Object.freeze(new Array<number>(HISTORY_SECONDS).fill(0));

type Listener = () => void;

interface Sample {
  at: number;
  bytesIn: number;
  bytesOut: number;
}

/**
 * The renderer's copy of live tunnel state, kept outside React so that one status batch
 * re-renders only what changed: each profile and each forward has its own listeners, and a view
 * object is replaced only when its content changed (useSyncExternalStore compares references).
 *
 * Rates come from counters sampled once a second by `sample()`, not from status batches: batches
 * stop when traffic stops, and a rate must fall to zero then.
 */
export class StatusStore {
  private readonly profiles = new Map<string, ProfileStatus>();
  private readonly forwards = new Map<string, ForwardView>();
  private readonly samples = new Map<string, Sample>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly anyListeners = new Set<Listener>();

  /** Replaces everything with a full snapshot (the window's first picture, or after a reload). */
  applySnapshot(snapshot: EngineSnapshot, now = Date.now()): void {
    const changed = Object.values(snapshot.profiles);
    const removed = [...this.profiles.keys()].filter((id) => !(id in snapshot.profiles));
    this.applyDelta({ changed, removed }, now);
  }

  applyDelta(delta: StatusDelta, now = Date.now()): void {
    const touched = new Set<string>();
    for (const id of delta.removed) {
      const old = this.profiles.get(id);
      if (!old) continue;
      this.profiles.delete(id);
      touched.add(id);
      for (const forwardId of Object.keys(old.forwards)) this.dropForward(id, forwardId, touched);
    }
    for (const status of delta.changed) {
      const old = this.profiles.get(status.profileId);
      this.profiles.set(status.profileId, status);
      if (!old || !sameSession(old.session, status.session)) touched.add(status.profileId);
      for (const forward of Object.values(status.forwards)) {
        const key = forwardKey(status.profileId, forward.forwardId);
        const view = this.forwards.get(key);
        if (view && sameForward(view.status, forward)) continue;
        this.forwards.set(key, {
          status: forward,
          rateIn: view?.rateIn ?? 0,
          rateOut: view?.rateOut ?? 0,
          history: view?.history ?? EMPTY_HISTORY,
        });
        if (!this.samples.has(key)) this.samples.set(key, sampleOf(forward, now));
        touched.add(key);
        // A forward's state feeds its profile's dot in the sidebar.
        if (!view || view.status.state.state !== forward.state.state) touched.add(status.profileId);
      }
      for (const forwardId of Object.keys(old?.forwards ?? {})) {
        if (!(forwardId in status.forwards)) this.dropForward(status.profileId, forwardId, touched);
      }
    }
    this.notify(touched);
  }

  /**
   * Takes one rate sample per forward (call once a second). Only forwards whose rate or history
   * moved are re-rendered: an idle list of 500 forwards costs nothing.
   */
  sample(now = Date.now()): void {
    const touched = new Set<string>();
    for (const [key, view] of this.forwards) {
      const last = this.samples.get(key);
      const current = sampleOf(view.status, now);
      this.samples.set(key, current);
      if (!last) continue;
      const seconds = Math.max((now - last.at) / 1000, 0.001);
      // Counters restart from zero when a forward restarts; never show a negative rate.
      const rateIn = Math.max(0, current.bytesIn - last.bytesIn) / seconds;
      const rateOut = Math.max(0, current.bytesOut - last.bytesOut) / seconds;
      const total = rateIn + rateOut;
      const idle = total === 0 && view.rateIn === 0 && view.rateOut === 0;
      if (idle && view.history.every((v) => v === 0)) continue;
      this.forwards.set(key, {
        ...view,
        rateIn,
        rateOut,
        history: [...view.history.slice(1 - HISTORY_SECONDS), total],
      });
      touched.add(key);
    }
    this.notify(touched);
  }

  session(profileId: string): SessionState {
    return this.profiles.get(profileId)?.session ?? STOPPED;
  }

  profile(profileId: string): ProfileStatus | undefined {
    return this.profiles.get(profileId);
  }

  forward(profileId: string, forwardId: string): ForwardView | undefined {
    return this.forwards.get(forwardKey(profileId, forwardId));
  }

  /** Listens to one profile's session (and its forwards' states), or to one forward. */
  subscribe(key: string, listener: Listener): () => void {
    let set = this.listeners.get(key);
    if (!set) this.listeners.set(key, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(key);
    };
  }

  subscribeAll = (listener: Listener): (() => void) => {
    this.anyListeners.add(listener);
    return () => this.anyListeners.delete(listener);
  };

  private dropForward(profileId: string, forwardId: string, touched: Set<string>): void {
    const key = forwardKey(profileId, forwardId);
    this.forwards.delete(key);
    this.samples.delete(key);
    touched.add(key);
    // The profile's dot may have been in trouble because of this forward.
    touched.add(profileId);
  }

  private notify(touched: Set<string>): void {
    if (touched.size === 0) return;
    for (const key of touched) this.listeners.get(key)?.forEach((listener) => listener());
    this.anyListeners.forEach((listener) => listener());
  }
}

export function forwardKey(profileId: string, forwardId: string): string {
  return `${profileId}\u0000${forwardId}`;
}

function sampleOf(status: ForwardStatus, at: number): Sample {
  return { at, bytesIn: status.counters.bytesIn, bytesOut: status.counters.bytesOut };
}

function sameSession(a: SessionState, b: SessionState): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Field by field: this runs for every forward in every batch (500 × 10 a second). */
function sameForwardState(a: ForwardState, b: ForwardState): boolean {
  if (a.state !== b.state) return false;
  if (a.state === 'active' && b.state === 'active')
    return a.bindHost === b.bindHost && a.bindPort === b.bindPort;
  if (a.state === 'error' && b.state === 'error')
    return a.error.kind === b.error.kind && a.error.message === b.error.message;
  return true;
}

function sameForward(a: ForwardStatus, b: ForwardStatus): boolean {
  const ca = a.counters;
  const cb = b.counters;
  return (
    ca.activeConnections === cb.activeConnections &&
    ca.totalConnections === cb.totalConnections &&
    ca.bytesIn === cb.bytesIn &&
    ca.bytesOut === cb.bytesOut &&
    sameForwardState(a.state, b.state) &&
    a.lastError?.at === b.lastError?.at &&
    a.lastError?.message === b.lastError?.message
  );
}
