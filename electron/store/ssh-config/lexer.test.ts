import { describe, expect, it } from 'vitest';
import { lexConfig } from './lexer';

describe('lexConfig', () => {
  it('keeps line numbers, lowercases keywords, splits values, drops comments', () => {
    const text = [
      '# comment',
      '',
      'Host a "b c"',
      '  HOSTNAME=example.com  # trailing',
      '\tLocalForward 5432 db:5432',
      '  IdentityFile "~/.ssh/my key"',
      '  Port = 2222',
    ].join('\r\n');
    expect(
      lexConfig(text, 'f').lines.map(({ keyword, name, args, line }) => ({
        keyword,
        name,
        args,
        line,
      })),
    ).toEqual([
      { keyword: 'host', name: 'Host', args: ['a', 'b c'], line: 3 },
      { keyword: 'hostname', name: 'HOSTNAME', args: ['example.com'], line: 4 },
      { keyword: 'localforward', name: 'LocalForward', args: ['5432', 'db:5432'], line: 5 },
      { keyword: 'identityfile', name: 'IdentityFile', args: ['~/.ssh/my key'], line: 6 },
      { keyword: 'port', name: 'Port', args: ['2222'], line: 7 },
    ]);
  });

  it('skips a line it cannot read without losing the others', () => {
    const { lines, problems } = lexConfig('User "open\nPort 22\n', 'f');
    expect(lines.map((l) => l.keyword)).toEqual(['port']);
    expect(problems).toEqual([
      expect.stringMatching(/^line 1: could not be read \(.*\); skipped\.$/),
    ]);
  });

  it('turns a Host line with no pattern into a block that matches nothing', () => {
    const { lines, problems } = lexConfig('Host\nUser x\n', 'f');
    expect(lines.map((l) => [l.keyword, l.args])).toEqual([
      ['host', []],
      ['user', ['x']],
    ]);
    expect(problems).toEqual([
      'line 1: Host names no pattern; it and the block under it were skipped.',
    ]);
  });
});
