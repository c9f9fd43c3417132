import { describe, expect, it } from 'vitest';
import { parseForward } from './forwards';

describe('parseForward', () => {
  it.each([
    // [args, expected forward (without type) ]
    [
      ['5432', 'db:5432'],
      { bindHost: '127.0.0.1', bindPort: 5432, targetHost: 'db', targetPort: 5432 },
    ],
    [
      ['10.0.0.1:5432', 'db:5432'],
      { bindHost: '10.0.0.1', bindPort: 5432, targetHost: 'db', targetPort: 5432 },
    ],
    [
      ['[::1]:5432', '[::2]:5432'],
      { bindHost: '::1', bindPort: 5432, targetHost: '::2', targetPort: 5432 },
    ],
    [
      ['[fe80::1%eth0]:80', 'web:80'],
      { bindHost: 'fe80::1%eth0', bindPort: 80, targetHost: 'web', targetPort: 80 },
    ],
    [['*:80', 'web:80'], { bindHost: '0.0.0.0', bindPort: 80, targetHost: 'web', targetPort: 80 }],
    [[':80', 'web:80'], { bindHost: '0.0.0.0', bindPort: 80, targetHost: 'web', targetPort: 80 }],
    [
      ['localhost:80', 'web:80'],
      { bindHost: '127.0.0.1', bindPort: 80, targetHost: 'web', targetPort: 80 },
    ],
    // ssh joins the two arguments with ":" before splitting, so this odd spelling is the same forward.
    [
      ['5432:db', '5432'],
      { bindHost: '127.0.0.1', bindPort: 5432, targetHost: 'db', targetPort: 5432 },
    ],
  ])('LocalForward %j', (args, expected) => {
    expect(parseForward('local', args, false)).toEqual({
      ok: true,
      forward: { type: 'local', ...expected },
    });
  });

  it('GatewayPorts yes opens local and dynamic forwards without an address, not explicit ones', () => {
    expect(parseForward('local', ['80', 'web:80'], true)).toMatchObject({
      forward: { bindHost: '0.0.0.0' },
    });
    expect(parseForward('local', ['127.0.0.1:80', 'web:80'], true)).toMatchObject({
      forward: { bindHost: '127.0.0.1' },
    });
    expect(parseForward('dynamic', ['1080'], true)).toMatchObject({
      forward: { bindHost: '0.0.0.0' },
    });
    expect(parseForward('remote', ['80', 'web:80'], true)).toMatchObject({
      forward: { bindHost: '127.0.0.1' },
    });
  });

  it('reads RemoteForward and DynamicForward', () => {
    expect(parseForward('remote', ['0', 'localhost:22'], false)).toEqual({
      ok: true,
      forward: {
        type: 'remote',
        bindHost: '127.0.0.1',
        bindPort: 0,
        targetHost: 'localhost',
        targetPort: 22,
      },
    });
    expect(parseForward('dynamic', ['[::1]:1080'], false)).toEqual({
      ok: true,
      forward: { type: 'dynamic', bindHost: '::1', bindPort: 1080 },
    });
  });

  it.each([
    ['remote', ['8080'], /remote SOCKS proxy/],
    ['remote', ['0.0.0.0:8080'], /remote SOCKS proxy/],
    ['local', ['/tmp/a.sock', 'db:5432'], /Unix-socket/],
    ['local', ['5432', '/run/pg.sock'], /Unix-socket/],
    ['local', ['[/tmp/x]:1', 'db:1'], /Unix-socket/],
    ['local', ['5432'], /names no destination/],
    ['local', ['0', 'db:1'], /no valid listening port/],
    ['local', ['70000', 'db:1'], /no valid listening port/],
    ['local', ['1', 'db:0'], /no valid destination port/],
    ['local', ['1', ':22'], /no valid destination host/],
    ['local', ['1', 'db:1', 'extra'], /more than two arguments/],
    ['dynamic', ['1080', 'x'], /stray second argument/],
    ['dynamic', ['a:b:c'], /not a valid forwarding specification/],
    ['local', ['[::1', 'db:1'], /not a valid forwarding specification/],
    ['local', [], /names no port/],
  ] as const)('%s %j is refused: %s', (kind, args, reason) => {
    const parsed = parseForward(kind, [...args], false);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });

  it('keeps the old address/port form as TCP, with a note', () => {
    const parsed = parseForward('local', ['::1/8080', '::2/80'], false);
    expect(parsed).toMatchObject({
      ok: true,
      forward: {
        type: 'local',
        bindHost: '::1',
        bindPort: 8080,
        targetHost: '::2',
        targetPort: 80,
      },
      note: expect.stringMatching(/old "address\/port" form/),
    });
  });

  it('takes a backslash-escaped colon literally, as ssh does', () => {
    expect(parseForward('local', ['5432', 'odd\\:name:5432'], false)).toMatchObject({
      ok: true,
      forward: { targetHost: 'odd:name', targetPort: 5432 },
    });
  });
});
