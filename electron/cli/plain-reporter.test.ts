import { describe, expect, it } from 'vitest';
import { errorInfo } from '../../shared';
import { PlainReporter } from './plain-reporter';
import { CapturedOutput, forwardStatus, profile, profileStatus } from './test-helpers';

const db = profile({
  id: 'db',
  name: 'Database',
  forwards: [
    { id: 'pg', type: 'local', bindPort: 5432, targetHost: 'db.internal', targetPort: 5432 },
    { id: 'web', type: 'remote', bindHost: '0.0.0.0', bindPort: 8080, targetPort: 3000 },
    { id: 'socks', type: 'dynamic', name: 'proxy', bindHost: '::1', bindPort: 1080 },
  ],
});

function setup() {
  const out = new CapturedOutput();
  const reporter = new PlainReporter(out, new Map([[db.id, db]]), () => 1_000);
  return { out, reporter };
}

describe('PlainReporter', () => {
  it('prints one plain line per state change, no ANSI codes, no counters', () => {
    const { out, reporter } = setup();
    const connected = { state: 'connected' } as const;
    const active = forwardStatus('pg', { state: 'active', bindHost: '127.0.0.1', bindPort: 5432 });
    reporter.update([
      profileStatus('db', { state: 'connecting' }, [forwardStatus('pg', { state: 'starting' })]),
    ]);
    reporter.update([profileStatus('db', connected, [active])]);
    reporter.update([
      profileStatus('db', connected, [
        {
          ...active,
          counters: { activeConnections: 1, totalConnections: 1, bytesIn: 5, bytesOut: 5 },
        },
      ]),
    ]);
    reporter.update([
      profileStatus('db', connected, [
        forwardStatus('web', { state: 'error', error: errorInfo('remote-bind-refused') }),
        forwardStatus('socks', { state: 'active', bindHost: '::1', bindPort: 1080 }),
      ]),
    ]);
    expect(out.lines()).toEqual([
      'Database: connecting',
      'Database: L 127.0.0.1:5432 → db.internal:5432: starting',
      'Database: connected',
      'Database: L 127.0.0.1:5432 → db.internal:5432: active on 127.0.0.1:5432',
      `Database: R 0.0.0.0:8080 → 127.0.0.1:3000: error: ${errorInfo('remote-bind-refused').message} [remote-bind-refused]`,
      'Database: D [::1]:1080 (SOCKS) (proxy): active on [::1]:1080',
    ]);
    expect(out.text).not.toContain('\x1b');
  });

  it('prints session errors, reconnects and per-connection failures with their kind', () => {
    const { out, reporter } = setup();
    const lost = errorInfo('connection-lost');
    reporter.update([
      profileStatus('db', { state: 'reconnecting', attempt: 3, retryAt: 5_000, lastError: lost }),
    ]);
    const active = { state: 'active', bindHost: '127.0.0.1', bindPort: 5432 } as const;
    const refused = { ...errorInfo('open-refused', 'db.internal:5432 was refused.'), at: 1 };
    reporter.update([
      profileStatus('db', { state: 'connected' }, [
        forwardStatus('pg', active, { lastError: refused }),
      ]),
    ]);
    reporter.update([profileStatus('db', { state: 'error', error: errorInfo('auth-failed') })]);
    expect(out.lines()).toEqual([
      `Database: reconnecting, attempt 3 in 4s: ${lost.message} [connection-lost]`,
      'Database: connected',
      'Database: L 127.0.0.1:5432 → db.internal:5432: active on 127.0.0.1:5432',
      `Database: L 127.0.0.1:5432 → db.internal:5432: a connection failed: ${refused.message} [open-refused]`,
      `Database: error: ${errorInfo('auth-failed').message} [auth-failed]`,
    ]);
  });

  it('prints notices as they are and falls back to ids for unknown forwards', () => {
    const { out, reporter } = setup();
    reporter.notice('Added a host key');
    reporter.update([profileStatus('db', { state: 'connected' }, [forwardStatus('gone')])]);
    expect(out.lines()).toEqual([
      'Added a host key',
      'Database: connected',
      'Database: gone: stopped',
    ]);
  });
});
