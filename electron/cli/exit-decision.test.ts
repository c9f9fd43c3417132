import { describe, expect, it } from 'vitest';
import { errorInfo, type EngineSnapshot, type SessionState } from '../../shared';
import { decideExit } from './exit-decision';
import { profile, profileStatus } from './test-helpers';

const a = profile({ id: 'a' });
const b = profile({ id: 'b' });
const noRetry = profile({ id: 'n', reconnect: { enabled: false } });

function snapshot(sessions: Record<string, SessionState>): EngineSnapshot {
  return {
    profiles: Object.fromEntries(
      Object.entries(sessions).map(([id, s]) => [id, profileStatus(id, s)]),
    ),
  };
}

const fatal = { state: 'error', error: errorInfo('auth-failed') } as const;
const lost = { state: 'error', error: errorInfo('connection-lost') } as const;
const reconnecting = {
  state: 'reconnecting',
  attempt: 1,
  retryAt: 0,
  lastError: errorInfo('timeout'),
} as const;

describe('decideExit', () => {
  it('keeps running while any profile can still run', () => {
    expect(decideExit([a, b], snapshot({ a: fatal, b: { state: 'connected' } }))).toBeUndefined();
    expect(decideExit([a, b], snapshot({ a: fatal, b: reconnecting }))).toBeUndefined();
    expect(decideExit([a, b], snapshot({ a: fatal, b: { state: 'connecting' } }))).toBeUndefined();
  });

  it('exits 1 once every profile stopped and one failed fatally', () => {
    const decision = decideExit([a, b], snapshot({ a: fatal, b: { state: 'stopped' } }));
    expect(decision?.code).toBe(1);
    expect(decision?.failures).toEqual([{ profile: a, error: fatal.error }]);
    expect(decideExit([a, b], snapshot({ a: fatal, b: fatal }))?.failures).toHaveLength(2);
  });

  it('counts a non-fatal error as final only when the profile does not reconnect', () => {
    expect(decideExit([a], snapshot({ a: lost }))).toBeUndefined();
    expect(decideExit([noRetry], snapshot({ n: lost }))?.code).toBe(1);
  });

  it('counts a start that threw as a failure', () => {
    const decision = decideExit([a], snapshot({}), new Map([['a', 'boom']]));
    expect(decision).toEqual({ code: 1, failures: [{ profile: a, error: { message: 'boom' } }] });
  });

  it('does not quit when everything is merely stopped', () => {
    expect(decideExit([a, b], snapshot({}))).toBeUndefined();
  });
});
