import Conf from 'conf';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import type { Encryptor } from './secrets';

/** Test helpers: real files in temp folders, real conf instances. Only safeStorage is faked. */

/** A fresh temp folder per call, removed after the test. */
export function useTempDirs(): () => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-store-'));
    dirs.push(dir);
    return dir;
  };
}

export function openConf(dir: string, options: { watch?: boolean } = {}): Conf {
  return new Conf({ cwd: dir, configName: 'profiles', projectName: 'burrow-test', ...options });
}

export function storeFile(dir: string): string {
  return path.join(dir, 'profiles.json');
}

export function readJson(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** Files in `dir` whose names start with `prefix` (backups). */
export function filesStartingWith(dir: string, prefix: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.startsWith(prefix))
    .sort();
}

const MARKER = 'FAKE1:';

/**
 * Stands in for Electron's safeStorage: reversible XOR under a key, with a marker so that a
 * different key (a changed keyring) fails to decrypt, as the real one does.
 */
export class FakeEncryptor implements Encryptor {
  available = true;
  backend: string | undefined = 'gnome_libsecret';

  constructor(private readonly key = 0x5a) {}

  isEncryptionAvailable(): boolean {
    return this.available;
  }

  encryptString(plain: string): Buffer {
    if (!this.available) throw new Error('Encryption is not available.');
    return this.xor(Buffer.from(MARKER + plain, 'utf8'));
  }

  decryptString(cipher: Buffer): string {
    if (!this.available) throw new Error('Decryption is not available.');
    const text = this.xor(cipher).toString('utf8');
    if (!text.startsWith(MARKER)) throw new Error('Error while decrypting the ciphertext provided');
    return text.slice(MARKER.length);
  }

  getSelectedStorageBackend(): string {
    return this.backend ?? 'unknown';
  }

  private xor(input: Buffer): Buffer {
    return Buffer.from(input.map((b) => b ^ this.key));
  }
}

export const sampleProfile = {
  name: 'Staging',
  host: 'bastion.example',
  username: 'deploy',
};
