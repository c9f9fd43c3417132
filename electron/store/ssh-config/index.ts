export {
  importSshConfig,
  readSshConfig,
  profileIdFromAlias,
  type ImportSshConfigOptions,
  type ReadSshConfigOptions,
  type SshConfigHost,
  type SshConfigImport,
} from './import';
