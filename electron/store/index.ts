/**
 * The profile store: saved profiles over conf / electron-store, migrations, repair, secrets,
 * import and export. Electron-free: the CLI and the Electron main process both use it.
 */
export { StoreError, type StoreErrorKind, type FieldIssue } from './store-error';
export type { KeyValueStore } from './key-value-store';
export {
  APP_NAME,
  STORE_CONFIG_NAME,
  STORE_DIR_ENV,
  STORE_FILE_NAME,
  defaultStoreDir,
  defaultStoreLocation,
  type StoreLocation,
} from './store-path';
export { CURRENT_SCHEMA_VERSION, migrateToCurrent } from './migrations';
export type { StoreIssue } from './store-data';
export { prepareStoreFile, readStoreSnapshot, type StoreSnapshot } from './store-file';
export {
  ProfileRepository,
  type ForwardDraft,
  type ForwardInput,
  type ProfileDraft,
  type ProfileRepositoryOptions,
  type ProfileUpdate,
  type SaveAllOptions,
} from './profile-repository';
export { openProfileStore, type BackendOptions, type OpenProfileStoreOptions } from './open-store';
export {
  EncryptedSecretStore,
  MemorySecretStore,
  SECRETS_KEY,
  type Encryptor,
  type SecretKind,
  type SecretRef,
  type SecretStorageStatus,
  type SecretStore,
} from './secrets';
export {
  SAVED_ANSWER_RETRY_WINDOW_MS,
  passwordTarget,
  secretRefFor,
  withSavedSecrets,
} from './secret-prompt';
export { SETTINGS_KEY, SettingsStore } from './settings-store';
export {
  applyImport,
  defaultImportChoice,
  exportProfileList,
  exportProfiles,
  previewImport,
  type ImportAction,
  type ImportChoice,
  type ImportItem,
  type ImportPreview,
  type ImportResult,
} from './import-export';
