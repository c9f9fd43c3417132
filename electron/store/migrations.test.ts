import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProfileSchema } from '../../shared';
import { CURRENT_SCHEMA_VERSION, migrateToCurrent, parseEndpoint } from './migrations';
import { openProfileStore } from './open-store';
import { readStoreSnapshot } from './store-file';
import { filesStartingWith, readJson, storeFile, useTempDirs } from './test-support';

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'profiles-v1.json');
const NOW = new Date('2024-05-01T12:30:00.123Z');

describe('parseEndpoint (v1 listen/target strings)', () => {
  it.each([
    ['8080', { port: 8080 }],
    ['127.0.0.1:8080', { host: '127.0.0.1', port: 8080 }],
    ['localhost:5000', { host: 'localhost', port: 5000 }],
    ['[::1]:8080', { host: '::1', port: 8080 }],
    ['[fe80::1]:443', { host: 'fe80::1', port: 443 }],
    ['*:9443', { host: '*', port: 9443 }],
    [':9443', { host: '*', port: 9443 }],
    ['db:http', { host: 'db', port: 'http' }],
  ])('%s', (text, expected) => {
    expect(parseEndpoint(text)).toEqual(expected);
  });
});

describe('migration v1 → v2', () => {
  const tempDir = useTempDirs();

  function openFixture() {
    const dir = tempDir();
    fs.copyFileSync(FIXTURE, storeFile(dir));
    const repo = openProfileStore({ dir, now: () => NOW });
    return { dir, repo };
  }

  it('turns the prototype fixture into valid current data, keeping every profile and forward', () => {
    const original = readJson(FIXTURE) as {
      profiles: { id: string; forwards: { id: string }[] }[];
    };
    const { dir, repo } = openFixture();

    const stored = readJson(storeFile(dir)) as { schemaVersion: number; profiles: unknown[] };
    expect(stored.schemaVersion).toBe(CURRENT_SCHEMA_VERSION);
    for (const p of stored.profiles) expect(ProfileSchema.safeParse(p).success).toBe(true);

    const profiles = repo.list();
    expect(profiles.map((p) => p.id)).toEqual(original.profiles.map((p) => p.id));
    profiles.forEach((p, i) => {
      expect(p.forwards.map((f) => f.id)).toEqual(original.profiles[i]?.forwards.map((f) => f.id));
    });
    expect(repo.loadIssues()).toEqual([
      expect.objectContaining({ kind: 'migrated', fromVersion: 1, toVersion: 2 }),
    ]);
  });

  it('maps each v1 field to its v2 meaning', () => {
    const { repo } = openFixture();
    const staging = repo.get('staging');
    expect(staging).toMatchObject({
      username: 'deploy',
      auth: [{ type: 'key', path: '~/.ssh/id_ed25519' }, { type: 'agent' }],
    });
    expect(staging?.forwards).toEqual([
      {
        id: 'db',
        name: 'postgres',
        enabled: true,
        type: 'local',
        bindHost: '127.0.0.1',
        bindPort: 5432,
        targetHost: 'db.internal',
        targetPort: 5432,
      },
      {
        id: 'web',
        enabled: true,
        type: 'local',
        bindHost: '::1',
        bindPort: 8080,
        targetHost: '10.0.0.5',
        targetPort: 80,
      },
      { id: 'socks', enabled: true, type: 'dynamic', bindHost: '127.0.0.1', bindPort: 1080 },
    ]);

    const home = repo.get('home');
    // No key file: the default login methods.
    expect(home?.auth.map((a) => a.type)).toEqual(['agent', 'keyboard-interactive', 'password']);
    expect(home?.port).toBe(2222);
    expect(home?.forwards).toEqual([
      expect.objectContaining({
        id: 'hook',
        type: 'remote',
        bindHost: '127.0.0.1',
        bindPort: 9000,
        targetHost: '127.0.0.1',
        targetPort: 3000,
      }),
      expect.objectContaining({
        id: 'lan',
        type: 'remote',
        bindHost: '0.0.0.0',
        bindPort: 9443,
        targetHost: 'fe80::1',
        targetPort: 443,
      }),
      expect.objectContaining({ id: 'nas', type: 'local', bindHost: 'localhost', bindPort: 5000 }),
    ]);

    expect(repo.get('prod-db')?.forwards).toEqual([
      expect.objectContaining({
        bindHost: '::1',
        bindPort: 15432,
        targetHost: '::1',
        targetPort: 5432,
      }),
      expect.objectContaining({ type: 'dynamic', bindHost: '::', bindPort: 1081 }),
    ]);
    expect(repo.get('empty')?.forwards).toEqual([]);
  });

  it('copies the old file aside before writing the new one', () => {
    const { dir, repo } = openFixture();
    const backups = filesStartingWith(dir, 'profiles.json.v1-');
    expect(backups).toEqual(['profiles.json.v1-2024-05-01T123000.123Z.bak']);
    const backupPath = path.join(dir, backups[0] as string);
    expect(fs.readFileSync(backupPath, 'utf8')).toBe(fs.readFileSync(FIXTURE, 'utf8'));
    expect(repo.loadIssues()[0]).toMatchObject({ backupPath });
  });

  it('migrates once: reopening the migrated file changes and backs up nothing', () => {
    const { dir } = openFixture();
    const before = fs.readFileSync(storeFile(dir), 'utf8');
    const again = openProfileStore({ dir, now: () => new Date('2024-06-01T00:00:00Z') });
    expect(again.loadIssues()).toEqual([]);
    expect(fs.readFileSync(storeFile(dir), 'utf8')).toBe(before);
    expect(filesStartingWith(dir, 'profiles.json.')).toHaveLength(1);
  });

  it('is what a read-only snapshot sees too, without writing', () => {
    const dir = tempDir();
    fs.copyFileSync(FIXTURE, storeFile(dir));
    const snapshot = readStoreSnapshot(storeFile(dir));
    expect(snapshot.issues).toEqual([]);
    expect(snapshot.profiles.map((p) => p.id)).toEqual(['staging', 'home', 'prod-db', 'empty']);
    expect(fs.readFileSync(storeFile(dir), 'utf8')).toBe(fs.readFileSync(FIXTURE, 'utf8'));
    expect(filesStartingWith(dir, 'profiles.json.')).toEqual([]);
  });

  it('reports a v1 forward it cannot convert by field, and keeps the original in the backup', () => {
    const dir = tempDir();
    const data = {
      schemaVersion: 1,
      profiles: [
        { id: 'ok', name: 'OK', host: 'h', port: 22, user: 'u', forwards: [] },
        {
          id: 'bad',
          name: 'Bad',
          host: 'h',
          port: 22,
          user: 'u',
          forwards: [{ id: 'f', kind: 'L', listen: 'abc', target: 'db:5432' }],
        },
      ],
    };
    fs.writeFileSync(storeFile(dir), JSON.stringify(data));
    const repo = openProfileStore({ dir, now: () => NOW });
    expect(repo.list().map((p) => p.id)).toEqual(['ok']);
    const invalid = repo.loadIssues().find((i) => i.kind === 'invalid-profiles');
    expect(invalid).toMatchObject({
      details: ['profiles[1].forwards[0].bindPort: must be a port number'],
    });
    expect(filesStartingWith(dir, 'profiles.json.v1-')).toHaveLength(1);
  });

  it('leaves data already in the current shape alone when it lacks a version', () => {
    const current = {
      profiles: [
        {
          id: 'p',
          name: 'P',
          host: 'h',
          username: 'u',
          forwards: [{ id: 'f', type: 'dynamic', bindPort: 1080 }],
        },
      ],
    };
    expect(migrateToCurrent(current, 1)).toEqual({ ...current, schemaVersion: 2 });
  });
});
