import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error';
import { selectProfiles } from './select-profiles';
import { profile } from './test-helpers';

const db = profile({ id: 'db', name: 'Database' });
const web = profile({ id: 'web', name: 'Web' });
const twinA = profile({ id: 'twin-a', name: 'Twin' });
const twinB = profile({ id: 'twin-b', name: 'Twin' });
const all = [db, web, twinA, twinB];

describe('selectProfiles', () => {
  it('runs every profile when none is named', () => {
    expect(selectProfiles(all, [])).toEqual(all);
  });

  it('matches ids and names, keeps file order, and runs a profile named twice once', () => {
    expect(selectProfiles(all, ['Web', 'db', 'web']).map((p) => p.id)).toEqual(['db', 'web']);
  });

  it('prefers an id over a name', () => {
    const odd = profile({ id: 'Web', name: 'Something' });
    expect(selectProfiles([web, odd], ['Web'])).toEqual([odd]);
  });

  it('refuses an unknown profile with exit 2 and lists what exists', () => {
    const err = (() => {
      try {
        selectProfiles(all, ['db', 'nope']);
      } catch (e) {
        return e as CliError;
      }
    })();
    expect(err).toBeInstanceOf(CliError);
    expect(err?.exitCode).toBe(2);
    expect(err?.message).toBe('no profile has the id or name "nope"');
    expect(err?.details.join('\n')).toContain('Database (id db)');
  });

  it('refuses a name shared by several profiles and asks for an id', () => {
    expect(() => selectProfiles(all, ['Twin'])).toThrow(/names 2 profiles.*twin-a, twin-b/);
  });
});
