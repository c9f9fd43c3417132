import { join } from 'node:path';
import type { Profile } from '../../shared';
// Modules, not the store's index: the index also loads the writable store and its conf, which
// `up` and `list` never need (see scripts/build-cli.mjs).
import type { StoreIssue } from '../store/store-data';
import { readStoreSnapshot } from '../store/store-file';
import { defaultStoreDir, STORE_FILE_NAME } from '../store/store-path';
import { CliError, EXIT } from './cli-error';
import type { OutputStream } from './io';
import { loadProfilesFromFile } from './load-profiles';

export interface ProfileSource {
  file?: string;
  /** The store's folder; default the app's (or BURROW_STORE_DIR). */
  store?: string;
}

/** The profiles file inside a store folder. */
export function storeFile(store?: string): string {
  return join(store ?? defaultStoreDir(), STORE_FILE_NAME);
}

/**
 * Where `up`, `list` and `export` get their profiles: a profiles file, or else the app's saved
 * profiles. The store is only read, never written or repaired, so a CLI reading while the app
 * runs changes nothing; what the app would repair is reported as a warning.
 */
export async function loadProfiles(
  source: ProfileSource,
  stderr?: OutputStream,
): Promise<Profile[]> {
  if (source.file !== undefined) return loadProfilesFromFile(source.file);
  const file = storeFile(source.store);
  const { profiles, issues } = readStoreSnapshot(file);
  const problems = issues.filter((issue) => issue.kind !== 'migrated');
  if (stderr)
    for (const issue of problems) stderr.write(`burrow: warning: ${describeIssue(issue)}\n`);
  if (
    profiles.length === 0 &&
    problems.some((i) => i.kind === 'corrupt-file' || i.kind === 'newer-version')
  )
    throw new CliError(
      `cannot read the saved profiles in ${file}`,
      EXIT.usage,
      problems.map(describeIssue),
    );
  return profiles;
}

export function describeIssue(issue: StoreIssue): string {
  const details =
    'details' in issue && issue.details.length ? ` (${issue.details.join('; ')})` : '';
  return `${issue.message}${details}`;
}
