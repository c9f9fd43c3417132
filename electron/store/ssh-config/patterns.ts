/**
 * Host pattern matching as OpenSSH does it (match.c `match_pattern`, readconf.c `Host`):
 * `*` is any run of characters, `?` exactly one, everything else literal and case-sensitive.
 * A Host line applies when any pattern matches and no `!negated` pattern does.
 */

const patternCache = new Map<string, RegExp>();

export function matchPattern(text: string, pattern: string): boolean {
  let re = patternCache.get(pattern);
  if (!re) {
    const body = [...pattern]
      .map((ch) => (ch === '*' ? '[\\s\\S]*' : ch === '?' ? '[\\s\\S]' : escapeRegExp(ch)))
      .join('');
    re = new RegExp(`^${body}$`, 'u');
    patternCache.set(pattern, re);
  }
  return re.test(text);
}

export function matchHostPatterns(host: string, patterns: readonly string[]): boolean {
  let matched = false;
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    if (!matchPattern(host, pattern)) continue;
    // A negated match ends the line at once: "regardless of whether any other patterns match".
    if (negated) return false;
    matched = true;
  }
  return matched;
}

/** A pattern that names exactly one host, so it becomes a profile rather than a default. */
export function isConcreteName(pattern: string): boolean {
  return pattern.length > 0 && !pattern.startsWith('!') && !/[*?]/.test(pattern);
}

function escapeRegExp(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
}
