import { z } from 'zod';
import type { KeyValueStore } from './key-value-store';
import { CURRENT_SCHEMA_VERSION } from './migrations';
import { StoreError } from './store-error';

export type SecretKind = 'password' | 'passphrase';

export interface SecretRef {
  profileId: string;
  kind: SecretKind;
  /** `user@host:port` for a password, the key file path for a passphrase. */
  target: string;
}

export type SecretStorageStatus = { available: true } | { available: false; reason: string };

/**
 * Saved passwords and key passphrases. Values never leave the main process: the renderer gets
 * `list()` and `has()` only. Implementations never keep a value in clear on disk.
 */
export interface SecretStore {
  status(): SecretStorageStatus;
  /** The value, or undefined when none is saved or it can no longer be decrypted. */
  get(ref: SecretRef): string | undefined;
  /** Whether a value is saved (without decrypting it). */
  has(ref: SecretRef): boolean;
  /** Throws StoreError `secure-storage-unavailable` when it cannot encrypt; stores nothing then. */
  set(ref: SecretRef, value: string): void;
  delete(ref: SecretRef): void;
  deleteProfile(profileId: string): void;
  /** What is saved for a profile, never the values. */
  list(profileId: string): Omit<SecretRef, 'profileId'>[];
}

/** The part of Electron's `safeStorage` we use; tests pass a fake, the app passes safeStorage. */
export interface Encryptor {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(cipher: Buffer): string;
  /** Linux: `basic_text` means no keyring, so "encrypted" is clear text: treated as unavailable. */
  getSelectedStorageBackend?(): string;
}

/** The stored key and entry shape: `secrets: [{ profileId, kind, target, ciphertext }]`. */
export const SECRETS_KEY = 'secrets';

const SecretRefSchema = z.object({
  profileId: z.string().min(1),
  kind: z.enum(['password', 'passphrase']),
  target: z.string().min(1),
});

const SecretEntrySchema = SecretRefSchema.extend({
  /** base64 of what `encryptString` returned. */
  ciphertext: z.string(),
});
type SecretEntry = z.infer<typeof SecretEntrySchema>;

function sameRef(a: SecretRef, b: SecretRef): boolean {
  return a.profileId === b.profileId && a.kind === b.kind && a.target === b.target;
}

function checkRef(ref: SecretRef): void {
  if (!SecretRefSchema.safeParse(ref).success) {
    throw new StoreError(
      'invalid-config',
      'A saved secret needs a profile id, a kind (password or passphrase) and a target.',
    );
  }
}

const NO_ENCRYPTION =
  'This system offers no secure storage for passwords, so Burrow does not save them; it asks every time instead.';
const NO_KEYRING =
  'No keyring (such as GNOME Keyring or KWallet) is running and unlocked, so a saved password would be stored as plain text. Install or unlock a keyring to save passwords; until then Burrow asks every time.';

/**
 * Ciphertext from `safeStorage` (base64), kept in the same store file under `secrets`, so a
 * profile and its secrets live and are backed up together. Only the OS keyring can decrypt them.
 */
export class EncryptedSecretStore implements SecretStore {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly encryptor: Encryptor,
  ) {}

  status(): SecretStorageStatus {
    let available: boolean;
    try {
      available = this.encryptor.isEncryptionAvailable();
    } catch {
      available = false;
    }
    if (!available) return { available: false, reason: NO_ENCRYPTION };
    if (this.encryptor.getSelectedStorageBackend?.() === 'basic_text') {
      return { available: false, reason: NO_KEYRING };
    }
    return { available: true };
  }

  get(ref: SecretRef): string | undefined {
    // Without a working keyring a decrypt failure says nothing about the secret: keep it.
    if (!this.status().available) return undefined;
    const entry = this.entries().find((e) => sameRef(e, ref));
    if (!entry) return undefined;
    try {
      return this.encryptor.decryptString(Buffer.from(entry.ciphertext, 'base64'));
    } catch {
      // The keyring changed (new login keyring, another machine): this value is lost for good.
      // Forget it so the user is asked, and saves it again if they like.
      try {
        this.delete(ref);
      } catch {
        // A read-only (newer) store keeps it; the caller still just sees "absent".
      }
      return undefined;
    }
  }

  has(ref: SecretRef): boolean {
    return this.entries().some((e) => sameRef(e, ref));
  }

  set(ref: SecretRef, value: string): void {
    checkRef(ref);
    if (typeof value !== 'string') {
      throw new StoreError('invalid-config', 'A secret must be a string.');
    }
    this.assertWritable();
    const status = this.status();
    if (!status.available) throw new StoreError('secure-storage-unavailable', status.reason);
    let ciphertext: string;
    try {
      ciphertext = this.encryptor.encryptString(value).toString('base64');
    } catch (err) {
      throw new StoreError(
        'secure-storage-unavailable',
        `The secret could not be encrypted (${(err as Error).message}); nothing was saved.`,
      );
    }
    const entry: SecretEntry = {
      profileId: ref.profileId,
      kind: ref.kind,
      target: ref.target,
      ciphertext,
    };
    this.write([...this.rawEntries().filter((e) => !matches(e, (s) => sameRef(s, ref))), entry]);
  }

  delete(ref: SecretRef): void {
    this.remove((e) => sameRef(e, ref));
  }

  deleteProfile(profileId: string): void {
    this.remove((e) => e.profileId === profileId);
  }

  list(profileId: string): Omit<SecretRef, 'profileId'>[] {
    return this.entries()
      .filter((e) => e.profileId === profileId)
      .map(({ kind, target }) => ({ kind, target }));
  }

  private remove(predicate: (entry: SecretEntry) => boolean): void {
    const raw = this.rawEntries();
    const kept = raw.filter((e) => !matches(e, predicate));
    if (kept.length === raw.length) return;
    this.assertWritable();
    this.write(kept);
  }

  /** Entries as stored, including any this version cannot read: a write keeps those as they are. */
  private rawEntries(): unknown[] {
    const raw = this.kv.get(SECRETS_KEY);
    return Array.isArray(raw) ? raw : [];
  }

  private entries(): SecretEntry[] {
    return this.rawEntries().flatMap((e) => {
      const parsed = SecretEntrySchema.safeParse(e);
      return parsed.success ? [parsed.data] : [];
    });
  }

  private write(entries: unknown[]): void {
    try {
      this.kv.set(SECRETS_KEY, entries);
    } catch (err) {
      throw new StoreError('io', `Could not save secrets: ${(err as Error).message}`);
    }
  }

  /** A newer Burrow's file is left untouched, secrets included (see ProfileRepository). */
  private assertWritable(): void {
    const version = this.kv.get('schemaVersion');
    if (typeof version === 'number' && version > CURRENT_SCHEMA_VERSION) {
      throw new StoreError(
        'conflict',
        'The profiles file was saved by a newer Burrow and is open read-only: update Burrow to change saved secrets.',
      );
    }
  }
}

function matches(raw: unknown, predicate: (entry: SecretEntry) => boolean): boolean {
  const parsed = SecretEntrySchema.safeParse(raw);
  return parsed.success && predicate(parsed.data);
}

/** Secrets for one run: tests, and the CLI's "remember for this run only". */
export class MemorySecretStore implements SecretStore {
  private readonly values = new Map<string, { ref: SecretRef; value: string }>();

  status(): SecretStorageStatus {
    return { available: true };
  }

  get(ref: SecretRef): string | undefined {
    return this.values.get(key(ref))?.value;
  }

  has(ref: SecretRef): boolean {
    return this.values.has(key(ref));
  }

  set(ref: SecretRef, value: string): void {
    checkRef(ref);
    this.values.set(key(ref), { ref: { ...ref }, value });
  }

  delete(ref: SecretRef): void {
    this.values.delete(key(ref));
  }

  deleteProfile(profileId: string): void {
    for (const [k, { ref }] of this.values) if (ref.profileId === profileId) this.values.delete(k);
  }

  list(profileId: string): Omit<SecretRef, 'profileId'>[] {
    return [...this.values.values()]
      .filter(({ ref }) => ref.profileId === profileId)
      .map(({ ref }) => ({ kind: ref.kind, target: ref.target }));
  }
}

function key(ref: SecretRef): string {
  return JSON.stringify([ref.profileId, ref.kind, ref.target]);
}
