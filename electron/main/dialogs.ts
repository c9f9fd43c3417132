import { dialog, type BrowserWindow } from 'electron';
import { readFile, writeFile } from 'node:fs/promises';
import type { FileDialogs } from '../service/burrow-service';

/** Native open/save dialogs for import and export; the renderer never touches the file system. */
export function nativeFileDialogs(parent: () => BrowserWindow | undefined): FileDialogs {
  const filters = [{ name: 'Burrow profiles', extensions: ['json'] }];
  return {
    async saveText(suggestedName, text) {
      const window = parent();
      const options = { defaultPath: suggestedName, filters };
      const result = window
        ? await dialog.showSaveDialog(window, options)
        : await dialog.showSaveDialog(options);
      if (result.canceled || !result.filePath) return null;
      await writeFile(result.filePath, text, { mode: 0o600 });
      return result.filePath;
    },
    async openText() {
      const window = parent();
      const options = { filters, properties: ['openFile' as const] };
      const result = window
        ? await dialog.showOpenDialog(window, options)
        : await dialog.showOpenDialog(options);
      const path = result.filePaths[0];
      if (result.canceled || !path) return null;
      return { path, text: await readFile(path, 'utf8') };
    },
  };
}
