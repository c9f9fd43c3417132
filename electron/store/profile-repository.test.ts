import fs from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import type { Profile, ProfileInput } from '../../shared';
import { openProfileStore } from './open-store';
import { ProfileRepository } from './profile-repository';
import { EncryptedSecretStore, MemorySecretStore } from './secrets';
import { StoreError } from './store-error';
import {
  FakeEncryptor,
  filesStartingWith,
  openConf,
  readJson,
  sampleProfile,
  storeFile,
  useTempDirs,
} from './test-support';

const tempDir = useTempDirs();

function open(dir = tempDir()) {
  const secrets = new MemorySecretStore();
  const repo = new ProfileRepository(openConf(dir), { secrets });
  return { dir, repo, secrets };
}

/** Runs `fn`, expecting a StoreError; returns it for closer checks. */
function storeError(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StoreError);
    return err as StoreError;
  }
  throw new Error('expected a StoreError');
}

const local = { type: 'local', bindPort: 5432, targetHost: 'db', targetPort: 5432 } as const;

describe('ProfileRepository: profiles', () => {
  it('creates a profile with defaults, an id from its name, and stores it under a version', () => {
    const { dir, repo } = open();
    const p = repo.create({ ...sampleProfile, name: 'Staging DB (EU)' });
    expect(p).toMatchObject({ id: 'staging-db-eu', port: 22, forwards: [], tags: [] });
    expect(readJson(storeFile(dir))).toEqual({ schemaVersion: 2, profiles: [p] });
    expect(repo.list()).toEqual([p]);
    expect(repo.get('staging-db-eu')).toEqual(p);
    expect(repo.get('nope')).toBeUndefined();
  });

  it('accepts the shared ProfileInput as it is (what a file or the CLI gives)', () => {
    const { repo } = open();
    const input: ProfileInput = {
      id: 'given',
      ...sampleProfile,
      forwards: [{ id: 'f', ...local }],
    };
    expect(repo.create(input)).toMatchObject({ id: 'given', forwards: [{ id: 'f' }] });
  });

  it('makes ids unique and keeps them when the profile is renamed', () => {
    const { repo } = open();
    const a = repo.create({ ...sampleProfile, name: 'Web' });
    const b = repo.create({ ...sampleProfile, name: 'web!' });
    const c = repo.create({ ...sampleProfile, name: '数据库' });
    expect([a.id, b.id, c.id]).toEqual(['web', 'web-2', 'profile']);
    repo.update({ ...a, name: 'Frontend' });
    expect(repo.get('web')?.name).toBe('Frontend');
  });

  it('gives forwards without ids one from their name or type and port', () => {
    const { repo } = open();
    const p = repo.create({
      ...sampleProfile,
      forwards: [
        { ...local, name: 'Postgres' },
        { ...local, bindPort: 6000 },
        { type: 'dynamic', bindPort: 1080 },
        { type: 'dynamic', bindPort: 1080 },
        { id: 'mine', type: 'dynamic', bindPort: 0 },
      ],
    });
    expect(p.forwards.map((f) => f.id)).toEqual([
      'postgres',
      'local-6000',
      'dynamic-1080',
      'dynamic-1080-2',
      'mine',
    ]);
  });

  it('refuses a taken name, whatever its case and spacing, and writes nothing', () => {
    const { dir, repo } = open();
    repo.create({ ...sampleProfile, name: 'Staging' });
    const before = fs.readFileSync(storeFile(dir), 'utf8');
    const err = storeError(() => repo.create({ ...sampleProfile, name: '  STAGING ' }));
    expect(err.kind).toBe('conflict');
    expect(err.issues).toEqual([
      { path: 'name', message: '"STAGING" is already the name of another profile' },
    ]);
    expect(fs.readFileSync(storeFile(dir), 'utf8')).toBe(before);
  });

  it('refuses a taken id given explicitly', () => {
    const { repo } = open();
    repo.create({ ...sampleProfile, id: 'x', name: 'One' });
    const err = storeError(() => repo.create({ ...sampleProfile, id: 'x', name: 'Two' }));
    expect(err).toMatchObject({ kind: 'conflict', issues: [{ path: 'id' }] });
  });

  it('reports every invalid field by path, for the form to show inline', () => {
    const { repo } = open();
    const err = storeError(() =>
      repo.create({ ...sampleProfile, port: 0, forwards: [{ ...local, bindPort: 70000 }] }),
    );
    expect(err.kind).toBe('invalid-config');
    expect(err.issues).toEqual([
      { path: 'port', message: 'must be between 1 and 65535' },
      { path: 'forwards[0].bindPort', message: 'must be between 0 and 65535' },
    ]);
    expect(err.message).toContain('forwards[0].bindPort: must be between 0 and 65535');
    expect(repo.list()).toEqual([]);
  });

  it('refuses a jump host that names no saved profile', () => {
    const { repo } = open();
    const err = storeError(() =>
      repo.create({ ...sampleProfile, jumpHosts: [{ profileId: 'ghost' }] }),
    );
    expect(err).toMatchObject({
      kind: 'invalid-config',
      issues: [{ path: 'jumpHosts[0].profileId', message: 'names no saved profile ("ghost")' }],
    });
  });

  it('updates in place, allowing a profile to keep (or re-case) its own name', () => {
    const { repo } = open();
    const a = repo.create({ ...sampleProfile, name: 'A' });
    const b = repo.create({ ...sampleProfile, name: 'B' });
    const updated = repo.update({ ...a, name: 'a', host: 'new.example' });
    expect(updated).toMatchObject({ id: a.id, name: 'a', host: 'new.example' });
    expect(repo.list().map((p) => p.id)).toEqual([a.id, b.id]);
    expect(storeError(() => repo.update({ ...a, name: 'b' })).kind).toBe('conflict');
    expect(storeError(() => repo.update({ ...a, id: 'missing' })).kind).toBe('not-found');
  });

  it('duplicates right after the original with a new id, a copy name and the same forward ids', () => {
    const { repo } = open();
    const web = repo.create({ ...sampleProfile, name: 'Web', forwards: [{ ...local, id: 'db' }] });
    const other = repo.create({ ...sampleProfile, name: 'Other' });
    const copy = repo.duplicate(web.id);
    expect(copy).toMatchObject({ name: 'Web (copy)', forwards: [{ id: 'db' }] });
    expect(copy.id).not.toBe(web.id);
    const copy2 = repo.duplicate(web.id);
    const copy3 = repo.duplicate(copy.id);
    expect([copy2.name, copy3.name]).toEqual(['Web (copy 2)', 'Web (copy 3)']);
    expect(new Set(repo.list().map((p) => p.id)).size).toBe(5);
    expect(repo.list().map((p) => p.name)).toEqual([
      'Web',
      'Web (copy 2)',
      'Web (copy)',
      'Web (copy 3)',
      other.name,
    ]);
    expect(storeError(() => repo.duplicate('missing')).kind).toBe('not-found');
  });

  it('deletes a profile and its secrets', () => {
    const { repo, secrets } = open();
    const a = repo.create({ ...sampleProfile, name: 'A' });
    const b = repo.create({ ...sampleProfile, name: 'B' });
    secrets.set({ profileId: a.id, kind: 'password', target: 'deploy@h:22' }, 'pw-a');
    secrets.set({ profileId: b.id, kind: 'password', target: 'deploy@h:22' }, 'pw-b');
    repo.delete(a.id);
    expect(repo.list().map((p) => p.id)).toEqual([b.id]);
    expect(secrets.list(a.id)).toEqual([]);
    expect(secrets.list(b.id)).toHaveLength(1);
    expect(storeError(() => repo.delete(a.id)).kind).toBe('not-found');
  });

  it('refuses to delete a profile others use as a jump host, naming them', () => {
    const { repo } = open();
    const bastion = repo.create({ ...sampleProfile, name: 'Bastion' });
    repo.create({ ...sampleProfile, name: 'App', jumpHosts: [{ profileId: bastion.id }] });
    repo.create({ ...sampleProfile, name: 'DB', jumpHosts: [{ profileId: bastion.id }] });
    const err = storeError(() => repo.delete(bastion.id));
    expect(err.kind).toBe('conflict');
    expect(err.message).toBe(
      '"Bastion" is a jump host of "App", "DB"; remove it from their jump hosts first.',
    );
    expect(repo.list()).toHaveLength(3);
  });

  it('reorders by a full permutation only', () => {
    const { repo } = open();
    const ids = ['a', 'b', 'c'].map((n) => repo.create({ ...sampleProfile, name: n }).id);
    repo.reorder(['c', 'a', 'b']);
    expect(repo.list().map((p) => p.id)).toEqual(['c', 'a', 'b']);
    for (const bad of [
      ['a', 'b'],
      ['a', 'b', 'c', 'd'],
      ['a', 'a', 'b', 'c'],
      ['a', 'b', 'x'],
    ]) {
      const err = storeError(() => repo.reorder(bad));
      expect(err.kind).toBe('conflict');
    }
    expect(storeError(() => repo.reorder(['a', 'b'])).message).toContain('missing "c"');
    expect(repo.list().map((p) => p.id)).toEqual(['c', 'a', 'b']);
    expect(ids).toHaveLength(3);
  });
});

describe('ProfileRepository: forwards', () => {
  function withProfile() {
    const ctx = open();
    const profile = ctx.repo.create({ ...sampleProfile, forwards: [{ ...local, id: 'db' }] });
    return { ...ctx, profile };
  }

  it('adds with a generated id, updates in place, deletes and reorders', () => {
    const { repo, profile } = withProfile();
    const socks = repo.addForward(profile.id, { type: 'dynamic', bindPort: 1080, name: 'SOCKS' });
    expect(socks).toEqual({
      id: 'socks',
      name: 'SOCKS',
      type: 'dynamic',
      bindHost: '127.0.0.1',
      bindPort: 1080,
      enabled: true,
    });
    repo.updateForward(profile.id, { ...local, id: 'db', bindPort: 15432 });
    expect(repo.get(profile.id)?.forwards.map((f) => [f.id, f.bindPort])).toEqual([
      ['db', 15432],
      ['socks', 1080],
    ]);
    repo.reorderForwards(profile.id, ['socks', 'db']);
    expect(repo.get(profile.id)?.forwards.map((f) => f.id)).toEqual(['socks', 'db']);
    repo.deleteForward(profile.id, 'socks');
    expect(repo.get(profile.id)?.forwards.map((f) => f.id)).toEqual(['db']);
  });

  it('reports problems against the forward being edited', () => {
    const { repo, profile } = withProfile();
    expect(
      storeError(() => repo.addForward(profile.id, { ...local, targetPort: 0 })).issues,
    ).toEqual([{ path: 'targetPort', message: 'must be between 1 and 65535' }]);
    expect(storeError(() => repo.addForward(profile.id, { ...local, id: 'db' })).issues).toEqual([
      { path: 'id', message: `duplicates another forward's id "db"` },
    ]);
    expect(storeError(() => repo.updateForward(profile.id, { ...local, id: 'x' })).kind).toBe(
      'not-found',
    );
    expect(storeError(() => repo.deleteForward(profile.id, 'x')).kind).toBe('not-found');
    expect(storeError(() => repo.addForward('missing', local)).kind).toBe('not-found');
    expect(storeError(() => repo.reorderForwards(profile.id, [])).kind).toBe('conflict');
  });

  it('lets forwards share a name', () => {
    const { repo, profile } = withProfile();
    repo.addForward(profile.id, { ...local, bindPort: 1, name: 'same' });
    repo.addForward(profile.id, { ...local, bindPort: 2, name: 'same' });
    expect(repo.get(profile.id)?.forwards.map((f) => f.id)).toEqual(['db', 'same', 'same-2']);
  });
});

describe('ProfileRepository: groups and tags', () => {
  it('lists distinct sorted groups and tags, and renames (merges, ungroups) a group', () => {
    const { repo } = open();
    const mk = (name: string, group: string | undefined, tags: string[]): Profile =>
      repo.create({ ...sampleProfile, name, group, tags });
    mk('a', 'Work', ['db', 'eu']);
    mk('b', 'Home', ['nas']);
    mk('c', 'Work', ['eu']);
    mk('d', undefined, []);
    expect(repo.groups()).toEqual(['Home', 'Work']);
    expect(repo.tags()).toEqual(['db', 'eu', 'nas']);

    expect(repo.renameGroup('Work', 'Clients')).toBe(2);
    expect(repo.groups()).toEqual(['Clients', 'Home']);
    expect(repo.renameGroup('Home', 'Clients')).toBe(1);
    expect(repo.groups()).toEqual(['Clients']);
    expect(repo.renameGroup('Clients', '  ')).toBe(3);
    expect(repo.groups()).toEqual([]);
    expect(repo.list().every((p) => !('group' in p))).toBe(true);
    expect(storeError(() => repo.renameGroup('Nope', 'X')).kind).toBe('not-found');
    expect(storeError(() => repo.renameGroup('', 'X')).kind).toBe('not-found');
  });
});

describe('ProfileRepository: change events', () => {
  it('fires after each change it makes, not after a refused one, and stops on unsubscribe', () => {
    const { repo } = open();
    const listener = vi.fn();
    const stop = repo.onDidChange(listener);
    const p = repo.create(sampleProfile);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(() => repo.create(sampleProfile)).toThrow();
    expect(listener).toHaveBeenCalledTimes(1);
    repo.addForward(p.id, local);
    expect(listener).toHaveBeenCalledTimes(2);
    stop();
    repo.delete(p.id);
    expect(listener).toHaveBeenCalledTimes(2);
  });

  it('keeps saving and notifying when a listener throws', () => {
    const { repo } = open();
    const good = vi.fn();
    repo.onDidChange(() => {
      throw new Error('listener bug');
    });
    repo.onDidChange(good);
    repo.create(sampleProfile);
    expect(good).toHaveBeenCalledTimes(1);
    expect(repo.list()).toHaveLength(1);
  });

  it('ignores a change event while the file is broken instead of crashing', () => {
    const dir = tempDir();
    const kv = openConf(dir);
    const repo = new ProfileRepository(kv);
    repo.create(sampleProfile);
    const listener = vi.fn();
    repo.onDidChange(listener);
    // What conf's watcher does after another program saved a broken file. conf's own
    // onDidAnyChange wrapper would throw inside the event listener: an uncaught exception.
    fs.writeFileSync(storeFile(dir), '{"schemaVersion": 2, "pro');
    kv.events.dispatchEvent(new Event('change'));
    expect(listener).not.toHaveBeenCalled();
  });

  it('notices another process writing, when watching is asked for', async () => {
    const dir = tempDir();
    const watching = openProfileStore({ dir, watchExternalChanges: true });
    // A separate conf instance shares no events with the first: only the file watch sees this.
    const other = openProfileStore({ dir });
    try {
      let noticed = false;
      watching.onDidChange(() => (noticed = true));
      // conf polls the file (fs.watchFile); a write that lands before the poller's first reading
      // is its baseline, not a change. So the other process writes again until it is noticed,
      // as another program saving now and then would.
      const created = other.create(sampleProfile);
      for (let round = 1; !noticed && round <= 3; round++) {
        const deadline = Date.now() + 6000;
        while (!noticed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        if (!noticed) other.update({ ...created, host: `staging-${round}.example` });
      }
      expect(noticed).toBe(true);
      expect(watching.list().map((p) => p.name)).toEqual(['Staging']);
    } finally {
      watching.dispose();
      other.dispose();
    }
  }, 30_000);
});

describe('ProfileRepository: a file from a newer Burrow', () => {
  function newer() {
    const dir = tempDir();
    const text = JSON.stringify({
      schemaVersion: 3,
      profiles: [
        { id: 'a', name: 'A', host: 'h', username: 'u' },
        { id: 'b', shape: 'new' },
      ],
      secrets: [],
    });
    fs.writeFileSync(storeFile(dir), text);
    const kv = openConf(dir);
    const repo = new ProfileRepository(kv, {
      secrets: new EncryptedSecretStore(kv, new FakeEncryptor()),
    });
    return { dir, text, repo };
  }

  it('opens read-only, says to update Burrow, and shows what it can read', () => {
    const { repo } = newer();
    expect(repo.readOnly).toBe(true);
    expect(repo.list().map((p) => p.id)).toEqual(['a']);
    expect(repo.loadIssues()).toEqual([
      {
        kind: 'newer-version',
        version: 3,
        message: expect.stringContaining('update Burrow'),
      },
    ]);
  });

  it('throws conflict on every change and leaves the file byte for byte', () => {
    const { dir, text, repo } = newer();
    const attempts: (() => unknown)[] = [
      () => repo.create(sampleProfile),
      () => repo.update({ id: 'a', name: 'A2', host: 'h', username: 'u' }),
      () => repo.duplicate('a'),
      () => repo.delete('a'),
      () => repo.reorder(['a']),
      () => repo.addForward('a', local),
      () => repo.renameGroup('x', 'y'),
      () => repo.saveAll([]),
      () => repo.secrets?.set({ profileId: 'a', kind: 'password', target: 'u@h:22' }, 'pw'),
    ];
    for (const attempt of attempts) expect(storeError(attempt).kind).toBe('conflict');
    expect(fs.readFileSync(storeFile(dir), 'utf8')).toBe(text);
    expect(filesStartingWith(dir, 'profiles.json.')).toEqual([]);
  });
});

describe('ProfileRepository over a real conf instance', () => {
  it('stores exactly { schemaVersion, profiles, secrets? } and keeps secrets across profile writes', () => {
    const dir = tempDir();
    const kv = openConf(dir);
    const secrets = new EncryptedSecretStore(kv, new FakeEncryptor());
    const repo = new ProfileRepository(kv, { secrets });
    const p = repo.create(sampleProfile);
    secrets.set({ profileId: p.id, kind: 'password', target: 'deploy@bastion.example:22' }, 'pw');
    repo.update({ ...p, host: 'other.example' });
    const stored = readJson(storeFile(dir));
    expect(Object.keys(stored).sort()).toEqual(['profiles', 'schemaVersion', 'secrets']);
    expect(stored.secrets).toEqual([
      {
        profileId: p.id,
        kind: 'password',
        target: 'deploy@bastion.example:22',
        ciphertext: expect.any(String),
      },
    ]);
  });

  it('writes the file owner-only when opened through openProfileStore', () => {
    const dir = tempDir();
    openProfileStore({ dir }).create(sampleProfile);
    expect(fs.statSync(storeFile(dir)).mode & 0o777).toBe(0o600);
  });
});
