import type { Profile } from '../../shared';
import { CliError, EXIT } from './cli-error';

/**
 * The profiles `up` runs: all when nothing is named; else each `--profile` matched by id first
 * (ids are unique), then by name. File order is kept and a profile named twice runs once.
 */
export function selectProfiles(all: readonly Profile[], selectors: readonly string[]): Profile[] {
  if (selectors.length === 0) return [...all];
  const chosen = new Set<Profile>();
  for (const selector of selectors) {
    const byId = all.find((p) => p.id === selector);
    if (byId) {
      chosen.add(byId);
      continue;
    }
    const byName = all.filter((p) => p.name === selector);
    if (byName.length === 1) chosen.add(byName[0]!);
    else if (byName.length > 1) {
      throw new CliError(
        `--profile "${selector}" names ${byName.length} profiles; use one of their ids: ${byName.map((p) => p.id).join(', ')}`,
        EXIT.usage,
      );
    } else {
      throw new CliError(`no profile has the id or name "${selector}"`, EXIT.usage, [
        all.length === 0
          ? 'The file has no profiles.'
          : `Profiles: ${all.map((p) => `${p.name} (id ${p.id})`).join(', ')}`,
      ]);
    }
  }
  return all.filter((p) => chosen.has(p));
}
