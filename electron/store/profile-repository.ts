import { isDeepStrictEqual } from 'node:util';
import type { z } from 'zod';
import {
  ForwardSchema,
  ProfileSchema,
  formatPath,
  type Forward,
  type Profile,
  type ProfileInput,
} from '../../shared';
import { backupFile } from './backup';
import type { KeyValueStore } from './key-value-store';
import { CURRENT_SCHEMA_VERSION } from './migrations';
import { derivedName, nameKey, slugify, uniqueId } from './profile-names';
import type { SecretStore } from './secrets';
import { emptyStoreData } from './store-file';
import {
  corruptFileIssue,
  invalidProfilesIssue,
  migratedIssue,
  newerVersionIssue,
  readStoreData,
  type StoreIssue,
} from './store-data';
import { StoreError, errorWithIssues, fieldIssues, type FieldIssue } from './store-error';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export type ForwardInput = z.input<typeof ForwardSchema>;
/** A forward as the UI or a file gives it: the id is made up when missing. */
export type ForwardDraft = DistributiveOmit<ForwardInput, 'id'> & { id?: string };
/** A profile as the UI gives it: ids (its own, its forwards') are made up when missing. */
export type ProfileDraft = Omit<ProfileInput, 'id' | 'forwards'> & {
  id?: string;
  forwards?: ForwardDraft[];
};
/** An edited profile: the whole profile (not a patch), naming the one it replaces by id. */
export type ProfileUpdate = ProfileDraft & { id: string };

export interface ProfileRepositoryOptions {
  /** Deleting a profile deletes its secrets here. */
  secrets?: SecretStore;
  /** Issues found before the backend existed (`prepareStoreFile`), reported with the rest. */
  openIssues?: readonly StoreIssue[];
  /** Clock for backup names; tests pin it. */
  now?: () => Date;
}

export interface SaveAllOptions {
  /** Where problems with `inputs[i]` are reported; default `profiles[i]`. */
  pathOf?: (index: number) => PropertyKey[];
}

/** Keys the repository owns in the store; anything else there (secrets) is left alone. */
const VERSION_KEY = 'schemaVersion';
const PROFILES_KEY = 'profiles';

/**
 * The saved profiles, over conf / electron-store. Every read re-reads and validates the file
 * (conf does not cache either), so another process's writes are seen and nothing invalid reaches
 * a caller; every write validates the whole result and replaces the file atomically.
 *
 * Opening migrates older data and sets invalid profiles aside, each time after copying the file
 * as it was next to it; `loadIssues()` tells what happened. A file from a newer Burrow is
 * never written: every change throws StoreError `conflict`.
 */
export class ProfileRepository {
  readonly path: string;
  readonly secrets: SecretStore | undefined;
  readonly #kv: KeyValueStore;
  readonly #now: () => Date;
  readonly #issues: StoreIssue[];
  #readOnly = false;
  readonly #listeners = new Set<() => void>();
  #unsubscribe: (() => void) | undefined;

  constructor(kv: KeyValueStore, options: ProfileRepositoryOptions = {}) {
    this.#kv = kv;
    this.path = kv.path;
    this.secrets = options.secrets;
    this.#now = options.now ?? (() => new Date());
    this.#issues = [...(options.openIssues ?? [])];
    this.#load();
  }

  /** What opening the store found (and any repair made since): for the UI to tell the user. */
  loadIssues(): StoreIssue[] {
    return this.#issues.map((issue) => structuredClone(issue));
  }

  /** The key-value store underneath, for the app's other keys (settings) in the same file. */
  get backend(): KeyValueStore {
    return this.#kv;
  }

  /** True while the file comes from a newer Burrow: reads work, changes throw `conflict`. */
  get readOnly(): boolean {
    return this.#readOnly;
  }

  /** All profiles, in the user's order. */
  list(): Profile[] {
    return this.#load();
  }

  get(id: string): Profile | undefined {
    return this.#load().find((p) => p.id === id);
  }

  /** Adds a profile at the end. Its id is made from the name when missing; names are unique. */
  create(input: ProfileDraft): Profile {
    const profiles = this.#loadForWrite();
    const id =
      input.id ?? uniqueId(slugify(input.name, 'profile'), new Set(profiles.map((p) => p.id)));
    const profile = parseProfile({ ...input, id, forwards: withForwardIds(input.forwards) });
    this.#commit([...profiles, profile], [profile]);
    return profile;
  }

  /** Replaces the profile with the same id, keeping its place in the list. */
  update(input: ProfileUpdate): Profile {
    const profiles = this.#loadForWrite();
    const index = indexOfProfile(profiles, input.id);
    const profile = parseProfile({ ...input, forwards: withForwardIds(input.forwards) });
    this.#commit(replaceAt(profiles, index, profile), [profile]);
    return profile;
  }

  /** A copy right after the original: new id, name "X (copy)", forwards (and their ids) kept. */
  duplicate(id: string): Profile {
    const profiles = this.#loadForWrite();
    const index = indexOfProfile(profiles, id);
    const original = profiles[index] as Profile;
    const name = derivedName(original.name, 'copy', new Set(profiles.map((p) => nameKey(p.name))));
    const newId = uniqueId(slugify(name, 'profile'), new Set(profiles.map((p) => p.id)));
    const copy = parseProfile({ ...structuredClone(original), id: newId, name });
    this.#commit([...profiles.slice(0, index + 1), copy, ...profiles.slice(index + 1)], [copy]);
    return copy;
  }

  /**
   * Deletes the profile and its saved secrets. Refused while other profiles use it as a jump
   * host: quietly editing those would change where they connect.
   */
  delete(id: string): void {
    const profiles = this.#loadForWrite();
    const index = indexOfProfile(profiles, id);
    const users = profiles.filter((p) =>
      p.jumpHosts.some((hop) => 'profileId' in hop && hop.profileId === id),
    );
    if (users.length > 0) {
      const names = users.map((p) => `"${p.name}"`).join(', ');
      throw new StoreError(
        'conflict',
        `"${profiles[index]?.name}" is a jump host of ${names}; remove it from their jump hosts first.`,
      );
    }
    this.#write(profiles.filter((p) => p.id !== id));
    this.secrets?.deleteProfile(id);
  }

  /** Puts the profiles in this order; `ids` must name every profile exactly once. */
  reorder(ids: readonly string[]): void {
    const profiles = this.#loadForWrite();
    const byId = new Map(profiles.map((p) => [p.id, p]));
    assertPermutation(ids, [...byId.keys()], 'profiles');
    this.#write(ids.map((id) => byId.get(id) as Profile));
  }

  /** Adds a forward at the end of the profile's list; its id is made up when missing. */
  addForward(profileId: string, forward: ForwardDraft): Forward {
    return this.#editForwards(profileId, (forwards) => {
      const id = forward.id ?? newForwardId(forward, new Set(forwards.map((f) => f.id)));
      const parsed = parseForward({ ...forward, id });
      return { forwards: [...forwards, parsed], result: parsed, index: forwards.length };
    });
  }

  /** Replaces the forward with the same id, keeping its place. */
  updateForward(profileId: string, forward: ForwardInput): Forward {
    return this.#editForwards(profileId, (forwards) => {
      const index = forwards.findIndex((f) => f.id === forward.id);
      if (index === -1) {
        throw new StoreError('not-found', `This profile has no forward "${String(forward.id)}".`);
      }
      const parsed = parseForward(forward);
      return { forwards: replaceAt(forwards, index, parsed), result: parsed, index };
    });
  }

  deleteForward(profileId: string, forwardId: string): void {
    this.#editForwards(profileId, (forwards) => {
      if (!forwards.some((f) => f.id === forwardId)) {
        throw new StoreError('not-found', `This profile has no forward "${forwardId}".`);
      }
      return { forwards: forwards.filter((f) => f.id !== forwardId), result: undefined };
    });
  }

  reorderForwards(profileId: string, ids: readonly string[]): void {
    this.#editForwards(profileId, (forwards) => {
      const byId = new Map(forwards.map((f) => [f.id, f]));
      assertPermutation(ids, [...byId.keys()], 'forwards');
      return { forwards: ids.map((id) => byId.get(id) as Forward), result: undefined };
    });
  }

  /** Every group in use, sorted. */
  groups(): string[] {
    return sortedDistinct(this.#load().flatMap((p) => (p.group ? [p.group] : [])));
  }

  /** Every tag in use, sorted. */
  tags(): string[] {
    return sortedDistinct(this.#load().flatMap((p) => p.tags));
  }

  /**
   * Moves every profile of group `from` to group `to` (merging if `to` exists already; an empty
   * `to` ungroups them). Returns how many profiles changed.
   */
  renameGroup(from: string, to: string): number {
    const profiles = this.#loadForWrite();
    const target = to.trim();
    const members = profiles.filter((p) => p.group === from);
    if (members.length === 0)
      throw new StoreError('not-found', `No profile is in group "${from}".`);
    const next = profiles.map((p) => {
      if (p.group !== from) return p;
      const { group: _old, ...rest } = p;
      return parseProfile(target ? { ...rest, group: target } : rest);
    });
    this.#write(next);
    return members.length;
  }

  /**
   * Replaces the whole list in one write (import uses it): all or nothing, every problem reported
   * at once under `profiles[i]`. Profiles no longer in the list lose their secrets too.
   */
  saveAll(inputs: readonly ProfileUpdate[], options: SaveAllOptions = {}): Profile[] {
    const pathOf = options.pathOf ?? ((i: number) => ['profiles', i]);
    const profiles = this.#loadForWrite();
    const issues: FieldIssue[] = [];
    const next: Profile[] = [];
    inputs.forEach((input, i) => {
      const parsed = ProfileSchema.safeParse({
        ...input,
        forwards: withForwardIds(input.forwards),
      });
      if (parsed.success) next.push(parsed.data);
      else issues.push(...fieldIssues(parsed.error, pathOf(i)));
    });
    if (issues.length)
      throw errorWithIssues('invalid-config', 'The profiles are not valid:', issues);
    const before = new Map(profiles.map((p) => [p.id, p]));
    const touched = next.filter((p) => !isDeepStrictEqual(before.get(p.id), p));
    this.#commit(next, touched, pathOf);
    const kept = new Set(next.map((p) => p.id));
    for (const p of profiles) if (!kept.has(p.id)) this.secrets?.deleteProfile(p.id);
    return next;
  }

  /**
   * Called after any change to the stored data: ours, or (with a watching backend, see
   * `openProfileStore({ watchExternalChanges: true })`) another process's. Returns unsubscribe.
   */
  onDidChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    this.#unsubscribe ??= this.#subscribe();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) {
        this.#unsubscribe?.();
        this.#unsubscribe = undefined;
      }
    };
  }

  /** Stops change notifications and the backend's file watcher. */
  dispose(): void {
    this.#listeners.clear();
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#kv._closeWatcher?.();
  }

  #subscribe(): () => void {
    const { events } = this.#kv;
    if (!events) return this.#kv.onDidAnyChange(() => this.#notify());
    // Our own dedupe instead of conf's wrapper, which throws (uncaught) on a broken file.
    let last = this.#fingerprint();
    const onChange = (): void => {
      const now = this.#fingerprint();
      if (now === undefined || now === last) return;
      last = now;
      this.#notify();
    };
    events.addEventListener('change', onChange);
    return () => events.removeEventListener('change', onChange);
  }

  #fingerprint(): string | undefined {
    try {
      return JSON.stringify(this.#kv.store);
    } catch {
      return undefined;
    }
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener();
      } catch {
        // A faulty listener must not break a save or the other listeners.
      }
    }
  }

  #editForwards<T>(
    profileId: string,
    edit: (forwards: Forward[]) => { forwards: Forward[]; result: T; index?: number },
  ): T {
    const profiles = this.#loadForWrite();
    const index = indexOfProfile(profiles, profileId);
    const profile = profiles[index] as Profile;
    const { forwards, result, index: at } = edit(profile.forwards);
    // Profile-level rules (unique forward ids) are reported against the forward being edited.
    const parsed = ProfileSchema.safeParse({ ...profile, forwards });
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({
        path: formatPath(
          at !== undefined && i.path[0] === 'forwards' && i.path[1] === at
            ? i.path.slice(2)
            : i.path,
        ),
        message: i.message,
      }));
      throw errorWithIssues('invalid-config', 'The forward is not valid:', issues);
    }
    this.#write(replaceAt(profiles, index, parsed.data));
    return result;
  }

  /** Reads, validates and, when needed, repairs the stored data (after backing the file up). */
  #load(): Profile[] {
    const raw = this.#readRaw();
    const reading = readStoreData(raw);
    if (reading.state === 'newer') {
      this.#readOnly = true;
      if (!this.#issues.some((i) => i.kind === 'newer-version' && i.version === reading.version)) {
        this.#issues.push(newerVersionIssue(this.path, reading.version));
      }
      return reading.profiles;
    }
    this.#readOnly = false;
    if (reading.state === 'unusable') {
      // It parsed, so it is a whole file that is not a store, not a write caught half-way.
      const backupPath = this.#backup('corrupt');
      this.#replace(emptyStoreData());
      this.#issues.push(corruptFileIssue(this.path, reading.reason, backupPath));
      return [];
    }
    const { migratedFrom, invalid, profiles } = reading;
    if (migratedFrom === undefined && invalid.length === 0) return profiles;
    const issues: StoreIssue[] = [];
    if (migratedFrom !== undefined) {
      issues.push(migratedIssue(migratedFrom, this.#backup(`v${migratedFrom}`)));
    }
    if (invalid.length > 0) {
      issues.push(invalidProfilesIssue(invalid, profiles.length, this.#backup('corrupt')));
    }
    this.#replace({
      ...reading.data,
      [VERSION_KEY]: CURRENT_SCHEMA_VERSION,
      [PROFILES_KEY]: profiles,
    });
    this.#issues.push(...issues);
    return profiles;
  }

  #loadForWrite(): Profile[] {
    const profiles = this.#load();
    if (this.#readOnly) {
      throw new StoreError(
        'conflict',
        'The profiles file was saved by a newer Burrow and is open read-only: update Burrow to edit profiles.',
      );
    }
    return profiles;
  }

  #readRaw(): Record<string, unknown> {
    try {
      return this.#kv.store;
    } catch (err) {
      // Not repaired here: a file that does not parse while we run may be another program's
      // write caught half-way, and replacing it could lose that program's data.
      if (err instanceof SyntaxError) {
        throw new StoreError(
          'conflict',
          `${this.path} was changed by another program and is not valid JSON (${err.message}). Fix or remove it; Burrow sets it aside the next time it starts.`,
        );
      }
      throw new StoreError('io', `Cannot read ${this.path}: ${(err as Error).message}`);
    }
  }

  /** Checks the rules that span profiles for the ones that changed, then writes. */
  #commit(
    next: Profile[],
    touched: readonly Profile[],
    prefix: (index: number) => PropertyKey[] = () => [],
  ): void {
    const changed = new Set(touched);
    const conflicts: FieldIssue[] = [];
    const invalid: FieldIssue[] = [];
    const ids = new Set(next.map((p) => p.id));
    next.forEach((p, index) => {
      if (!changed.has(p)) return;
      const at = (...path: PropertyKey[]): string => formatPath([...prefix(index), ...path]);
      const sameId = next.find((q) => q !== p && q.id === p.id);
      if (sameId) {
        conflicts.push({ path: at('id'), message: `is already used by "${sameId.name}"` });
      }
      const sameName = next.find((q) => q !== p && nameKey(q.name) === nameKey(p.name));
      if (sameName) {
        conflicts.push({
          path: at('name'),
          message: `"${p.name}" is already the name of another profile`,
        });
      }
      p.jumpHosts.forEach((hop, j) => {
        if ('profileId' in hop && !ids.has(hop.profileId)) {
          invalid.push({
            path: at('jumpHosts', j, 'profileId'),
            message: `names no saved profile ("${hop.profileId}")`,
          });
        }
      });
    });
    if (invalid.length) {
      throw errorWithIssues('invalid-config', 'Not saved:', [...invalid, ...conflicts]);
    }
    if (conflicts.length) throw errorWithIssues('conflict', 'Not saved:', conflicts);
    this.#write(next);
  }

  #write(profiles: Profile[]): void {
    this.#replace({
      ...this.#readRaw(),
      [VERSION_KEY]: CURRENT_SCHEMA_VERSION,
      [PROFILES_KEY]: profiles,
    });
  }

  /** One atomic write of the whole object (conf: temp file + rename). */
  #replace(data: Record<string, unknown>): void {
    try {
      this.#kv.store = data;
    } catch (err) {
      throw new StoreError('io', `Could not save ${this.path}: ${(err as Error).message}`);
    }
  }

  #backup(label: string): string {
    try {
      return backupFile(this.path, label, this.#now());
    } catch (err) {
      throw new StoreError(
        'io',
        `Could not back up ${this.path} before repairing it, so it was left as it is: ${(err as Error).message}`,
      );
    }
  }
}

function parseProfile(input: unknown): Profile {
  const parsed = ProfileSchema.safeParse(input);
  if (!parsed.success) {
    throw errorWithIssues('invalid-config', 'The profile is not valid:', fieldIssues(parsed.error));
  }
  return parsed.data;
}

function parseForward(input: unknown): Forward {
  const parsed = ForwardSchema.safeParse(input);
  if (!parsed.success) {
    throw errorWithIssues('invalid-config', 'The forward is not valid:', fieldIssues(parsed.error));
  }
  return parsed.data;
}

function indexOfProfile(profiles: readonly Profile[], id: string): number {
  const index = profiles.findIndex((p) => p.id === id);
  if (index === -1) throw new StoreError('not-found', `There is no saved profile "${id}".`);
  return index;
}

function replaceAt<T>(list: readonly T[], index: number, item: T): T[] {
  return list.map((x, i) => (i === index ? item : x));
}

/** Gives forwards without an id one made from their name, or type and port. */
function withForwardIds(forwards: ForwardDraft[] | undefined): unknown {
  if (!Array.isArray(forwards)) return forwards;
  const taken = new Set(forwards.flatMap((f) => (typeof f?.id === 'string' ? [f.id] : [])));
  return forwards.map((f) => {
    if (typeof f !== 'object' || f === null || f.id !== undefined) return f;
    const id = newForwardId(f, taken);
    taken.add(id);
    return { ...f, id };
  });
}

function newForwardId(forward: ForwardDraft, taken: ReadonlySet<string>): string {
  const fallback = slugify(`${String(forward.type)}-${String(forward.bindPort)}`, 'forward');
  return uniqueId(slugify(forward.name, fallback), taken);
}

/** The list the UI sent back must match the stored one, or it was made from a stale copy. */
function assertPermutation(ids: readonly string[], existing: string[], what: string): void {
  const wanted = new Set(ids);
  const missing = existing.filter((id) => !wanted.has(id));
  const unknown = ids.filter((id) => !existing.includes(id));
  if (wanted.size !== ids.length || missing.length || unknown.length) {
    const parts = [
      missing.length ? `missing ${missing.map((id) => `"${id}"`).join(', ')}` : '',
      unknown.length ? `unknown ${unknown.map((id) => `"${id}"`).join(', ')}` : '',
      wanted.size !== ids.length ? 'some listed twice' : '',
    ].filter(Boolean);
    throw new StoreError(
      'conflict',
      `The new order must list every one of the ${what} exactly once (${parts.join('; ')}); the list may have changed meanwhile.`,
    );
  }
}

function sortedDistinct(values: string[]): string[] {
  return [...new Set(values)].sort((a, b) => a.localeCompare(b));
}
