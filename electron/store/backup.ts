import fs from 'node:fs';
import path from 'node:path';

/** `2024-05-01T123000.123Z`: ISO 8601 without colons, which Windows forbids in file names. */
export function fileTimestamp(date: Date): string {
  return date.toISOString().replace(/:/g, '');
}

/**
 * Copies `file` to `<file>.<label>-<timestamp>.bak` and returns the copy's path. Never overwrites
 * an earlier backup: two in the same millisecond get `-1`, `-2`… appended.
 */
export function backupFile(file: string, label: string, now: Date): string {
  const base = `${file}.${label}-${fileTimestamp(now)}`;
  for (let n = 0; ; n++) {
    const target = `${base}${n === 0 ? '' : `-${n}`}.bak`;
    try {
      fs.copyFileSync(file, target, fs.constants.COPYFILE_EXCL);
      return target;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/**
 * Write-temp-then-rename, as conf does, for the one write made before a conf instance exists
 * (replacing an unreadable file). A reader sees the old file or the new one, never half of one.
 */
export function writeFileAtomic(file: string, text: string, mode = 0o600): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.tmp-${process.pid}-${Date.now()}`;
  try {
    fs.writeFileSync(temp, text, { mode });
    fs.renameSync(temp, file);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
}
