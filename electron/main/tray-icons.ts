import { join } from 'node:path';
import type { TrayState } from '../service/tray-model';

/**
 * Where the tray icons are: beside the app in development, in the packaged app's resources
 * (electron-builder's extraResources) once installed. macOS uses black-and-alpha template images
 * so the menu bar can tint them; Windows prefers .ico; Linux takes PNG.
 */
export function trayIconPath(
  state: TrayState,
  options: { packaged: boolean; resourcesPath: string; appPath: string; platform: NodeJS.Platform },
): string {
  const base = options.packaged
    ? join(options.resourcesPath, 'assets', 'tray')
    : join(options.appPath, 'assets', 'tray');
  if (options.platform === 'darwin') return join(base, `tray-${state}Template.png`);
  if (options.platform === 'win32') return join(base, `tray-${state}.ico`);
  return join(base, `tray-${state}.png`);
}
