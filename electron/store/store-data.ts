import { ProfileSchema, formatPath, type Profile } from '../../shared';
import { CURRENT_SCHEMA_VERSION, migrateToCurrent, type StoredObject } from './migrations';

/**
 * What opening (or re-reading) the store found, for the UI to tell the user. `migrated` is news,
 * not a problem; the others mean something needs the user's attention.
 */
export type StoreIssue =
  | {
      kind: 'corrupt-file';
      message: string;
      /** Where the unreadable file was copied; absent from a read-only snapshot, which never writes. */
      backupPath?: string;
    }
  | {
      kind: 'invalid-profiles';
      message: string;
      backupPath?: string;
      /** One line per bad field: `profiles[1].forwards[0].bindPort: must be between 0 and 65535`. */
      details: string[];
    }
  | { kind: 'newer-version'; message: string; version: number }
  | {
      kind: 'migrated';
      message: string;
      fromVersion: number;
      toVersion: number;
      backupPath?: string;
    };

/** The result of checking the parsed JSON of a store file; pure, so reads and opens share it. */
export type StoreReading =
  | { state: 'unusable'; reason: string }
  | {
      state: 'newer';
      version: number;
      /** The profiles this Burrow can still read; a newer shape may not validate. */
      profiles: Profile[];
    }
  | {
      state: 'usable';
      /** The whole object at the current version (other top-level keys kept as they were). */
      data: StoredObject;
      profiles: Profile[];
      /** Set when the data was older and has been migrated in memory. */
      migratedFrom?: number;
      /** Profiles that did not validate (left out of `profiles`), by index in the file. */
      invalid: { index: number; name?: string; lines: string[] }[];
    };

export function isStoredObject(value: unknown): value is StoredObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readStoreData(data: unknown): StoreReading {
  if (!isStoredObject(data)) {
    return { state: 'unusable', reason: 'it does not hold a JSON object' };
  }
  const version = storedVersion(data);
  if (typeof version === 'string') return { state: 'unusable', reason: version };
  if (data.profiles !== undefined && !Array.isArray(data.profiles)) {
    return { state: 'unusable', reason: '"profiles" is not a list' };
  }
  if (version > CURRENT_SCHEMA_VERSION) {
    return { state: 'newer', version, profiles: validProfiles(data.profiles).profiles };
  }
  const current = version < CURRENT_SCHEMA_VERSION ? migrateToCurrent(data, version) : data;
  const { profiles, invalid } = validProfiles(current.profiles);
  return {
    state: 'usable',
    data: current,
    profiles,
    invalid,
    ...(version < CURRENT_SCHEMA_VERSION ? { migratedFrom: version } : {}),
  };
}

/** The stored version, or why it is unusable. */
function storedVersion(data: StoredObject): number | string {
  const v = data.schemaVersion;
  if (v === undefined) {
    // A new, empty store (conf writes `{}`), or secrets saved before any profile: current.
    // Profiles without a version can only come from the prototype (see migrations.ts).
    return data.profiles === undefined ? CURRENT_SCHEMA_VERSION : 1;
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    return `"schemaVersion" is ${JSON.stringify(v)}, not a version number`;
  }
  return v;
}

function validProfiles(list: unknown): {
  profiles: Profile[];
  invalid: { index: number; name?: string; lines: string[] }[];
} {
  const profiles: Profile[] = [];
  const invalid: { index: number; name?: string; lines: string[] }[] = [];
  const ids = new Set<string>();
  (Array.isArray(list) ? list : []).forEach((item, index) => {
    const name = isStoredObject(item) && typeof item.name === 'string' ? item.name : undefined;
    const parsed = ProfileSchema.safeParse(item);
    if (!parsed.success) {
      const lines = parsed.error.issues.map(
        (i) => `${formatPath(['profiles', index, ...i.path])}: ${i.message}`,
      );
      invalid.push({ index, name, lines });
    } else if (ids.has(parsed.data.id)) {
      // The first profile with an id keeps it; a second would make every lookup ambiguous.
      const line = `${formatPath(['profiles', index, 'id'])}: duplicates another profile's id "${parsed.data.id}"`;
      invalid.push({ index, name, lines: [line] });
    } else {
      ids.add(parsed.data.id);
      profiles.push(parsed.data);
    }
  });
  return { profiles, invalid };
}

export function newerVersionIssue(file: string, version: number): StoreIssue {
  return {
    kind: 'newer-version',
    version,
    message: `${file} was saved by a newer Burrow (store version ${version}; this one knows up to ${CURRENT_SCHEMA_VERSION}). It is open read-only and left untouched: update Burrow to edit profiles.`,
  };
}

export function invalidProfilesIssue(
  invalid: { index: number; name?: string; lines: string[] }[],
  kept: number,
  backupPath?: string,
): StoreIssue {
  const names = invalid.map((p) => (p.name ? `"${p.name}"` : `#${p.index + 1}`)).join(', ');
  const one = invalid.length === 1;
  const head = one
    ? `1 saved profile is invalid and was not loaded (${names})`
    : `${invalid.length} saved profiles are invalid and were not loaded (${names})`;
  const tail = backupPath
    ? ` The file as it was is kept at ${backupPath}.`
    : ' The file was left as it is.';
  return {
    kind: 'invalid-profiles',
    message: `${head}; ${kept} loaded.${tail}`,
    details: invalid.flatMap((p) => p.lines),
    ...(backupPath ? { backupPath } : {}),
  };
}

export function corruptFileIssue(file: string, reason: string, backupPath?: string): StoreIssue {
  const tail = backupPath
    ? ` It was copied to ${backupPath} and Burrow started with no profiles.`
    : ' Nothing was loaded from it.';
  return {
    kind: 'corrupt-file',
    message: `${file} could not be read: ${reason}.${tail}`,
    ...(backupPath ? { backupPath } : {}),
  };
}

export function migratedIssue(fromVersion: number, backupPath?: string): StoreIssue {
  const tail = backupPath ? ` The previous file is kept at ${backupPath}.` : '';
  return {
    kind: 'migrated',
    fromVersion,
    toVersion: CURRENT_SCHEMA_VERSION,
    message: `Saved profiles were upgraded from store version ${fromVersion} to ${CURRENT_SCHEMA_VERSION}.${tail}`,
    ...(backupPath ? { backupPath } : {}),
  };
}
