import { describe, expect, it, vi } from 'vitest';
import type { ForwardStatus, ProfileStatus } from '../../../shared/status';
import { forwardKey, HISTORY_SECONDS, StatusStore } from './status-store';

function forward(id: string, bytesIn = 0, bytesOut = 0, active = 0): ForwardStatus {
  return {
    forwardId: id,
    state: { state: 'active', bindHost: '127.0.0.1', bindPort: 5000 },
    counters: { activeConnections: active, totalConnections: active, bytesIn, bytesOut },
  };
}

function profile(id: string, forwards: ForwardStatus[]): ProfileStatus {
  return {
    profileId: id,
    session: { state: 'connected' },
    forwards: Object.fromEntries(forwards.map((f) => [f.forwardId, f])),
  };
}

describe('StatusStore', () => {
  it('notifies only the forwards whose status changed', () => {
    const store = new StatusStore();
    store.applyDelta({ changed: [profile('p', [forward('a'), forward('b')])], removed: [] });
    const a = vi.fn();
    const b = vi.fn();
    const p = vi.fn();
    store.subscribe(forwardKey('p', 'a'), a);
    store.subscribe(forwardKey('p', 'b'), b);
    store.subscribe('p', p);
    const before = store.forward('p', 'b');
    store.applyDelta({ changed: [profile('p', [forward('a', 10), forward('b')])], removed: [] });
    expect(a).toHaveBeenCalledTimes(1);
    expect(b).not.toHaveBeenCalled();
    // Same content keeps the same object, so React skips the row.
    expect(store.forward('p', 'b')).toBe(before);
    // Counters alone do not touch the profile's dot.
    expect(p).not.toHaveBeenCalled();
  });

  it('derives rates from counters sampled over time, and falls to zero when traffic stops', () => {
    const store = new StatusStore();
    store.applyDelta({ changed: [profile('p', [forward('a')])], removed: [] }, 0);
    store.sample(0);
    store.applyDelta({ changed: [profile('p', [forward('a', 2048, 1024)])], removed: [] }, 500);
    store.sample(1000);
    expect(store.forward('p', 'a')).toMatchObject({ rateIn: 2048, rateOut: 1024 });
    expect(store.forward('p', 'a')?.history.at(-1)).toBe(3072);
    expect(store.forward('p', 'a')?.history).toHaveLength(HISTORY_SECONDS);
    store.sample(2000);
    expect(store.forward('p', 'a')).toMatchObject({ rateIn: 0, rateOut: 0 });
  });

  it('never shows a negative rate when a restarted forward counts from zero again', () => {
    const store = new StatusStore();
    store.applyDelta({ changed: [profile('p', [forward('a', 5000)])], removed: [] }, 0);
    store.sample(0);
    store.applyDelta({ changed: [profile('p', [forward('a', 10)])], removed: [] }, 500);
    store.sample(1000);
    expect(store.forward('p', 'a')?.rateIn).toBe(0);
  });

  it('idle forwards cost nothing per sample', () => {
    const store = new StatusStore();
    store.applyDelta({ changed: [profile('p', [forward('a')])], removed: [] }, 0);
    const listener = vi.fn();
    store.subscribe(forwardKey('p', 'a'), listener);
    store.sample(1000);
    store.sample(2000);
    expect(listener).not.toHaveBeenCalled();
  });

  it('forgets removed profiles and forwards, and a snapshot replaces everything', () => {
    const store = new StatusStore();
    store.applyDelta({ changed: [profile('p', [forward('a'), forward('b')])], removed: [] });
    store.applyDelta({ changed: [profile('p', [forward('a')])], removed: [] });
    expect(store.forward('p', 'b')).toBeUndefined();
    store.applySnapshot({ profiles: { q: profile('q', []) } });
    expect(store.profile('p')).toBeUndefined();
    expect(store.session('p')).toEqual({ state: 'stopped' });
    expect(store.session('q')).toEqual({ state: 'connected' });
  });

  it('tells the profile when a forward changes state (its dot may change)', () => {
    const store = new StatusStore();
    store.applyDelta({ changed: [profile('p', [forward('a')])], removed: [] });
    const p = vi.fn();
    store.subscribe('p', p);
    const failed: ForwardStatus = {
      ...forward('a'),
      state: { state: 'error', error: { kind: 'port-in-use', message: 'busy' } },
    };
    store.applyDelta({ changed: [profile('p', [failed])], removed: [] });
    expect(p).toHaveBeenCalledTimes(1);
  });
});
