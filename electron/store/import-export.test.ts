import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ProfileFileSchema, makeProfileFile, type Profile } from '../../shared';
import { applyImport, exportProfiles, previewImport, type ImportPreview } from './import-export';
import { ProfileRepository } from './profile-repository';
import { EncryptedSecretStore } from './secrets';
import { StoreError } from './store-error';
import { FakeEncryptor, openConf, sampleProfile, storeFile, useTempDirs } from './test-support';

const tempDir = useTempDirs();

function open() {
  const dir = tempDir();
  const kv = openConf(dir);
  const secrets = new EncryptedSecretStore(kv, new FakeEncryptor());
  return { dir, repo: new ProfileRepository(kv, { secrets }), secrets };
}

const fileText = (profiles: unknown[]): string =>
  JSON.stringify({ format: 'burrow-profiles', version: 1, profiles });

function ok(preview: ImportPreview) {
  if (!preview.ok) throw new Error(`preview failed: ${preview.errors.join('; ')}`);
  return preview;
}

describe('exportProfiles', () => {
  it('exports all profiles in order as the shared versioned format, with no secrets', () => {
    const { repo, secrets } = open();
    const a = repo.create({ ...sampleProfile, name: 'A', tags: ['x'], group: 'G' });
    const b = repo.create({ ...sampleProfile, name: 'B', auth: [{ type: 'password' }] });
    secrets.set(
      { profileId: b.id, kind: 'password', target: 'deploy@bastion.example:22' },
      'top-secret',
    );
    const file = exportProfiles(repo);
    expect(file).toEqual(makeProfileFile([a, b]));
    expect(ProfileFileSchema.safeParse(file).success).toBe(true);
    expect(JSON.stringify(file)).not.toContain('top-secret');
    expect(JSON.stringify(file)).not.toContain('ciphertext');
  });

  it('exports chosen profiles plus the saved jump hosts they need', () => {
    const { repo } = open();
    const jump = repo.create({ ...sampleProfile, name: 'Jump' });
    const app = repo.create({ ...sampleProfile, name: 'App', jumpHosts: [{ profileId: jump.id }] });
    repo.create({ ...sampleProfile, name: 'Unrelated' });
    expect(exportProfiles(repo, [app.id]).profiles.map((p) => p.id)).toEqual([jump.id, app.id]);
    expect(() => exportProfiles(repo, ['ghost'])).toThrow(
      expect.objectContaining({ kind: 'not-found' }),
    );
  });
});

describe('previewImport', () => {
  it('gives field-level lines for a bad file and changes nothing', () => {
    const { dir, repo } = open();
    repo.create(sampleProfile);
    const before = fs.readFileSync(storeFile(dir), 'utf8');
    const preview = previewImport(
      repo,
      fileText([
        { id: 'a', name: 'A', host: 'h', username: 'u' },
        {
          id: 'b',
          name: 'B',
          host: 'h',
          username: 'u',
          forwards: [{ id: 'f', type: 'local', bindPort: 70000, targetHost: 't', targetPort: 1 }],
        },
      ]),
    );
    expect(preview).toEqual({
      ok: false,
      errors: ['profiles[1].forwards[0].bindPort: must be between 0 and 65535'],
    });
    expect(previewImport(repo, '{nope')).toMatchObject({
      ok: false,
      errors: [expect.stringMatching(/^\(file\): is not valid JSON/)],
    });
    expect(previewImport(repo, '{"format":"other","version":1,"profiles":[]}')).toMatchObject({
      ok: false,
      errors: [expect.stringContaining('format: must be "burrow-profiles"')],
    });
    expect(fs.readFileSync(storeFile(dir), 'utf8')).toBe(before);
  });

  it('classifies each profile: add, identical, replace, name-conflict', () => {
    const { repo } = open();
    const same = repo.create({ ...sampleProfile, name: 'Same' });
    const changed = repo.create({ ...sampleProfile, name: 'Changed' });
    const named = repo.create({ ...sampleProfile, name: 'Named' });
    const preview = ok(
      previewImport(
        repo,
        fileText([
          same,
          { ...changed, host: 'elsewhere.example' },
          { ...sampleProfile, id: 'other-id', name: 'NAMED' },
          { ...sampleProfile, id: 'fresh', name: 'Fresh' },
        ]),
      ),
    );
    expect(preview.items.map((i) => [i.profile.id, i.action, i.existingId])).toEqual([
      [same.id, 'identical', same.id],
      [changed.id, 'replace', changed.id],
      ['other-id', 'name-conflict', named.id],
      ['fresh', 'add', undefined],
    ]);
  });
});

describe('applyImport', () => {
  function seeded() {
    const ctx = open();
    const jump = ctx.repo.create({ ...sampleProfile, id: 'jump', name: 'Jump' });
    const web = ctx.repo.create({ ...sampleProfile, id: 'web', name: 'Web' });
    return { ...ctx, jump, web };
  }

  it('adds new profiles by default and skips the rest unless told', () => {
    const { repo, web } = seeded();
    const preview = previewImport(
      repo,
      fileText([
        { ...web, host: 'changed.example' },
        { ...sampleProfile, id: 'new', name: 'New' },
      ]),
    );
    expect(applyImport(repo, preview)).toEqual({ added: ['new'], replaced: [], skipped: ['web'] });
    expect(repo.get('web')?.host).toBe('bastion.example');
    expect(repo.list().map((p) => p.id)).toEqual(['jump', 'web', 'new']);
  });

  it("replaces in place, keeping the saved profile's secrets", () => {
    const { repo, secrets, web } = seeded();
    const ref = {
      profileId: 'web',
      kind: 'password',
      target: 'deploy@bastion.example:22',
    } as const;
    secrets.set(ref, 'pw');
    const preview = previewImport(repo, fileText([{ ...web, port: 2222 }]));
    expect(applyImport(repo, preview, { web: 'replace' }).replaced).toEqual(['web']);
    expect(repo.list().map((p) => [p.id, p.port])).toEqual([
      ['jump', 22],
      ['web', 2222],
    ]);
    expect(secrets.get(ref)).toBe('pw');
  });

  it('keep-both adds a copy with a new id and an "(imported)" name, and remaps jump hosts to it', () => {
    const { repo } = seeded();
    const preview = previewImport(
      repo,
      fileText([
        { ...sampleProfile, id: 'jump', name: 'Jump', host: 'other-jump.example' },
        { ...sampleProfile, id: 'app', name: 'App', jumpHosts: [{ profileId: 'jump' }] },
      ]),
    );
    const result = applyImport(repo, preview, { jump: 'keep-both' });
    expect(result.added).toEqual(['jump-imported', 'app']);
    expect(repo.get('jump-imported')).toMatchObject({
      name: 'Jump (imported)',
      host: 'other-jump.example',
    });
    expect(repo.get('jump')?.host).toBe('bastion.example');
    expect(repo.get('app')?.jumpHosts).toEqual([{ profileId: 'jump-imported' }]);
  });

  it('resolves a name conflict: replace takes over the saved id, skip points references at it', () => {
    const { repo } = seeded();
    const text = fileText([
      { ...sampleProfile, id: 'their-jump', name: 'JUMP', host: 'their.example' },
      { ...sampleProfile, id: 'app', name: 'App', jumpHosts: [{ profileId: 'their-jump' }] },
    ]);
    const replaced = open();
    replaced.repo.create({ ...sampleProfile, id: 'jump', name: 'Jump' });
    applyImport(replaced.repo, previewImport(replaced.repo, text), { 'their-jump': 'replace' });
    expect(replaced.repo.list().map((p) => [p.id, p.name, p.host])).toEqual([
      ['jump', 'JUMP', 'their.example'],
      ['app', 'App', 'bastion.example'],
    ]);
    expect(replaced.repo.get('app')?.jumpHosts).toEqual([{ profileId: 'jump' }]);

    applyImport(repo, previewImport(repo, text), { 'their-jump': 'skip' });
    expect(repo.get('jump')?.host).toBe('bastion.example');
    expect(repo.get('app')?.jumpHosts).toEqual([{ profileId: 'jump' }]);
  });

  it('is all or nothing: one bad choice leaves the store exactly as it was, listing why', () => {
    const { dir, repo } = seeded();
    const before = fs.readFileSync(storeFile(dir), 'utf8');
    const preview = previewImport(
      repo,
      fileText([
        { ...sampleProfile, id: 'ok', name: 'Fine' },
        { ...sampleProfile, id: 'clash', name: 'web' },
        { ...sampleProfile, id: 'needs', name: 'Needs', jumpHosts: [{ profileId: 'dropped' }] },
        { ...sampleProfile, id: 'dropped', name: 'Dropped' },
      ]),
    );
    let error: StoreError | undefined;
    try {
      applyImport(repo, preview, { clash: 'add', dropped: 'skip' });
    } catch (err) {
      error = err as StoreError;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect(error?.issues).toEqual([
      { path: 'profiles[2].jumpHosts[0].profileId', message: 'names no saved profile ("dropped")' },
      { path: 'profiles[1].name', message: '"web" is already the name of another profile' },
    ]);
    expect(fs.readFileSync(storeFile(dir), 'utf8')).toBe(before);
  });

  it('refuses "add" for an id that is saved already, rather than overwrite it', () => {
    const { repo, web } = seeded();
    const preview = previewImport(repo, fileText([{ ...web, host: 'changed.example' }]));
    expect(() => applyImport(repo, preview, { web: 'add' })).toThrow(
      expect.objectContaining({
        kind: 'conflict',
        issues: [{ path: 'profiles[0]', message: expect.stringContaining('already saved') }],
      }),
    );
    expect(repo.get('web')?.host).toBe('bastion.example');
  });

  it('refuses a failed preview and choices for profiles not in the file', () => {
    const { repo } = seeded();
    const bad = previewImport(repo, '[]');
    expect(() => applyImport(repo, bad, {})).toThrow(
      expect.objectContaining({ kind: 'invalid-config' }),
    );
    const good = previewImport(repo, fileText([{ ...sampleProfile, id: 'n', name: 'N' }]));
    expect(() => applyImport(repo, good, { x: 'add' })).toThrow(StoreError);
    expect(() => applyImport(repo, good, { n: 'merge' as never })).toThrow(StoreError);
  });

  it('round-trips: exporting and importing into an empty store gives the same profiles', () => {
    const { repo } = seeded();
    repo.create({
      ...sampleProfile,
      name: 'Full',
      jumpHosts: [{ profileId: 'jump' }, { host: 'inline.example', username: 'x' }],
      forwards: [{ type: 'remote', bindPort: 0, targetPort: 3000 }],
    });
    const text = JSON.stringify(exportProfiles(repo));
    const target = open().repo;
    applyImport(target, previewImport(target, text));
    expect(target.list()).toEqual<Profile[]>(repo.list());
  });
});
