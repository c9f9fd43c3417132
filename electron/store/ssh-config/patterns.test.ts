import { describe, expect, it } from 'vitest';
import { isConcreteName, matchHostPatterns, matchPattern } from './patterns';

describe('host patterns (ssh_config PATTERNS)', () => {
  it.each([
    ['web1', 'web?', true],
    ['web', 'web?', false], // "?" is exactly one character
    ['web12', 'web?', false],
    ['a.example.com', '*.example.com', true],
    ['example.com', '*.example.com', false],
    ['Web', 'web', false], // case-sensitive, as ssh -G shows
    ['a+b(c)', 'a+b(c)', true], // no regex leaks
    ['x', '*', true],
    ['', '*', true],
  ])('%j against %j: %s', (text, pattern, expected) => {
    expect(matchPattern(text, pattern)).toBe(expected);
  });

  it('needs a positive match and no negated one', () => {
    expect(matchHostPatterns('app', ['*', '!bastion'])).toBe(true);
    expect(matchHostPatterns('bastion', ['*', '!bastion'])).toBe(false);
    expect(matchHostPatterns('bastion', ['!bastion', '*'])).toBe(false);
    expect(matchHostPatterns('other', ['!bastion'])).toBe(false); // a negation alone matches nothing
    expect(matchHostPatterns('x', [])).toBe(false);
  });

  it('tells concrete names from patterns', () => {
    expect(['web', 'db.example.com', '10.0.0.1'].every(isConcreteName)).toBe(true);
    expect(['*', 'web?', '!web', '*.example.com', ''].some(isConcreteName)).toBe(false);
  });
});
