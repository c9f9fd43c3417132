import type { Profile } from '../../shared';
import { UsageError } from './cli-error';
import { loadProfilesFromFile } from './load-profiles';

export interface ProfileSource {
  file?: string;
}

/**
 * Where `up` gets its profiles. Only a file today; the app's saved profiles (the store) join here
 * as a second branch, so the rest of the command does not care where profiles come from.
 */
export async function loadProfiles(source: ProfileSource): Promise<Profile[]> {
  if (source.file !== undefined) return loadProfilesFromFile(source.file);
  throw new UsageError(
    '--file is required (reading the app’s saved profiles is not supported yet)',
    'up',
  );
}
