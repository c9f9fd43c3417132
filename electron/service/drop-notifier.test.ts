import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProfileStatus, SessionState } from '../../shared';
import { DropNotifier, type DropNotification } from './drop-notifier';
import { ConnectivityPolicy } from './connectivity';

const up: SessionState = { state: 'connected' };
const down: SessionState = {
  state: 'reconnecting',
  attempt: 1,
  retryAt: 0,
  lastError: { kind: 'connection-lost', message: '' },
};
const at = (sessions: Record<string, SessionState>): ProfileStatus[] =>
  Object.entries(sessions).map(([id, session]) => ({ profileId: id, session, forwards: {} }));

describe('DropNotifier', () => {
  let shown: DropNotification[];
  let enabled: boolean;
  let notifier: DropNotifier;
  beforeEach(() => {
    vi.useFakeTimers();
    shown = [];
    enabled = true;
    notifier = new DropNotifier({
      show: (n) => shown.push(n),
      nameOf: (id) => id.toUpperCase(),
      enabled: () => enabled,
      graceMs: 5000,
      perProfileMs: 60_000,
    });
  });
  afterEach(() => {
    notifier.dispose();
    vi.useRealTimers();
  });

  it('tells a drop that lasts, and that it is back', () => {
    notifier.update(at({ web: up }));
    notifier.update(at({ web: down }));
    vi.advanceTimersByTime(4999);
    expect(shown).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(shown).toEqual([
      { title: 'WEB dropped', body: expect.stringContaining('reconnecting') },
    ]);
    vi.advanceTimersByTime(61_000);
    notifier.update(at({ web: up }));
    expect(shown[1]).toEqual({ title: 'WEB is back', body: 'The tunnel is connected again.' });
  });

  it('says nothing about a blip that heals within the grace period', () => {
    notifier.update(at({ web: up }));
    notifier.update(at({ web: down }));
    vi.advanceTimersByTime(2000);
    notifier.update(at({ web: up }));
    vi.advanceTimersByTime(10_000);
    expect(shown).toEqual([]);
  });

  it('never storms on a flapping link: one per profile per minute', () => {
    notifier.update(at({ web: up }));
    for (let i = 0; i < 30; i++) {
      notifier.update(at({ web: down }));
      vi.advanceTimersByTime(6000);
      notifier.update(at({ web: up }));
      vi.advanceTimersByTime(1000);
    }
    // 30 flaps over 3.5 minutes: a handful of notifications, not 60.
    expect(shown.length).toBeLessThanOrEqual(5);
  });

  it('gives each drop its own grace period, and tells a final error as a stop with its reason', () => {
    notifier.update(at({ a: up, b: up }));
    notifier.update(at({ a: down, b: up }));
    vi.advanceTimersByTime(4900);
    notifier.update(at({ a: down, b: down }));
    vi.advanceTimersByTime(100);
    expect(shown.map((n) => n.title)).toEqual(['A dropped']);
    // b came back within its own 5 s: nothing to say.
    vi.advanceTimersByTime(2000);
    notifier.update(at({ a: down, b: up }));
    vi.advanceTimersByTime(10_000);
    expect(shown.map((n) => n.title)).toEqual(['A dropped']);
    notifier.update(at({ c: up }));
    notifier.update(
      at({ c: { state: 'error', error: { kind: 'auth-failed', message: 'Login to c failed.' } } }),
    );
    vi.advanceTimersByTime(5000);
    expect(shown.at(-1)).toEqual({ title: 'C stopped', body: 'Login to c failed.' });
  });

  it('sums up drops that come together, and stays quiet when notifications are off or a stop was on purpose', () => {
    notifier.update(at({ a: up, b: up, c: up }));
    notifier.update(at({ a: down, b: down, c: { state: 'stopped' } }));
    vi.advanceTimersByTime(5000);
    expect(shown).toEqual([
      { title: '2 tunnels dropped', body: 'A, B lost their connection. Burrow is reconnecting.' },
    ]);
    enabled = false;
    notifier.update(at({ d: up }));
    notifier.update(at({ d: down }));
    vi.advanceTimersByTime(5000);
    expect(shown).toHaveLength(1);
  });
});

describe('ConnectivityPolicy', () => {
  it('skips the backoff on wake, renews connections after a long sleep, and acts when the network returns', () => {
    const calls: unknown[] = [];
    const policy = new ConnectivityPolicy({ reconnectNow: (o) => calls.push(o ?? {}) }, 30_000);
    policy.suspended(1000);
    policy.resumed(5000);
    policy.suspended(10_000);
    policy.resumed(100_000);
    policy.onlineChanged(true);
    policy.onlineChanged(false);
    policy.onlineChanged(false);
    policy.onlineChanged(true);
    expect(calls).toEqual([{ evenIfConnected: false }, { evenIfConnected: true }, {}]);
  });
});
