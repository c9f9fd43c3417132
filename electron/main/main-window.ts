import { BrowserWindow, session, shell } from 'electron';
import { contentSecurityPolicy, isAllowedNavigation, isExternalLinkAllowed } from './security';
import { mainWindowOptions } from './window-options';

export interface RendererLocation {
  /** file:// URL of the built index.html. */
  file: string;
  /** Set in development (electron-vite dev): the renderer comes from Vite's server. */
  devServerUrl?: string;
}

/** Applies the CSP to every response, so even a page without the meta tag gets it. */
export function installContentSecurityPolicy(devServerUrl?: string): void {
  const policy = contentSecurityPolicy(devServerUrl ? new URL(devServerUrl).origin : undefined);
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [policy] },
    });
  });
}

export function createMainWindow(options: {
  preloadPath: string;
  renderer: RendererLocation;
}): BrowserWindow {
  const window = new BrowserWindow(mainWindowOptions({ preloadPath: options.preloadPath }));
  const { webContents } = window;
  // No navigation away from Burrow, no new windows; https links open in the system browser.
  webContents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url, webContents.getURL())) event.preventDefault();
  });
  webContents.setWindowOpenHandler(({ url }) => {
    if (isExternalLinkAllowed(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  webContents.on('will-attach-webview', (event) => event.preventDefault());
  window.once('ready-to-show', () => window.show());
  if (options.renderer.devServerUrl) void window.loadURL(options.renderer.devServerUrl);
  else void window.loadURL(options.renderer.file);
  return window;
}
