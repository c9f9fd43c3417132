import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  importSshConfig,
  type ImportSshConfigOptions,
  type SshConfigHost,
  type SshConfigImport,
} from './import';
import { globPaths, readTextFile } from './node-fs';

/** Shared by the ssh_config import tests: where the fixtures are and how they are read. */

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
/** A pretend home directory: relative Include paths resolve under its .ssh/. */
export const FIXTURE_HOME = join(FIXTURES, 'home');

export const FIXTURE_FILES = [
  'defaults-top.conf',
  'defaults-bottom.conf',
  'negation.conf',
  'jumps.conf',
  'forwards.conf',
  'bad-forwards.conf',
  'auth.conf',
  'unsupported.conf',
  'invalid.conf',
  'ids.conf',
  'include-loop.conf',
  'home/.ssh/config',
];

export const TEST_ENV = { BURROW_TEST_AGENT: '/run/agent.sock', BURROW_TEST_KEYS: '/keys' };

export function importFixture(
  name: string,
  options: Partial<ImportSshConfigOptions> = {},
): SshConfigImport {
  const path = join(FIXTURES, name);
  return importSshConfig(readFileSync(path, 'utf8'), {
    path,
    home: FIXTURE_HOME,
    readFile: readTextFile,
    glob: globPaths,
    localUser: 'me',
    localHostname: 'box.example',
    env: TEST_ENV,
    ...options,
  });
}

export function hostOf(result: SshConfigImport, alias: string): SshConfigHost {
  const found = result.hosts.find((h) => h.alias === alias);
  if (!found)
    throw new Error(`no host "${alias}" in ${result.hosts.map((h) => h.alias).join(', ')}`);
  return found;
}
