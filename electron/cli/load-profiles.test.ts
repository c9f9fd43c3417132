import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error';
import { loadProfilesFromFile, readProfileFile } from './load-profiles';
import { loadProfiles } from './profile-source';

const dir = mkdtempSync(join(tmpdir(), 'burrow-cli-load-'));

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const good = {
  format: 'burrow-profiles',
  version: 1,
  profiles: [
    {
      id: 'db',
      name: 'Database',
      host: 'bastion',
      username: 'alice',
      forwards: [{ id: 'pg', type: 'local', bindPort: 5432, targetHost: 'db', targetPort: 5432 }],
    },
  ],
};

describe('readProfileFile', () => {
  it('returns parsed profiles with defaults filled in', async () => {
    const result = await readProfileFile(file('good.json', good));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.profiles[0]).toMatchObject({
      id: 'db',
      port: 22,
      forwards: [{ bindHost: '127.0.0.1' }],
    });
  });

  it('names a missing file', async () => {
    const missing = join(dir, 'missing.json');
    expect(await readProfileFile(missing)).toMatchObject({
      ok: false,
      summary: `cannot read ${missing}: no such file`,
      lines: [],
      issues: [{ path: '(file)' }],
    });
  });

  it('names a file that is not JSON', async () => {
    const result = await readProfileFile(file('broken.json', '{"format": '));
    expect(result).toMatchObject({ ok: false });
    if (result.ok) return;
    expect(result.summary).toMatch(/broken\.json is not valid JSON: /);
  });

  it('names every bad field by its path', async () => {
    const bad = structuredClone(good) as { profiles: Record<string, unknown>[] };
    bad.profiles[0]!.port = 'twenty-two';
    (bad.profiles[0]!.forwards as Record<string, unknown>[])[0]!.bindPort = 70000;
    const result = await readProfileFile(file('bad.json', bad));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.summary).toMatch(/bad\.json is not a valid Burrow profiles file:$/);
    expect(result.lines).toEqual([
      'profiles[0].port: must be a port number',
      'profiles[0].forwards[0].bindPort: must be between 0 and 65535',
    ]);
    expect(result.issues).toEqual([
      { path: 'profiles[0].port', message: 'must be a port number' },
      { path: 'profiles[0].forwards[0].bindPort', message: 'must be between 0 and 65535' },
    ]);
  });

  it('says when the file is not a Burrow profiles file at all', async () => {
    const result = await readProfileFile(file('other.json', { hello: 1 }));
    if (result.ok) throw new Error('expected failure');
    expect(result.lines.join('\n')).toContain('format: must be "burrow-profiles"');
  });
});

describe('loadProfilesFromFile', () => {
  it('throws a CliError with exit 2 and one detail line per field', async () => {
    const path = file('bad2.json', { ...good, version: 2 });
    const err = await loadProfilesFromFile(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect(err).toMatchObject({
      exitCode: 2,
      details: [expect.stringMatching(/^version: must be 1/)],
    });
  });

  it('is the source `up` uses when --file is given', async () => {
    expect((await loadProfiles({ file: file('good2.json', good) })).map((p) => p.id)).toEqual([
      'db',
    ]);
  });

  it('reads the saved profiles from a store folder without --file, and reports a broken one', async () => {
    const store = mkdtempSync(join(tmpdir(), 'burrow-cli-store-'));
    expect(await loadProfiles({ store })).toEqual([]);
    writeFileSync(join(store, 'profiles.json'), '{ not json');
    const before = readFileSync(join(store, 'profiles.json'), 'utf8');
    await expect(loadProfiles({ store })).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining(store),
    });
    // Reading never repairs or moves the app's file.
    expect(readFileSync(join(store, 'profiles.json'), 'utf8')).toBe(before);
    expect(readdirSync(store)).toEqual(['profiles.json']);
  });
});
