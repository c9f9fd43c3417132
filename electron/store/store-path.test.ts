import { describe, expect, it } from 'vitest';
import { defaultStoreDir, defaultStoreLocation } from './store-path';

describe('defaultStoreDir', () => {
  it('matches Electron userData on Linux, honouring XDG_CONFIG_HOME', () => {
    expect(defaultStoreDir({}, 'linux', '/home/ann')).toBe('/home/ann/.config/Burrow');
    expect(defaultStoreDir({ XDG_CONFIG_HOME: '/xdg' }, 'linux', '/home/ann')).toBe('/xdg/Burrow');
    expect(defaultStoreDir({ XDG_CONFIG_HOME: '' }, 'linux', '/home/ann')).toBe(
      '/home/ann/.config/Burrow',
    );
  });

  it('matches Electron userData on macOS', () => {
    expect(defaultStoreDir({}, 'darwin', '/Users/ann')).toBe(
      '/Users/ann/Library/Application Support/Burrow',
    );
  });

  it('matches Electron userData on Windows, with backslashes', () => {
    expect(
      defaultStoreDir({ APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, 'win32', 'C:\\Users\\ann'),
    ).toBe('C:\\Users\\ann\\AppData\\Roaming\\Burrow');
    expect(defaultStoreDir({}, 'win32', 'C:\\Users\\ann')).toBe(
      'C:\\Users\\ann\\AppData\\Roaming\\Burrow',
    );
  });

  it('is overridden by BURROW_STORE_DIR on every platform', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      expect(defaultStoreDir({ BURROW_STORE_DIR: '/tmp/b' }, platform, '/home/ann')).toBe('/tmp/b');
    }
  });

  it('gives the profiles file inside the folder', () => {
    expect(defaultStoreLocation({}, 'linux', '/home/ann')).toEqual({
      dir: '/home/ann/.config/Burrow',
      file: '/home/ann/.config/Burrow/profiles.json',
    });
    expect(defaultStoreLocation({ APPDATA: 'D:\\AD' }, 'win32', 'D:\\').file).toBe(
      'D:\\AD\\Burrow\\profiles.json',
    );
  });
});
