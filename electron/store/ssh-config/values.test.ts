import { describe, expect, it } from 'vitest';
import { parseProxyJump } from './jump';
import { expandEnv, expandTokens, parsePort, parseTime } from './values';

describe('expandTokens', () => {
  it('fills known tokens and %%, refuses unknown ones', () => {
    expect(expandTokens('%%%h-%p', { h: 'host', p: '22' })).toEqual({
      ok: true,
      value: '%host-22',
    });
    expect(expandTokens('%x', {})).toEqual({
      ok: false,
      error: 'uses the token %x, which Burrow cannot fill in',
    });
    expect(expandTokens('50%', {})).toEqual({ ok: false, error: 'ends with a lone "%"' });
  });
});

describe('expandEnv', () => {
  it('replaces ${NAME}, refuses an unset one', () => {
    expect(expandEnv('${A}/x/${A}', { A: 'a' })).toEqual({ ok: true, value: 'a/x/a' });
    expect(expandEnv('${NOPE}', {})).toEqual({
      ok: false,
      error: 'uses ${NOPE}, which is not set',
    });
    expect(expandEnv('$A', { A: 'a' })).toEqual({ ok: true, value: '$A' });
  });
});

describe('parseTime (convtime)', () => {
  it.each([
    ['30', 30],
    ['30s', 30],
    ['2m', 120],
    ['1h30m', 5400],
    ['1W', 604800],
    ['', undefined],
    ['soon', undefined],
    ['-1', undefined],
    ['1.5', undefined],
  ])('%j → %s', (text, seconds) => {
    expect(parseTime(text)).toBe(seconds);
  });
});

describe('parsePort', () => {
  it.each([
    ['22', 22],
    ['0', 0],
    ['65535', 65535],
    ['65536', undefined],
    ['ssh', undefined],
    ['-1', undefined],
  ])('%j → %s', (text, port) => {
    expect(parsePort(text)).toBe(port);
  });
});

describe('parseProxyJump', () => {
  it('reads user@host:port hops, brackets and ssh:// URIs', () => {
    expect(parseProxyJump('a,u@b:2200,[::1]:22,ssh://v@c:23/,x@y@z')).toEqual({
      ok: true,
      hops: [
        { text: 'a', host: 'a' },
        { text: 'u@b:2200', host: 'b', user: 'u', port: 2200 },
        { text: '[::1]:22', host: '::1', port: 22 },
        { text: 'ssh://v@c:23/', host: 'c', user: 'v', port: 23 },
        // ssh splits user from host at the last "@".
        { text: 'x@y@z', host: 'z', user: 'x@y' },
      ],
    });
  });

  it.each(['a,', 'b:port', 'b:0', '@b', '[::1', 'ssh://a/b'])('refuses %j', (value) => {
    expect(parseProxyJump(value).ok).toBe(false);
  });
});
