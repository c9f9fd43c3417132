import os from 'node:os';
import path from 'node:path';

/** The Electron app name; `app.getPath('userData')` is the platform's app-data folder plus this. */
export const APP_NAME = 'Burrow';
export const STORE_FILE_NAME = 'profiles.json';
/** conf's `configName`: the file name without `.json`. */
export const STORE_CONFIG_NAME = 'profiles';
/** Set this to use another store folder (tests, portable installs, a second profile set). */
export const STORE_DIR_ENV = 'BURROW_STORE_DIR';

/**
 * The folder the app keeps its store in, computed without Electron so the CLI finds the same file:
 * Linux `$XDG_CONFIG_HOME/Burrow` (default `~/.config/Burrow`), macOS
 * `~/Library/Application Support/Burrow`, Windows `%APPDATA%\Burrow`. `BURROW_STORE_DIR` wins.
 */
export function defaultStoreDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  const override = env[STORE_DIR_ENV];
  if (override) return override;
  // Join with the target platform's separators, so the answer is right even when computed (or
  // tested) elsewhere.
  if (platform === 'win32') {
    return path.win32.join(env.APPDATA || path.win32.join(home, 'AppData', 'Roaming'), APP_NAME);
  }
  if (platform === 'darwin') {
    return path.posix.join(home, 'Library', 'Application Support', APP_NAME);
  }
  return path.posix.join(env.XDG_CONFIG_HOME || path.posix.join(home, '.config'), APP_NAME);
}

export interface StoreLocation {
  dir: string;
  /** `dir` + `profiles.json`. */
  file: string;
}

export function defaultStoreLocation(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): StoreLocation {
  const dir = defaultStoreDir(env, platform, home);
  const join = platform === 'win32' ? path.win32.join : path.posix.join;
  return { dir, file: join(dir, STORE_FILE_NAME) };
}
