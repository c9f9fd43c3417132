import { afterEach, describe, expect, it, vi } from 'vitest';
import { errorInfo } from '../../shared';
import { JsonReporter } from './json-reporter';
import { StatusDiffer } from './status-events';
import { CapturedOutput, forwardStatus, profileStatus } from './test-helpers';

const names: Record<string, string> = { db: 'Database' };
const nameOf = (id: string) => names[id] ?? id;
const counters = (n: number) => ({
  activeConnections: 1,
  totalConnections: n,
  bytesIn: n * 100,
  bytesOut: n * 10,
});

describe('StatusDiffer', () => {
  it('emits a session line only when the state changes', () => {
    const differ = new StatusDiffer(nameOf);
    expect(differ.apply([profileStatus('db', { state: 'connecting' })], 0)).toEqual([
      { type: 'session', profile: 'Database', profileId: 'db', state: 'connecting' },
    ]);
    expect(differ.apply([profileStatus('db', { state: 'connecting' })], 1)).toEqual([]);
    expect(differ.apply([profileStatus('db', { state: 'connected', cipher: 'x' })], 2)).toEqual([
      { type: 'session', profile: 'Database', profileId: 'db', state: 'connected' },
    ]);
  });

  it('gives error and reconnecting sessions their kind, message, attempt and retryAt', () => {
    const differ = new StatusDiffer(nameOf);
    const lost = errorInfo('connection-lost');
    const events = differ.apply(
      [profileStatus('db', { state: 'reconnecting', attempt: 2, retryAt: 5000, lastError: lost })],
      0,
    );
    expect(events).toEqual([
      {
        type: 'session',
        profile: 'Database',
        profileId: 'db',
        state: 'reconnecting',
        kind: 'connection-lost',
        message: lost.message,
        attempt: 2,
        retryAt: 5000,
      },
    ]);
    const denied = errorInfo('auth-failed', 'Login as alice failed.');
    expect(differ.apply([profileStatus('db', { state: 'error', error: denied })], 1)).toEqual([
      {
        type: 'session',
        profile: 'Database',
        profileId: 'db',
        state: 'error',
        kind: 'auth-failed',
        message: denied.message,
      },
    ]);
  });

  it('emits forward lines on state or bound address changes only', () => {
    const differ = new StatusDiffer(nameOf);
    const connected = { state: 'connected' } as const;
    differ.apply([profileStatus('db', connected, [forwardStatus('pg', { state: 'starting' })])], 0);
    const active = forwardStatus('pg', { state: 'active', bindHost: '127.0.0.1', bindPort: 5432 });
    expect(differ.apply([profileStatus('db', connected, [active])], 1)).toEqual([
      {
        type: 'forward',
        profile: 'Database',
        profileId: 'db',
        forward: 'pg',
        state: 'active',
        bindHost: '127.0.0.1',
        bindPort: 5432,
      },
    ]);
    expect(differ.apply([profileStatus('db', connected, [active])], 2)).toEqual([]);
    const failed = forwardStatus('pg', { state: 'error', error: errorInfo('port-in-use') });
    expect(differ.apply([profileStatus('db', connected, [failed])], 3)).toEqual([
      {
        type: 'forward',
        profile: 'Database',
        profileId: 'db',
        forward: 'pg',
        state: 'error',
        kind: 'port-in-use',
        message: errorInfo('port-in-use').message,
      },
    ]);
  });

  it('emits forward-error when lastError changes, not when it stays or clears', () => {
    const differ = new StatusDiffer(nameOf);
    const connected = { state: 'connected' } as const;
    const active = { state: 'active', bindHost: '127.0.0.1', bindPort: 1 } as const;
    differ.apply([profileStatus('db', connected, [forwardStatus('pg', active)])], 0);
    const refused = { ...errorInfo('open-refused'), at: 10 };
    const withError = forwardStatus('pg', active, { lastError: refused });
    expect(differ.apply([profileStatus('db', connected, [withError])], 1)).toEqual([
      {
        type: 'forward-error',
        profile: 'Database',
        profileId: 'db',
        forward: 'pg',
        kind: 'open-refused',
        message: refused.message,
        at: 10,
      },
    ]);
    expect(differ.apply([profileStatus('db', connected, [withError])], 2)).toEqual([]);
    expect(
      differ.apply([profileStatus('db', connected, [forwardStatus('pg', active)])], 3),
    ).toEqual([]);
    const again = forwardStatus('pg', active, { lastError: { ...refused, at: 20 } });
    expect(differ.apply([profileStatus('db', connected, [again])], 4)).toHaveLength(1);
  });

  it('emits counters at most once a second per forward, and the held-back ones later', () => {
    const differ = new StatusDiffer(nameOf);
    const connected = { state: 'connected' } as const;
    const active = { state: 'active', bindHost: '127.0.0.1', bindPort: 1 } as const;
    const at = (n: number) =>
      profileStatus('db', connected, [forwardStatus('pg', active, { counters: counters(n) })]);
    // Zero counters are the baseline: nothing to say about an unused forward.
    expect(
      differ.apply([profileStatus('db', connected, [forwardStatus('pg', active)])], 0),
    ).toHaveLength(2);
    expect(differ.nextCountersDueAt()).toBeUndefined();

    expect(differ.apply([at(1)], 100)).toEqual([
      {
        type: 'counters',
        profile: 'Database',
        profileId: 'db',
        forward: 'pg',
        activeConnections: 1,
        totalConnections: 1,
        bytesIn: 100,
        bytesOut: 10,
      },
    ]);
    expect(differ.apply([at(2)], 300)).toEqual([]);
    expect(differ.apply([at(3)], 900)).toEqual([]);
    expect(differ.nextCountersDueAt()).toBe(1100);
    expect(differ.flushCounters(1000)).toEqual([]);
    expect(differ.flushCounters(1100)).toMatchObject([{ type: 'counters', totalConnections: 3 }]);
    expect(differ.nextCountersDueAt()).toBeUndefined();
    expect(differ.flushCounters(5000)).toEqual([]);

    differ.apply([at(4)], 1200);
    expect(differ.flushCounters(1201, true)).toMatchObject([{ totalConnections: 4 }]);
  });

  it('keeps profiles apart and forgets removed profiles and forwards', () => {
    const differ = new StatusDiffer(nameOf);
    const connected = { state: 'connected' } as const;
    differ.apply(
      [
        profileStatus('db', connected, [forwardStatus('pg')]),
        profileStatus('web', connected, [forwardStatus('pg')]),
      ],
      0,
    );
    // Forward pg disappears from db (edited away) and comes back: it is new again.
    differ.apply([profileStatus('db', connected, [])], 1);
    expect(
      differ.apply([profileStatus('db', connected, [forwardStatus('pg')])], 2).map((e) => e.type),
    ).toEqual(['forward']);
    differ.remove(['web']);
    expect(
      differ.apply([profileStatus('web', connected, [forwardStatus('pg')])], 3).map((e) => e.type),
    ).toEqual(['session', 'forward']);
  });
});

describe('JsonReporter', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('prints one JSON object per line and flushes held-back counters on its own', () => {
    vi.useFakeTimers({ now: 0 });
    const out = new CapturedOutput();
    const err = new CapturedOutput();
    const reporter = new JsonReporter(out, err, nameOf);
    const connected = { state: 'connected' } as const;
    const active = { state: 'active', bindHost: '127.0.0.1', bindPort: 5432 } as const;
    const at = (n: number) =>
      profileStatus('db', connected, [forwardStatus('pg', active, { counters: counters(n) })]);

    reporter.update([at(1)]);
    vi.advanceTimersByTime(200);
    reporter.update([at(2)]);
    expect(out.json().map((e) => e.type)).toEqual(['session', 'forward', 'counters']);

    vi.advanceTimersByTime(800);
    expect(out.json().at(-1)).toMatchObject({ type: 'counters', totalConnections: 2 });
    expect(out.lines()).toHaveLength(4);

    reporter.notice('for people');
    expect(err.text).toBe('for people\n');
    reporter.update([at(3)]);
    reporter.close();
    expect(out.json().at(-1)).toMatchObject({ type: 'counters', totalConnections: 3 });
    expect(vi.getTimerCount()).toBe(0);
  });
});
