import fs from 'node:fs';
import type { Profile } from '../../shared';
import { backupFile, writeFileAtomic } from './backup';
import { CURRENT_SCHEMA_VERSION } from './migrations';
import { StoreError } from './store-error';
import {
  corruptFileIssue,
  invalidProfilesIssue,
  newerVersionIssue,
  readStoreData,
  type StoreIssue,
} from './store-data';

/** What an empty store looks like on disk. */
export function emptyStoreData(): { schemaVersion: number; profiles: Profile[] } {
  return { schemaVersion: CURRENT_SCHEMA_VERSION, profiles: [] };
}

/**
 * Run before constructing the conf / electron-store backend: both throw on a file that is not
 * JSON (or silently start empty with `clearInvalidConfig`, losing it at the next write). An
 * unreadable file is copied aside as `profiles.json.corrupt-<timestamp>.bak` first, then replaced
 * by an empty store. Everything subtler (old versions, invalid profiles) is left to the
 * repository, which can keep what is still good.
 */
export function prepareStoreFile(file: string, now: () => Date = () => new Date()): StoreIssue[] {
  const text = readText(file);
  if (text === undefined) return [];
  const reason = unusableReason(text);
  if (reason === undefined) return [];
  const backupPath = backupFile(file, 'corrupt', now());
  writeFileAtomic(file, JSON.stringify(emptyStoreData(), undefined, '\t'));
  return [corruptFileIssue(file, reason, backupPath)];
}

export interface StoreSnapshot {
  profiles: Profile[];
  issues: StoreIssue[];
}

/**
 * Reads the store without changing anything: no migration written, no backup, no repair. For the
 * CLI, which may run while the app has the same file open. Older data is migrated in memory only.
 */
export function readStoreSnapshot(file: string): StoreSnapshot {
  const text = readText(file);
  if (text === undefined) return { profiles: [], issues: [] };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { profiles: [], issues: [corruptFileIssue(file, jsonReason(err))] };
  }
  const reading = readStoreData(data);
  switch (reading.state) {
    case 'unusable':
      return { profiles: [], issues: [corruptFileIssue(file, reading.reason)] };
    case 'newer':
      return { profiles: reading.profiles, issues: [newerVersionIssue(file, reading.version)] };
    case 'usable':
      return {
        profiles: reading.profiles,
        issues: reading.invalid.length
          ? [invalidProfilesIssue(reading.invalid, reading.profiles.length)]
          : [],
      };
  }
}

/** The file's text, or undefined when there is no file yet (an empty store). */
function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StoreError('io', `Cannot read ${file}: ${(err as Error).message}`);
  }
}

function unusableReason(text: string): string | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return jsonReason(err);
  }
  const reading = readStoreData(data);
  return reading.state === 'unusable' ? reading.reason : undefined;
}

function jsonReason(err: unknown): string {
  return `it is not valid JSON (${err instanceof Error ? err.message : String(err)})`;
}
