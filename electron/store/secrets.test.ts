import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ProfileRepository } from './profile-repository';
import {
  EncryptedSecretStore,
  MemorySecretStore,
  type SecretRef,
  type SecretStore,
} from './secrets';
import { StoreError } from './store-error';
import {
  FakeEncryptor,
  openConf,
  readJson,
  sampleProfile,
  storeFile,
  useTempDirs,
} from './test-support';

const tempDir = useTempDirs();

const pw: SecretRef = { profileId: 'p1', kind: 'password', target: 'deploy@bastion.example:22' };
const phrase: SecretRef = {
  profileId: 'p1',
  kind: 'passphrase',
  target: '/home/me/.ssh/id.ed25519',
};
const other: SecretRef = { profileId: 'p2', kind: 'password', target: 'root@db.example:2222' };

function encrypted(encryptor = new FakeEncryptor(), dir = tempDir()) {
  const kv = openConf(dir);
  return { dir, kv, encryptor, secrets: new EncryptedSecretStore(kv, encryptor) };
}

/** The behaviour every SecretStore shares. */
function contract(name: string, make: () => SecretStore): void {
  describe(`${name}: the SecretStore contract`, () => {
    it('saves, reads, lists and deletes by profile, kind and target', () => {
      const s = make();
      expect(s.status()).toEqual({ available: true });
      expect(s.get(pw)).toBeUndefined();
      expect(s.has(pw)).toBe(false);
      s.set(pw, 'hunter2');
      s.set(phrase, 'correct horse');
      s.set(other, 'root-pw');
      expect(s.get(pw)).toBe('hunter2');
      expect(s.has(pw)).toBe(true);
      expect(s.get({ ...pw, target: 'deploy@bastion.example:2222' })).toBeUndefined();
      expect(s.list('p1')).toEqual([
        { kind: 'password', target: pw.target },
        { kind: 'passphrase', target: phrase.target },
      ]);
      s.set(pw, 'changed');
      expect(s.get(pw)).toBe('changed');
      expect(s.list('p1')).toHaveLength(2);
      s.delete(pw);
      expect(s.has(pw)).toBe(false);
      s.deleteProfile('p1');
      expect(s.list('p1')).toEqual([]);
      expect(s.get(other)).toBe('root-pw');
    });

    it('refuses a ref without a target', () => {
      expect(() => make().set({ ...pw, target: '' }, 'x')).toThrow(StoreError);
    });
  });
}

contract('MemorySecretStore', () => new MemorySecretStore());
contract('EncryptedSecretStore', () => encrypted().secrets);

describe('EncryptedSecretStore', () => {
  it('keeps only base64 ciphertext in the store file, never the value', () => {
    const { dir, secrets } = encrypted();
    secrets.set(pw, 'hunter2-secret');
    const text = fs.readFileSync(storeFile(dir), 'utf8');
    expect(text).not.toContain('hunter2');
    const [entry] = readJson(storeFile(dir)).secrets as { ciphertext: string }[];
    expect(entry).toEqual({ ...pw, ciphertext: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/) });
    // A second instance over the same file (the next app start) reads it back.
    expect(new EncryptedSecretStore(openConf(dir), new FakeEncryptor()).get(pw)).toBe(
      'hunter2-secret',
    );
  });

  it('reports a Linux system without a keyring as unavailable and stores nothing', () => {
    const encryptor = new FakeEncryptor();
    encryptor.backend = 'basic_text';
    const { dir, secrets } = encrypted(encryptor);
    const status = secrets.status();
    expect(status.available).toBe(false);
    expect(status.available === false && status.reason).toMatch(/keyring/);
    expect(() => secrets.set(pw, 'hunter2')).toThrow(
      expect.objectContaining({ kind: 'secure-storage-unavailable' }),
    );
    expect(
      fs.existsSync(storeFile(dir)) ? fs.readFileSync(storeFile(dir), 'utf8') : '',
    ).not.toContain('hunter2');
    expect(secrets.list('p1')).toEqual([]);
  });

  it('reports no encryption at all as unavailable', () => {
    const encryptor = new FakeEncryptor();
    encryptor.available = false;
    const { secrets } = encrypted(encryptor);
    expect(secrets.status()).toEqual({
      available: false,
      reason: expect.stringContaining('asks every time'),
    });
    expect(() => secrets.set(pw, 'x')).toThrow(
      expect.objectContaining({ kind: 'secure-storage-unavailable' }),
    );
  });

  it('treats a secret it can no longer decrypt (keyring changed) as absent and forgets it', () => {
    const dir = tempDir();
    const { secrets } = encrypted(new FakeEncryptor(0x5a), dir);
    secrets.set(pw, 'old-keyring');
    secrets.set(other, 'also-old');
    const afterChange = new EncryptedSecretStore(openConf(dir), new FakeEncryptor(0x33));
    expect(afterChange.get(pw)).toBeUndefined();
    expect(afterChange.has(pw)).toBe(false);
    expect(afterChange.has(other)).toBe(true); // only the one that failed is dropped
  });

  it('keeps secrets while the keyring is locked: a failure then says nothing about them', () => {
    const encryptor = new FakeEncryptor();
    const { secrets } = encrypted(encryptor);
    secrets.set(pw, 'kept');
    encryptor.available = false;
    expect(secrets.get(pw)).toBeUndefined();
    expect(secrets.has(pw)).toBe(true);
    encryptor.available = true;
    expect(secrets.get(pw)).toBe('kept');
  });

  it('keeps entries it does not understand when writing others', () => {
    const { dir, kv, secrets } = encrypted();
    kv.set('secrets', [{ future: 'shape' }]);
    secrets.set(pw, 'x');
    secrets.delete(pw);
    expect(readJson(storeFile(dir)).secrets).toEqual([{ future: 'shape' }]);
  });

  it("is emptied of a profile's secrets when the repository deletes that profile", () => {
    const { dir, kv, secrets } = encrypted();
    const repo = new ProfileRepository(kv, { secrets });
    const a = repo.create({ ...sampleProfile, name: 'A' });
    const b = repo.create({ ...sampleProfile, name: 'B' });
    secrets.set({ profileId: a.id, kind: 'password', target: 'deploy@bastion.example:22' }, 'a');
    secrets.set({ profileId: a.id, kind: 'passphrase', target: '/k' }, 'a2');
    secrets.set({ profileId: b.id, kind: 'password', target: 'deploy@bastion.example:22' }, 'b');
    repo.delete(a.id);
    expect(secrets.list(a.id)).toEqual([]);
    expect(secrets.list(b.id)).toHaveLength(1);
    const stored = readJson(storeFile(dir)).secrets as { profileId: string }[];
    expect(stored.map((s) => s.profileId)).toEqual([b.id]);
  });
});
