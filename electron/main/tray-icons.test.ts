import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trayIconPath } from './tray-icons';

const root = join(import.meta.dirname, '..', '..');

describe('trayIconPath', () => {
  it('points at an icon that exists for every state on every platform, in development', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      for (const state of ['idle', 'up', 'reconnecting', 'error'] as const) {
        const path = trayIconPath(state, {
          packaged: false,
          resourcesPath: '/nowhere',
          appPath: root,
          platform,
        });
        expect(existsSync(path), path).toBe(true);
      }
    }
  });

  it('looks in the resources folder once packaged', () => {
    expect(
      trayIconPath('up', {
        packaged: true,
        resourcesPath: '/opt/Burrow/resources',
        appPath: '/x',
        platform: 'linux',
      }),
    ).toBe('/opt/Burrow/resources/assets/tray/tray-up.png');
  });
});
