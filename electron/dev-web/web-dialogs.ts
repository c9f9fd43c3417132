import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import type { FileDialogs } from '../service/burrow-service';
import { StoreError } from '../store';

/** Names the file `openText` reads, since web mode has no open dialog. */
export const IMPORT_FILE_ENV = 'BURROW_DEV_IMPORT_FILE';

export interface WebDialogOptions {
  storeDir: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
  now?: () => Date;
}

/**
 * File "dialogs" for the web development mode, where no native dialog exists and the page must
 * not choose paths on this machine (the renderer never touches the file system, here too):
 *
 * - Export (`saveText`) writes `<storeDir>/exports/<name>-<timestamp>.json`, owner-only, and
 *   answers with that path, which the UI shows as where the file went.
 * - Import (`openText`) reads the file named by `BURROW_DEV_IMPORT_FILE` when the dev server was
 *   started with it (`BURROW_DEV_IMPORT_FILE=~/profiles.json npm run dev:web`); without it, it
 *   answers as a cancelled dialog would (null).
 */
export function webFileDialogs(options: WebDialogOptions): FileDialogs {
  const env = options.env ?? process.env;
  const now = options.now ?? (() => new Date());
  const home = options.home ?? homedir();
  const exportsDir = join(options.storeDir, 'exports');
  return {
    async saveText(suggestedName, text) {
      const path = join(exportsDir, exportFileName(suggestedName, now()));
      try {
        await mkdir(exportsDir, { recursive: true, mode: 0o700 });
        // 'wx': a second export in the same millisecond must not overwrite the first.
        await writeFile(path, text, { mode: 0o600, flag: 'wx' });
      } catch (err) {
        throw new StoreError('io', `Could not write ${path}: ${(err as Error).message}`);
      }
      return path;
    },
    async openText() {
      const file = env[IMPORT_FILE_ENV];
      if (!file) return null;
      // The shell leaves `~` alone in `VAR=~/x` only sometimes; expand it the way the CLI does.
      const path =
        file === '~' || file.startsWith('~/') ? join(home, file.slice(1)) : resolve(file);
      try {
        return { path, text: await readFile(path, 'utf8') };
      } catch (err) {
        throw new StoreError(
          'io',
          `Could not read ${path} (named by ${IMPORT_FILE_ENV}): ${(err as Error).message}`,
        );
      }
    },
  };
}

/** `burrow-profiles.json` → `burrow-profiles-2025-01-31T12-00-00-000Z.json`, path parts dropped. */
export function exportFileName(suggestedName: string, at: Date): string {
  const name = basename(suggestedName.replace(/\\/g, '/'));
  const stem = name.slice(0, name.length - extname(name).length).replace(/[^\w.-]+/g, '_');
  const stamp = at.toISOString().replace(/[:.]/g, '-');
  return `${stem || 'burrow-export'}-${stamp}.json`;
}
