import type {
  ErrorKind,
  ForwardCounters,
  ForwardState,
  ForwardStatus,
  ProfileStatus,
  SessionState,
} from '../../shared';
import { zeroCounters } from '../../shared';

/**
 * The change events every non-table output is made of (`--json` prints them as they are).
 * Derived by diffing the engine's statuses against what was last emitted, so an unchanged
 * entity never prints twice however often the engine repeats its status.
 */

interface ProfileRef {
  /** The profile's name, for people; `profileId` is the stable key. */
  profile: string;
  profileId: string;
}

export interface SessionEvent extends ProfileRef {
  type: 'session';
  state: SessionState['state'];
  /** Present for `error` and `reconnecting` (the error that caused the reconnect). */
  kind?: ErrorKind;
  message?: string;
  /** Present for `reconnecting`: the attempt about to be made and when (epoch ms). */
  attempt?: number;
  retryAt?: number;
}

export interface ForwardEvent extends ProfileRef {
  type: 'forward';
  forward: string;
  state: ForwardState['state'];
  /** Present for `active`: the address actually bound (the real port when 0 was asked). */
  bindHost?: string;
  bindPort?: number;
  /** Present for `error`. */
  kind?: ErrorKind;
  message?: string;
}

/** A connection through a forward failed while the forward kept listening. */
export interface ForwardErrorEvent extends ProfileRef {
  type: 'forward-error';
  forward: string;
  kind: ErrorKind;
  message: string;
  /** When it happened (epoch ms). */
  at: number;
}

export interface CountersEvent extends ProfileRef, ForwardCounters {
  type: 'counters';
  forward: string;
}

export type StatusEvent = SessionEvent | ForwardEvent | ForwardErrorEvent | CountersEvent;

interface ForwardMemo {
  profileId: string;
  forwardId: string;
  stateKey?: string;
  errorKey?: string;
  latest: ForwardCounters;
  emitted: ForwardCounters;
  emittedAt: number;
}

export const COUNTERS_INTERVAL_MS = 1000;

export class StatusDiffer {
  private readonly sessions = new Map<string, string>();
  private readonly forwards = new Map<string, ForwardMemo>();

  constructor(
    private readonly nameOf: (profileId: string) => string,
    private readonly countersIntervalMs = COUNTERS_INTERVAL_MS,
  ) {}

  /** Events for the latest full statuses of some profiles (a snapshot's or a delta's). */
  apply(changed: readonly ProfileStatus[], now: number): StatusEvent[] {
    const events: StatusEvent[] = [];
    for (const status of changed) {
      const ref = { profile: this.nameOf(status.profileId), profileId: status.profileId };
      const session = sessionEvent(ref, status.session);
      const sessionKey = JSON.stringify(session);
      if (this.sessions.get(status.profileId) !== sessionKey) {
        this.sessions.set(status.profileId, sessionKey);
        events.push(session);
      }
      const seen = new Set<string>();
      for (const forward of Object.values(status.forwards)) {
        seen.add(forward.forwardId);
        events.push(...this.forwardEvents(ref, forward, now));
      }
      // A forward removed from a running profile: forget it, so a new one with its id starts fresh.
      for (const [key, memo] of this.forwards) {
        if (memo.profileId === status.profileId && !seen.has(memo.forwardId)) {
          this.forwards.delete(key);
        }
      }
    }
    return events;
  }

  /** Forgets profiles the engine no longer tracks. */
  remove(profileIds: readonly string[]): void {
    for (const id of profileIds) {
      this.sessions.delete(id);
      for (const [key, memo] of this.forwards) {
        if (memo.profileId === id) this.forwards.delete(key);
      }
    }
  }

  /**
   * Counters held back by the once-a-second limit whose time has come; `force` releases all
   * (at exit, so the last totals are printed).
   */
  flushCounters(now: number, force = false): CountersEvent[] {
    const events: CountersEvent[] = [];
    for (const memo of this.forwards.values()) {
      if (!sameCounters(memo.latest, memo.emitted) && (force || this.due(memo, now))) {
        events.push(this.emitCounters(memo, now));
      }
    }
    return events;
  }

  /** When the earliest held-back counters may be printed; undefined when none are waiting. */
  nextCountersDueAt(): number | undefined {
    let next: number | undefined;
    for (const memo of this.forwards.values()) {
      if (sameCounters(memo.latest, memo.emitted)) continue;
      const at = memo.emittedAt + this.countersIntervalMs;
      if (next === undefined || at < next) next = at;
    }
    return next;
  }

  private forwardEvents(ref: ProfileRef, status: ForwardStatus, now: number): StatusEvent[] {
    const events: StatusEvent[] = [];
    const key = `${ref.profileId}\u0000${status.forwardId}`;
    let memo = this.forwards.get(key);
    if (!memo) {
      memo = {
        profileId: ref.profileId,
        forwardId: status.forwardId,
        // Zero is the baseline: a forward nobody used prints no counters line.
        latest: zeroCounters(),
        emitted: zeroCounters(),
        emittedAt: Number.NEGATIVE_INFINITY,
      };
      this.forwards.set(key, memo);
    }
    const forward = forwardEvent(ref, status.forwardId, status.state);
    const stateKey = JSON.stringify(forward);
    if (memo.stateKey !== stateKey) {
      memo.stateKey = stateKey;
      events.push(forward);
    }
    const lastError = status.lastError;
    const errorKey = lastError && JSON.stringify(lastError);
    if (memo.errorKey !== errorKey) {
      memo.errorKey = errorKey;
      if (lastError) {
        events.push({
          type: 'forward-error',
          ...ref,
          forward: status.forwardId,
          kind: lastError.kind,
          message: lastError.message,
          at: lastError.at,
        });
      }
    }
    memo.latest = { ...status.counters };
    if (!sameCounters(memo.latest, memo.emitted) && this.due(memo, now)) {
      events.push(this.emitCounters(memo, now));
    }
    return events;
  }

  private due(memo: ForwardMemo, now: number): boolean {
    return now - memo.emittedAt >= this.countersIntervalMs;
  }

  private emitCounters(memo: ForwardMemo, now: number): CountersEvent {
    memo.emitted = memo.latest;
    memo.emittedAt = now;
    return {
      type: 'counters',
      profile: this.nameOf(memo.profileId),
      profileId: memo.profileId,
      forward: memo.forwardId,
      activeConnections: memo.latest.activeConnections,
      totalConnections: memo.latest.totalConnections,
      bytesIn: memo.latest.bytesIn,
      bytesOut: memo.latest.bytesOut,
    };
  }
}

function sessionEvent(ref: ProfileRef, session: SessionState): SessionEvent {
  switch (session.state) {
    case 'error':
      return {
        type: 'session',
        ...ref,
        state: 'error',
        kind: session.error.kind,
        message: session.error.message,
      };
    case 'reconnecting':
      return {
        type: 'session',
        ...ref,
        state: 'reconnecting',
        kind: session.lastError.kind,
        message: session.lastError.message,
        attempt: session.attempt,
        retryAt: session.retryAt,
      };
    default:
      return { type: 'session', ...ref, state: session.state };
  }
}

function forwardEvent(ref: ProfileRef, forwardId: string, state: ForwardState): ForwardEvent {
  const base = { type: 'forward' as const, ...ref, forward: forwardId };
  switch (state.state) {
    case 'active':
      return { ...base, state: 'active', bindHost: state.bindHost, bindPort: state.bindPort };
    case 'error':
      return { ...base, state: 'error', kind: state.error.kind, message: state.error.message };
    default:
      return { ...base, state: state.state };
  }
}

function sameCounters(a: ForwardCounters, b: ForwardCounters): boolean {
  return (
    a.activeConnections === b.activeConnections &&
    a.totalConnections === b.totalConnections &&
    a.bytesIn === b.bytesIn &&
    a.bytesOut === b.bytesOut
  );
}
