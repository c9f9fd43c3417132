import Conf from 'conf';
import path from 'node:path';
import type { KeyValueStore } from './key-value-store';
import { ProfileRepository } from './profile-repository';
import type { SecretStore } from './secrets';
import { prepareStoreFile } from './store-file';
import { STORE_CONFIG_NAME, STORE_FILE_NAME, defaultStoreDir } from './store-path';

/** What a backend is built with; electron-store takes the same options (`name` for configName). */
export interface BackendOptions {
  cwd: string;
  configName: string;
  watch: boolean;
  /** Owner-only: the file holds host names, user names and encrypted secrets. */
  configFileMode: number;
}

export interface OpenProfileStoreOptions {
  /** Folder of `profiles.json`; default `defaultStoreDir()` (the app's, or BURROW_STORE_DIR). */
  dir?: string;
  /**
   * Notice changes other processes write (the CLI while the app runs), via conf's `watch`.
   * Off by default: it polls the file (Linux: fs.watchFile), which a one-shot CLI does not need.
   */
  watchExternalChanges?: boolean;
  /** Builds the backend; default a `conf` instance. The Electron main may build electron-store. */
  createBackend?: (options: BackendOptions) => KeyValueStore;
  /** Secret store, or a factory over the same backend (`kv => new EncryptedSecretStore(kv, safeStorage)`). */
  secrets?: SecretStore | ((backend: KeyValueStore) => SecretStore);
  now?: () => Date;
}

/**
 * Opens the store the way the app and the CLI both should: set an unparseable file aside first
 * (conf would throw on it), then open the backend and the repository, which migrates and repairs.
 */
export function openProfileStore(options: OpenProfileStoreOptions = {}): ProfileRepository {
  const dir = options.dir ?? defaultStoreDir();
  const now = options.now ?? (() => new Date());
  const openIssues = prepareStoreFile(path.join(dir, STORE_FILE_NAME), now);
  const backendOptions: BackendOptions = {
    cwd: dir,
    configName: STORE_CONFIG_NAME,
    watch: options.watchExternalChanges ?? false,
    configFileMode: 0o600,
  };
  const backend = options.createBackend
    ? options.createBackend(backendOptions)
    : new Conf<Record<string, unknown>>(backendOptions);
  const secrets =
    typeof options.secrets === 'function' ? options.secrets(backend) : options.secrets;
  return new ProfileRepository(backend, { secrets, openIssues, now });
}
