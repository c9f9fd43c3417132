import type { BrowserWindowConstructorOptions } from 'electron';

/**
 * The main window's options (DESIGN.md section 5). A pure function, so the security settings are
 * tested without launching Electron.
 */
export function mainWindowOptions(options: {
  preloadPath: string;
  iconPath?: string;
  show?: boolean;
}): BrowserWindowConstructorOptions {
  return {
    width: 1100,
    height: 720,
    minWidth: 720,
    minHeight: 480,
    title: 'Burrow',
    show: options.show ?? false,
    ...(options.iconPath ? { icon: options.iconPath } : {}),
    backgroundColor: '#1b1d22',
    autoHideMenuBar: true,
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
    },
  };
}
