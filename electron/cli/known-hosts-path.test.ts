import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveKnownHostsPath } from './known-hosts-path';

describe('resolveKnownHostsPath', () => {
  it("defaults to OpenSSH's own file", () => {
    expect(resolveKnownHostsPath(undefined, '/home/a')).toBe(
      join('/home/a', '.ssh', 'known_hosts'),
    );
  });

  it('expands a leading ~ and resolves relative paths', () => {
    expect(resolveKnownHostsPath('~/kh', '/home/a')).toBe(join('/home/a', 'kh'));
    expect(resolveKnownHostsPath('kh', '/home/a')).toBe(resolve('kh'));
    expect(resolveKnownHostsPath('/etc/ssh/ssh_known_hosts', '/home/a')).toBe(
      '/etc/ssh/ssh_known_hosts',
    );
  });
});
