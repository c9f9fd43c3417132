import type { BrowserWindow } from 'electron';
import { app, safeStorage } from 'electron';
import ElectronStore from 'electron-store';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { onShutdownSignal } from '../cli/signals';
import { TunnelManager } from '../engine/manager';
import { createDispatcher } from '../ipc/dispatcher';
import { BurrowService } from '../service/burrow-service';
import {
  EncryptedSecretStore,
  openProfileStore,
  STORE_FILE_NAME,
  type KeyValueStore,
} from '../store';
import { readSshConfig } from '../store/ssh-config';
import { nativeFileDialogs } from './dialogs';
import { registerIpcHandlers, windowEventSink } from './ipc-main';
import { createMainWindow, installContentSecurityPolicy } from './main-window';

// The Electron glue only: every decision lives in engine/, store/, ipc/ or service/.

const here = import.meta.dirname;
const renderer = {
  file: pathToFileURL(join(here, '../renderer/index.html')).toString(),
  devServerUrl: app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL,
};
const preloadPath = join(here, '../preload/index.cjs');

let mainWindow: BrowserWindow | undefined;
let service: BurrowService | undefined;
let quitting = false;

function showWindow(): void {
  if (!mainWindow || mainWindow.isDestroyed()) {
    mainWindow = createMainWindow({ preloadPath, renderer });
    mainWindow.on('closed', () => (mainWindow = undefined));
    return;
  }
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

function startService(): BurrowService {
  const dir = app.getPath('userData');
  const repo = openProfileStore({
    dir,
    watchExternalChanges: true,
    createBackend: ({ cwd, configName, watch, configFileMode }) =>
      new ElectronStore({
        cwd,
        name: configName,
        watch,
        configFileMode,
      }) as unknown as KeyValueStore,
    secrets: (kv) => new EncryptedSecretStore(kv, safeStorage),
  });
  return new BurrowService({
    repo,
    secrets: repo.secrets!,
    events: windowEventSink(),
    dialogs: nativeFileDialogs(() => mainWindow),
    createEngine: ({ prompt, resolveProfile }) =>
      new TunnelManager({
        prompt,
        resolveProfile,
        knownHostsPath: join(homedir(), '.ssh', 'known_hosts'),
      }),
    readSshConfig: () => readSshConfig(),
    info: {
      version: app.getVersion(),
      platform: process.platform,
      storePath: join(dir, STORE_FILE_NAME),
    },
  });
}

if (!app.requestSingleInstanceLock()) {
  // Another Burrow is running: it gets the 'second-instance' event and shows its window.
  app.quit();
} else {
  app.on('second-instance', showWindow);
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
  void app.whenReady().then(() => {
    installContentSecurityPolicy(renderer.devServerUrl);
    service = startService();
    const dispatch = createDispatcher(service.handlers, {
      onInternalError: (command, error) => console.error(`[burrow] ${command} failed:`, error),
    });
    registerIpcHandlers(dispatch, {
      rendererFile: renderer.file,
      devServerOrigin: renderer.devServerUrl ? new URL(renderer.devServerUrl).origin : undefined,
    });
    showWindow();
    app.on('activate', showWindow);
  });
  // SIGINT/SIGTERM (a terminal, a logout) quit the same way as the menu does.
  onShutdownSignal(() => app.quit());
  // Quitting stops every tunnel first, so no port outlives the app.
  app.on('before-quit', (event) => {
    if (quitting || !service) return;
    event.preventDefault();
    quitting = true;
    void service.dispose().finally(() => app.quit());
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
