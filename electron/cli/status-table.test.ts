import { afterEach, describe, expect, it, vi } from 'vitest';
import { errorInfo } from '../../shared';
import { formatBytes } from './format';
import { LiveReporter } from './live-reporter';
import { renderStatusTable, wrap } from './status-table';
import { CapturedOutput, forwardStatus, profile, profileStatus } from './test-helpers';

const db = profile({
  id: 'db',
  name: 'Database',
  forwards: [
    { id: 'pg', type: 'local', bindPort: 0, targetHost: 'db', targetPort: 5432 },
    { id: 'off', type: 'dynamic', bindPort: 1080, enabled: false },
  ],
});

describe('formatBytes', () => {
  it('reads like a person would say it', () => {
    expect(
      [0, 999, 1024, 1536, 10 * 1024, 5 * 1024 ** 2, 3.2 * 1024 ** 4].map(formatBytes),
    ).toEqual(['0 B', '999 B', '1.0 KiB', '1.5 KiB', '10 KiB', '5.0 MiB', '3.2 TiB']);
  });
});

describe('renderStatusTable', () => {
  it('says "waiting" for what the engine has not reported yet, never a made-up state', () => {
    const lines = renderStatusTable([db], new Map(), Date.now());
    expect(lines[1]).toMatch(/^Database\s+waiting$/);
    expect(lines[2]).toMatch(/L 127\.0\.0\.1:0 → db:5432\s+waiting/);
    expect(lines[3]).toMatch(/disabled/);
    expect(lines.join('\n')).not.toMatch(/stopped/);
  });

  it('shows each profile and forward with state, bound address and counters', () => {
    const statuses = new Map([
      [
        'db',
        profileStatus('db', { state: 'connected' }, [
          forwardStatus(
            'pg',
            { state: 'active', bindHost: '127.0.0.1', bindPort: 40001 },
            {
              counters: {
                activeConnections: 2,
                totalConnections: 14,
                bytesIn: 1_300_000,
                bytesOut: 2048,
              },
            },
          ),
        ]),
      ],
    ]);
    expect(renderStatusTable([db], statuses, 0, 120)).toEqual([
      'PROFILE / FORWARD           STATE     ADDRESS          CONNS  TOTAL       IN      OUT',
      'Database                    connected',
      '  L 127.0.0.1:0 → db:5432   active    127.0.0.1:40001      2     14  1.2 MiB  2.0 KiB',
      '  D 127.0.0.1:1080 (SOCKS)  disabled',
      'Ctrl-C stops every tunnel.',
    ]);
  });

  it('puts errors under their row, with the kind, wrapped to the width', () => {
    const statuses = new Map([
      [
        'db',
        profileStatus(
          'db',
          { state: 'reconnecting', attempt: 2, retryAt: 3_000, lastError: errorInfo('timeout') },
          [forwardStatus('pg', { state: 'error', error: errorInfo('port-in-use') })],
        ),
      ],
    ]);
    const lines = renderStatusTable([db], statuses, 0, 70);
    expect(lines[1]).toBe('Database                    reconnecting (attempt 2, next in 3s)');
    expect(lines.every((l) => l.length <= 69)).toBe(true);
    const text = lines.join('\n');
    expect(text).toContain('  ! The server did not answer in time.');
    expect(text).toMatch(/\[timeout\]/);
    expect(text).toContain('    ! The local port is already in use');
    expect(text).toMatch(/\[port-in-use\]/);
  });

  it('wraps under the first word and never loses text', () => {
    const lines = wrap('  ! one two three four five six seven', 16);
    expect(lines).toEqual(['  ! one two', '    three four', '    five six', '    seven']);
  });
});

describe('LiveReporter', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('draws at once, then redraws in place at most every 250 ms, and not while paused', () => {
    vi.useFakeTimers({ now: 0 });
    const out = new CapturedOutput(true, 100);
    const reporter = new LiveReporter(out, [db]);
    reporter.update([profileStatus('db', { state: 'connecting' })]);
    expect(out.text).toContain('connecting');
    expect(out.text).not.toContain('\x1b[');

    out.text = '';
    reporter.update([profileStatus('db', { state: 'connected' })]);
    expect(out.text).toBe('');
    vi.advanceTimersByTime(250);
    expect(out.text.startsWith('\x1b[5F\x1b[J')).toBe(true);
    expect(out.text).toContain('connected');

    out.text = '';
    vi.advanceTimersByTime(1000);
    expect(out.text).toBe('');

    reporter.pause();
    reporter.update([profileStatus('db', { state: 'error', error: errorInfo('auth-failed') })]);
    vi.advanceTimersByTime(1000);
    expect(out.text).toBe('');
    reporter.resume();
    // After a prompt the table starts afresh below it, without climbing over the prompt.
    expect(out.text.startsWith('PROFILE')).toBe(true);

    out.text = '';
    reporter.notice('Added host key');
    const drawn = 7; // header, profile, its error (two lines at 100 columns), 2 forwards, footer
    expect(out.text.startsWith(`\x1b[${drawn}F\x1b[JAdded host key\nPROFILE`)).toBe(true);
    reporter.close();
    expect(vi.getTimerCount()).toBe(0);
  });
});
