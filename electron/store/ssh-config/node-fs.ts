import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, parse, sep } from 'node:path';

/**
 * The two disk operations the import needs, for real files: read a small text file, and expand
 * an Include glob the way glob(3) does (`*`, `?`, `[...]`; a leading dot is only matched by a
 * pattern that starts with one; results in lexical order).
 */

/** Config files are small; anything bigger is not one. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export function readTextFile(path: string): string | undefined {
  try {
    const stats = statSync(path);
    if (!stats.isFile() || stats.size > MAX_CONFIG_BYTES) return undefined;
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export function globPaths(pattern: string): string[] {
  const { root } = parse(pattern);
  const segments = pattern
    .slice(root.length)
    .split(/[\\/]+/)
    .filter(Boolean);
  let bases = [root || '.'];
  segments.forEach((segment) => {
    const next: string[] = [];
    for (const base of bases) {
      if (!/[*?[]/.test(segment)) {
        next.push(join(base, segment));
        continue;
      }
      const re = segmentRegExp(segment);
      let entries: string[];
      try {
        entries = readdirSync(base);
      } catch {
        continue;
      }
      for (const entry of entries.sort()) {
        if (entry.startsWith('.') && !segment.startsWith('.')) continue;
        if (re.test(entry)) next.push(join(base, entry));
      }
    }
    bases = next;
  });
  return bases.filter((p) => exists(p)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function segmentRegExp(segment: string): RegExp {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i] ?? '';
    if (ch === '*') out += `[^${escapeClass(sep)}/]*`;
    else if (ch === '?') out += `[^${escapeClass(sep)}/]`;
    else if (ch === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close < 0) {
        out += '\\[';
        continue;
      }
      let body = segment.slice(i + 1, close);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      out += `[${body.replace(/\\/g, '\\\\')}]`;
      i = close;
    } else out += ch.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

function escapeClass(ch: string): string {
  return ch === '\\' ? '\\\\' : ch;
}
