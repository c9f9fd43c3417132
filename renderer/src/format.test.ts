import { describe, expect, it } from 'vitest';
import { connectAddress, formatBytes, formatIn, hostPort } from './format';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.00 KB'],
    [10239, '10.0 KB'],
    [102399, '100 KB'],
    [1048575, '1.00 MB'],
    [5e9, '4.66 GB'],
    [-5, '0 B'],
  ])('%d bytes read as %s', (bytes, text) => expect(formatBytes(bytes)).toBe(text));
});

describe('formatIn', () => {
  it('counts seconds up to two minutes, then whole minutes', () => {
    expect(formatIn(5_000)).toBe('in 5s');
    expect(formatIn(90_000)).toBe('in 90s');
    expect(formatIn(150_000)).toBe('in 2m');
    expect(formatIn(-1)).toBe('in 0s');
  });
});

describe('addresses', () => {
  it('brackets IPv6 once', () => {
    expect(hostPort('::1', 22)).toBe('[::1]:22');
    expect(hostPort('[::1]', 22)).toBe('[::1]:22');
    expect(hostPort('127.0.0.1', 22)).toBe('127.0.0.1:22');
  });

  it('gives a connectable address for wildcard binds', () => {
    expect(connectAddress('local', '0.0.0.0', 5000, 'db.example')).toBe('127.0.0.1:5000');
    expect(connectAddress('dynamic', '::', 1080, 'db.example')).toBe('[::1]:1080');
    expect(connectAddress('remote', '0.0.0.0', 8080, 'db.example')).toBe('db.example:8080');
    expect(connectAddress('local', '192.168.1.5', 5000, 'db.example')).toBe('192.168.1.5:5000');
  });
});
