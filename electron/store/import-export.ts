import { isDeepStrictEqual } from 'node:util';
import {
  ProfileFileSchema,
  describeIssues,
  formatPath,
  makeProfileFile,
  type Profile,
  type ProfileFile,
} from '../../shared';
import type { ProfileRepository } from './profile-repository';
import { derivedName, nameKey, slugify, uniqueId } from './profile-names';
import { StoreError, errorWithIssues, fieldIssues } from './store-error';

/**
 * Export and import in the shared versioned file format. Secrets are never in it: they live
 * beside the profiles (see secrets.ts), never inside them, so exporting strips nothing.
 */

/**
 * The chosen profiles (all when `ids` is absent) in the user's order, plus any saved profile
 * they use as a jump host: the file must hold them for the references to mean anything.
 */
export function exportProfiles(repo: ProfileRepository, ids?: readonly string[]): ProfileFile {
  return exportProfileList(repo.list(), ids);
}

/** The same, over a list of profiles (the CLI reads the store without opening it for writes). */
export function exportProfileList(all: readonly Profile[], ids?: readonly string[]): ProfileFile {
  const byId = new Map(all.map((p) => [p.id, p]));
  let chosen = new Set(all.map((p) => p.id));
  if (ids) {
    const missing = ids.filter((id) => !byId.has(id));
    if (missing.length) {
      throw new StoreError(
        'not-found',
        `No saved profile ${missing.map((id) => `"${id}"`).join(', ')}.`,
      );
    }
    chosen = new Set(ids);
    const pending = [...ids];
    while (pending.length) {
      for (const hop of byId.get(pending.pop() as string)?.jumpHosts ?? []) {
        if ('profileId' in hop && byId.has(hop.profileId) && !chosen.has(hop.profileId)) {
          chosen.add(hop.profileId);
          pending.push(hop.profileId);
        }
      }
    }
  }
  const file = makeProfileFile(all.filter((p) => chosen.has(p.id)));
  const checked = ProfileFileSchema.safeParse(file);
  if (!checked.success) {
    throw errorWithIssues(
      'invalid-config',
      'These profiles cannot be exported as they are:',
      fieldIssues(checked.error),
    );
  }
  return checked.data;
}

/**
 * - `add`: new id and a name not in use.
 * - `identical`: already saved exactly like this.
 * - `replace`: a saved profile has this id but different settings.
 * - `name-conflict`: a different saved profile (`existingId`) already has this name.
 */
export type ImportAction = 'add' | 'replace' | 'identical' | 'name-conflict';

export interface ImportItem {
  profile: Profile;
  action: ImportAction;
  existingId?: string;
}

export type ImportPreview = { ok: true; items: ImportItem[] } | { ok: false; errors: string[] };

/**
 * - `add`: save it as it is (an error for a taken id or name).
 * - `replace`: overwrite the saved profile with the same id, or for a name conflict the one with
 *   the same name (which keeps its id, so whatever refers to it still does).
 * - `skip`: keep what is saved; references in the file to a skipped name-conflict go to the
 *   saved profile of that name.
 * - `keep-both`: save a copy with a new id and an "(imported)" name.
 */
export type ImportChoice = 'add' | 'replace' | 'skip' | 'keep-both';

const CHOICES: readonly ImportChoice[] = ['add', 'replace', 'skip', 'keep-both'];

/** What happens to an item without a choice: only plain additions go ahead unasked. */
export function defaultImportChoice(action: ImportAction): ImportChoice {
  return action === 'add' ? 'add' : 'skip';
}

/** Parses and checks a file and says what importing it would do. Changes nothing. */
export function previewImport(repo: ProfileRepository, text: string): ImportPreview {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return {
      ok: false,
      errors: [`${formatPath([])}: is not valid JSON (${(err as Error).message})`],
    };
  }
  const parsed = ProfileFileSchema.safeParse(data);
  if (!parsed.success) return { ok: false, errors: describeIssues(parsed.error) };
  const saved = repo.list();
  const byId = new Map(saved.map((p) => [p.id, p]));
  const items = parsed.data.profiles.map((profile): ImportItem => {
    const sameId = byId.get(profile.id);
    if (sameId) {
      const action = isDeepStrictEqual(sameId, profile) ? 'identical' : 'replace';
      return { profile, action, existingId: sameId.id };
    }
    const sameName = saved.find((p) => nameKey(p.name) === nameKey(profile.name));
    if (sameName) return { profile, action: 'name-conflict', existingId: sameName.id };
    return { profile, action: 'add' };
  });
  return { ok: true, items };
}

export interface ImportResult {
  /** Ids as saved (a kept-both copy has its new id). */
  added: string[];
  replaced: string[];
  skipped: string[];
}

/**
 * Applies a preview with the user's choice per imported profile id (missing: see
 * `defaultImportChoice`). All or nothing: the complete new list is checked first, and if
 * anything is wrong nothing is written and the StoreError lists every problem by file position.
 * Decisions are made against the store as it is now, not as it was when the preview was made.
 */
export function applyImport(
  repo: ProfileRepository,
  preview: ImportPreview,
  choices: Readonly<Record<string, ImportChoice>> = {},
): ImportResult {
  if (!preview.ok) {
    throw new StoreError(
      'invalid-config',
      `The file cannot be imported: ${preview.errors.join('; ')}`,
      preview.errors.map((line) => splitLine(line)),
    );
  }
  const fileIds = new Set(preview.items.map((i) => i.profile.id));
  const strange = Object.entries(choices).filter(
    ([id, choice]) => !fileIds.has(id) || !CHOICES.includes(choice),
  );
  if (strange.length) {
    throw new StoreError(
      'invalid-config',
      `Import choices must name profiles in the file and be one of ${CHOICES.join(', ')}: ${strange.map(([id, c]) => `${id}=${String(c)}`).join(', ')}.`,
    );
  }

  const saved = repo.list();
  const next: Profile[] = [...saved];
  // File ids count as taken too, so a kept-both copy never takes an id a later item needs.
  const takenIds = new Set([...saved.map((p) => p.id), ...fileIds]);
  const takenNames = new Set(saved.map((p) => nameKey(p.name)));
  /** Imported id → id it is saved under, for jump host references inside the file. */
  const idMap = new Map<string, string>();
  /** Position in `next` of each profile this import wrote → its index in the file. */
  const fromFile = new Map<string, number>();
  const result: ImportResult = { added: [], replaced: [], skipped: [] };

  preview.items.forEach((item, fileIndex) => {
    const imported = structuredClone(item.profile);
    const choice = choices[imported.id] ?? defaultImportChoice(item.action);
    const sameIdAt = next.findIndex((p) => p.id === imported.id);
    const sameName = saved.find((p) => nameKey(p.name) === nameKey(imported.name));
    const refuse = (message: string): never => {
      throw errorWithIssues('conflict', 'Nothing was imported:', [
        { path: formatPath(['profiles', fileIndex]), message },
      ]);
    };
    const put = (profile: Profile, at: number): void => {
      if (at === -1) next.push(profile);
      else if (fromFile.has(profile.id)) {
        refuse(`would replace "${profile.name}", which another profile in the file replaces`);
      } else next[at] = profile;
      fromFile.set(profile.id, fileIndex);
    };

    if (choice === 'keep-both') {
      const name = derivedName(imported.name, 'imported', takenNames);
      const id = uniqueId(slugify(name, 'profile'), takenIds);
      takenIds.add(id);
      takenNames.add(nameKey(name));
      idMap.set(imported.id, id);
      put({ ...imported, id, name }, -1);
      result.added.push(id);
    } else if (
      choice === 'skip' ||
      (sameIdAt !== -1 && isDeepStrictEqual(next[sameIdAt], imported))
    ) {
      if (sameIdAt === -1 && sameName) idMap.set(imported.id, sameName.id);
      result.skipped.push(imported.id);
    } else if (choice === 'replace' && sameIdAt !== -1) {
      put(imported, sameIdAt);
      result.replaced.push(imported.id);
    } else if (choice === 'replace' && sameName) {
      // Take over the saved profile of that name, under its id: references to it stay valid.
      idMap.set(imported.id, sameName.id);
      put(
        { ...imported, id: sameName.id },
        next.findIndex((p) => p.id === sameName.id),
      );
      result.replaced.push(sameName.id);
    } else {
      // `add`, or `replace` with nothing to replace. A taken name is reported by saveAll.
      if (sameIdAt !== -1) {
        refuse(`"${imported.id}" is already saved; choose replace, keep-both or skip`);
      }
      takenNames.add(nameKey(imported.name));
      put(imported, -1);
      result.added.push(imported.id);
    }
  });

  // References inside the file follow the profiles they name to the ids they were saved under.
  for (const profile of next) {
    if (!fromFile.has(profile.id)) continue;
    profile.jumpHosts = profile.jumpHosts.map((hop) =>
      'profileId' in hop ? { profileId: idMap.get(hop.profileId) ?? hop.profileId } : hop,
    );
  }

  repo.saveAll(next, {
    pathOf: (index) => {
      const profile = next[index];
      const fileIndex = profile && fromFile.get(profile.id);
      return fileIndex === undefined
        ? [`saved profile "${profile?.name}"`]
        : ['profiles', fileIndex];
    },
  });
  return result;
}

function splitLine(line: string): { path: string; message: string } {
  const at = line.indexOf(': ');
  return at === -1
    ? { path: formatPath([]), message: line }
    : { path: line.slice(0, at), message: line.slice(at + 2) };
}
