import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openProfileStore } from './open-store';
import { ProfileRepository } from './profile-repository';
import { prepareStoreFile, readStoreSnapshot } from './store-file';
import { StoreError } from './store-error';
import { filesStartingWith, openConf, readJson, storeFile, useTempDirs } from './test-support';

const NOW = new Date('2024-05-01T12:30:00.123Z');
const STAMP = '2024-05-01T123000.123Z';

const good = (id: string, name = id) => ({ id, name, host: 'h.example', username: 'u' });

describe('opening a file that is not JSON', () => {
  const tempDir = useTempDirs();

  it('copies it aside, starts empty and says where the copy is', () => {
    const dir = tempDir();
    const garbage = '{"schemaVersion": 2, "profiles": [ {"id": "a", "na';
    fs.writeFileSync(storeFile(dir), garbage);

    const repo = openProfileStore({ dir, now: () => NOW });

    const backupPath = path.join(dir, `profiles.json.corrupt-${STAMP}.bak`);
    expect(fs.readFileSync(backupPath, 'utf8')).toBe(garbage);
    expect(repo.list()).toEqual([]);
    expect(repo.loadIssues()).toEqual([
      { kind: 'corrupt-file', message: expect.stringContaining(backupPath), backupPath },
    ]);
    expect(repo.loadIssues()[0]?.message).toContain('not valid JSON');
    // The app keeps working on the fresh store.
    repo.create(good('b'));
    expect(readJson(storeFile(dir))).toMatchObject({ schemaVersion: 2, profiles: [{ id: 'b' }] });
  });

  it('is what conf itself throws on, which is why the file is checked before conf opens it', () => {
    const dir = tempDir();
    fs.writeFileSync(storeFile(dir), 'not json');
    expect(() => openConf(dir)).toThrow(SyntaxError);
    const issues = prepareStoreFile(storeFile(dir), () => NOW);
    expect(issues).toHaveLength(1);
    expect(() => new ProfileRepository(openConf(dir), { openIssues: issues })).not.toThrow();
  });

  it('treats JSON that is not a store object as unreadable too', () => {
    for (const text of ['[1,2]', '"x"', 'null', '{"schemaVersion":"two"}', '{"profiles":{}}']) {
      const dir = tempDir();
      fs.writeFileSync(storeFile(dir), text);
      const repo = openProfileStore({ dir, now: () => NOW });
      expect(repo.list()).toEqual([]);
      expect(repo.loadIssues().map((i) => i.kind)).toEqual(['corrupt-file']);
      expect(filesStartingWith(dir, 'profiles.json.corrupt-')).toHaveLength(1);
    }
  });

  it('never overwrites an earlier backup taken in the same millisecond', () => {
    const dir = tempDir();
    fs.writeFileSync(storeFile(dir), 'bad 1');
    prepareStoreFile(storeFile(dir), () => NOW);
    fs.writeFileSync(storeFile(dir), 'bad 2');
    prepareStoreFile(storeFile(dir), () => NOW);
    const backups = filesStartingWith(dir, 'profiles.json.corrupt-');
    expect(backups).toEqual([
      `profiles.json.corrupt-${STAMP}-1.bak`,
      `profiles.json.corrupt-${STAMP}.bak`,
    ]);
    expect(backups.map((b) => fs.readFileSync(path.join(dir, b), 'utf8')).sort()).toEqual([
      'bad 1',
      'bad 2',
    ]);
  });

  it('does nothing to a missing or healthy file', () => {
    const dir = tempDir();
    expect(prepareStoreFile(storeFile(dir))).toEqual([]);
    expect(fs.existsSync(storeFile(dir))).toBe(false);
    fs.writeFileSync(storeFile(dir), '{}');
    expect(prepareStoreFile(storeFile(dir))).toEqual([]);
    expect(fs.readdirSync(dir)).toEqual(['profiles.json']);
  });
});

describe('opening a file with some invalid profiles', () => {
  const tempDir = useTempDirs();

  function writeMixed(dir: string): string {
    const text = JSON.stringify({
      schemaVersion: 2,
      profiles: [
        good('a', 'Alpha'),
        { ...good('b', 'Beta'), port: 70000 },
        good('c', 'Gamma'),
        {
          ...good('d', 'Delta'),
          forwards: [{ id: 'f', type: 'local', bindPort: -1, targetHost: 'x', targetPort: 1 }],
        },
        good('a', 'Alpha again'),
      ],
      secrets: [{ profileId: 'a', kind: 'password', target: 'u@h.example:22', ciphertext: 'eA==' }],
    });
    fs.writeFileSync(storeFile(dir), text);
    return text;
  }

  it('keeps the valid ones, backs the file up first and lists every bad field', () => {
    const dir = tempDir();
    const original = writeMixed(dir);

    const repo = openProfileStore({ dir, now: () => NOW });

    expect(repo.list().map((p) => p.id)).toEqual(['a', 'c']);
    const backupPath = path.join(dir, `profiles.json.corrupt-${STAMP}.bak`);
    expect(fs.readFileSync(backupPath, 'utf8')).toBe(original);
    const [issue] = repo.loadIssues();
    expect(issue).toEqual({
      kind: 'invalid-profiles',
      backupPath,
      message: expect.stringContaining('3 saved profiles are invalid'),
      details: [
        'profiles[1].port: must be between 1 and 65535',
        'profiles[3].forwards[0].bindPort: must be between 0 and 65535',
        `profiles[4].id: duplicates another profile's id "a"`,
      ],
    });
    expect(issue?.message).toContain('"Beta", "Delta", "Alpha again"');
    expect(issue?.message).toContain(backupPath);
  });

  it('rewrites the file with the valid profiles and leaves other keys (secrets) alone', () => {
    const dir = tempDir();
    writeMixed(dir);
    openProfileStore({ dir, now: () => NOW });
    const stored = readJson(storeFile(dir)) as { profiles: { id: string }[]; secrets: unknown[] };
    expect(stored.profiles.map((p) => p.id)).toEqual(['a', 'c']);
    expect(stored.secrets).toHaveLength(1);
    // Repaired once; the next open is clean.
    expect(openProfileStore({ dir }).loadIssues()).toEqual([]);
  });

  it('repairs the same way when another program writes invalid profiles while open', () => {
    const dir = tempDir();
    const repo = openProfileStore({ dir, now: () => NOW });
    repo.create(good('a'));
    const data = readJson(storeFile(dir)) as { profiles: unknown[] };
    fs.writeFileSync(
      storeFile(dir),
      JSON.stringify({ ...data, profiles: [...data.profiles, { id: 'x', name: 'X' }] }),
    );
    expect(repo.list().map((p) => p.id)).toEqual(['a']);
    expect(repo.loadIssues().map((i) => i.kind)).toEqual(['invalid-profiles']);
    expect(filesStartingWith(dir, 'profiles.json.corrupt-')).toHaveLength(1);
  });

  it('refuses to work on a file another program broke while open, and does not touch it', () => {
    const dir = tempDir();
    const repo = openProfileStore({ dir });
    repo.create(good('a'));
    fs.writeFileSync(storeFile(dir), '{"schemaVersion": 2, "prof');
    expect(() => repo.list()).toThrow(StoreError);
    expect(() => repo.create(good('b'))).toThrow(expect.objectContaining({ kind: 'conflict' }));
    expect(fs.readFileSync(storeFile(dir), 'utf8')).toBe('{"schemaVersion": 2, "prof');
  });
});

describe('readStoreSnapshot', () => {
  const tempDir = useTempDirs();

  function unchanged(dir: string, run: () => void): void {
    const before = fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]);
    run();
    const after = fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]);
    expect(after).toEqual(before);
  }

  it('reads a missing store as empty', () => {
    const dir = tempDir();
    expect(readStoreSnapshot(storeFile(dir))).toEqual({ profiles: [], issues: [] });
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('reports a corrupt file without backing it up or replacing it', () => {
    const dir = tempDir();
    fs.writeFileSync(storeFile(dir), '{oops');
    unchanged(dir, () => {
      const snapshot = readStoreSnapshot(storeFile(dir));
      expect(snapshot.profiles).toEqual([]);
      expect(snapshot.issues).toEqual([
        { kind: 'corrupt-file', message: expect.stringContaining('not valid JSON') },
      ]);
    });
  });

  it('returns the valid profiles and names the invalid ones without repairing', () => {
    const dir = tempDir();
    fs.writeFileSync(
      storeFile(dir),
      JSON.stringify({ schemaVersion: 2, profiles: [good('a'), { ...good('b'), host: '' }] }),
    );
    unchanged(dir, () => {
      const snapshot = readStoreSnapshot(storeFile(dir));
      expect(snapshot.profiles.map((p) => p.id)).toEqual(['a']);
      expect(snapshot.issues).toEqual([
        expect.objectContaining({
          kind: 'invalid-profiles',
          details: ['profiles[1].host: must not be empty'],
        }),
      ]);
      expect(snapshot.issues[0]).not.toHaveProperty('backupPath');
    });
  });

  it('reads a newer version as far as it can and says to update', () => {
    const dir = tempDir();
    fs.writeFileSync(storeFile(dir), JSON.stringify({ schemaVersion: 9, profiles: [good('a')] }));
    unchanged(dir, () => {
      const snapshot = readStoreSnapshot(storeFile(dir));
      expect(snapshot.profiles.map((p) => p.id)).toEqual(['a']);
      expect(snapshot.issues).toEqual([
        expect.objectContaining({
          kind: 'newer-version',
          version: 9,
          message: expect.stringContaining('update Burrow'),
        }),
      ]);
    });
  });

  // Root reads every file, so permissions cannot make one unreadable there.
  it.skipIf(process.getuid?.() === 0)('throws StoreError io for a file it may not read', () => {
    const dir = tempDir();
    fs.writeFileSync(storeFile(dir), '{}', { mode: 0o000 });
    expect(() => readStoreSnapshot(storeFile(dir))).toThrow(
      expect.objectContaining({ kind: 'io' }),
    );
  });
});
