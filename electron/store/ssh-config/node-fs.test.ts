import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { globPaths, readTextFile } from './node-fs';

describe('globPaths / readTextFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'burrow-glob-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'conf.d'));
  mkdirSync(join(dir, 'sub', 'deep'), { recursive: true });
  for (const name of ['b.conf', 'a.conf', '10.conf', '.hidden.conf', 'c.txt', 'x1.conf']) {
    writeFileSync(join(dir, 'conf.d', name), `# ${name}\n`);
  }
  writeFileSync(join(dir, 'sub', 'deep', 'z.conf'), '');

  it('expands *, ? and [...] in lexical order, skipping dotfiles', () => {
    expect(globPaths(join(dir, 'conf.d', '*.conf'))).toEqual(
      ['10.conf', 'a.conf', 'b.conf', 'x1.conf'].map((n) => join(dir, 'conf.d', n)),
    );
    expect(globPaths(join(dir, 'conf.d', '?.conf'))).toEqual(
      ['a.conf', 'b.conf'].map((n) => join(dir, 'conf.d', n)),
    );
    expect(globPaths(join(dir, 'conf.d', '[!ab]*.conf'))).toEqual(
      ['10.conf', 'x1.conf'].map((n) => join(dir, 'conf.d', n)),
    );
    expect(globPaths(join(dir, 'conf.d', '.*.conf'))).toEqual([
      join(dir, 'conf.d', '.hidden.conf'),
    ]);
    expect(globPaths(join(dir, '*', 'deep', '*.conf'))).toEqual([
      join(dir, 'sub', 'deep', 'z.conf'),
    ]);
    expect(globPaths(join(dir, 'nowhere', '*.conf'))).toEqual([]);
  });

  it('reads files, not directories or missing paths', () => {
    expect(readTextFile(join(dir, 'conf.d', 'a.conf'))).toBe('# a.conf\n');
    expect(readTextFile(join(dir, 'conf.d'))).toBeUndefined();
    expect(readTextFile(join(dir, 'missing'))).toBeUndefined();
  });
});
