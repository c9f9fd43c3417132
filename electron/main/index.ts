import type { BrowserWindow } from 'electron';
import { app, net, Notification, powerMonitor, safeStorage } from 'electron';
import ElectronStore from 'electron-store';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AppSettings } from '../../shared';
import { resolveKnownHostsPath } from '../cli/known-hosts-path';
import { onShutdownSignal } from '../cli/signals';
import { nativeCryptoStatus } from '../engine/crypto-binding';
import { receivePathStatus } from '../engine/receive-path';
import { socketTuningStatus } from '../engine/socket-tuning';
import { TunnelManager } from '../engine/manager';
import { createDispatcher } from '../ipc/dispatcher';
import { BurrowService } from '../service/burrow-service';
import { ConnectivityPolicy } from '../service/connectivity';
import { DropNotifier } from '../service/drop-notifier';
import { setLinuxAutostart } from '../service/linux-autostart';
import { TrayController } from '../service/tray-controller';
import type { TrayAction } from '../service/tray-model';
import {
  EncryptedSecretStore,
  openProfileStore,
  SettingsStore,
  STORE_FILE_NAME,
  type KeyValueStore,
} from '../store';
import { readSshConfig } from '../store/ssh-config';
import { nativeFileDialogs } from './dialogs';
import { registerIpcHandlers, windowEventSink } from './ipc-main';
import { createMainWindow, installContentSecurityPolicy } from './main-window';
import { BurrowTray } from './tray';
import { trayIconPath } from './tray-icons';

// The Electron glue only: every decision lives in engine/, store/, ipc/ or service/.

const here = import.meta.dirname;
const renderer = {
  file: pathToFileURL(join(here, '../renderer/index.html')).toString(),
  devServerUrl: app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL,
};
const preloadPath = join(here, '../preload/index.cjs');
/** How often to ask whether the network is back (Electron has no event for it in main). */
const ONLINE_CHECK_MS = 5000;
/** How long quitting waits for tunnels to stop before it quits anyway. */
const QUIT_TIMEOUT_MS = 10_000;

let mainWindow: BrowserWindow | undefined;
let service: BurrowService | undefined;
let settings: SettingsStore | undefined;
let quitting = false;
const cleanups: (() => void)[] = [];

function showWindow(): void {
  if (!mainWindow || mainWindow.isDestroyed()) {
    mainWindow = createMainWindow({ preloadPath, renderer });
    mainWindow.on('close', (event) => {
      // Closing the window keeps tunnels running in the tray, unless the user chose otherwise.
      if (!quitting && settings?.get().closeToTray) {
        event.preventDefault();
        mainWindow?.hide();
      }
    });
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
  settings = new SettingsStore(repo.backend);
  const settingsStore = settings;
  return new BurrowService({
    repo,
    secrets: repo.secrets!,
    settings: settingsStore,
    events: windowEventSink(),
    dialogs: nativeFileDialogs(() => mainWindow),
    createEngine: ({ prompt, resolveProfile }) =>
      new TunnelManager({
        prompt,
        resolveProfile,
        // The CLI's rule: OpenSSH's own file by default, a leading ~ expanded.
        knownHostsPath: () => resolveKnownHostsPath(settingsStore.get().knownHostsPath, homedir()),
      }),
    readSshConfig: () => readSshConfig(),
    info: {
      version: app.getVersion(),
      platform: process.platform,
      storePath: join(dir, STORE_FILE_NAME),
    },
  });
}

function applySettings(current: AppSettings): void {
  if (process.platform === 'linux') {
    // An AppImage runs from a temporary mount: its own path (APPIMAGE) is what must start.
    const command = process.env.APPIMAGE ?? process.execPath;
    void setLinuxAutostart(current.openAtLogin, {
      command,
      env: process.env,
      home: homedir(),
    }).catch((err: unknown) =>
      console.error('[burrow] could not update the autostart entry:', err),
    );
  } else {
    app.setLoginItemSettings({ openAtLogin: current.openAtLogin });
  }
}

function trayActions(burrow: BurrowService): (action: TrayAction) => void {
  // A menu click must never throw into Electron (it would show its crash dialog): handlers may
  // throw synchronously (a profile deleted since the menu was built), so they run inside.
  const run = (work: () => unknown): void => {
    void Promise.resolve()
      .then(work)
      .catch((err: unknown) => console.error('[burrow] tray action failed:', err));
  };
  const h = burrow.handlers;
  return (action) => {
    switch (action.kind) {
      case 'toggle-profile':
        return run(() =>
          action.on
            ? h['tunnels.start']({ profileId: action.profileId })
            : h['tunnels.stop']({ profileId: action.profileId }),
        );
      case 'toggle-forward': {
        const ref = { profileId: action.profileId, forwardId: action.forwardId };
        return run(() =>
          action.on ? h['tunnels.startForward'](ref) : h['tunnels.stopForward'](ref),
        );
      }
      case 'start-group':
        return run(() => h['tunnels.startGroup']({ group: action.group }));
      case 'stop-group':
        return run(() => h['tunnels.stopGroup']({ group: action.group }));
      case 'start-all':
        return run(() => h['tunnels.startAll'](undefined));
      case 'stop-all':
        return run(() => h['tunnels.stopAll'](undefined));
      case 'open':
        return showWindow();
      case 'quit':
        return app.quit();
    }
  };
}

function startBackgroundLife(burrow: BurrowService): void {
  const tray = new BurrowTray(
    (state) =>
      trayIconPath(state, {
        packaged: app.isPackaged,
        resourcesPath: process.resourcesPath,
        appPath: app.getAppPath(),
        platform: process.platform,
      }),
    trayActions(burrow),
  );
  const controller = new TrayController(
    {
      profiles: () => burrow.profiles(),
      snapshot: () => burrow.engine.snapshot(),
    },
    (view) => tray.render(view),
  );
  const notifier = new DropNotifier({
    show: ({ title, body }) => {
      if (Notification.isSupported()) new Notification({ title, body, silent: true }).show();
    },
    nameOf: (id) => burrow.profiles().find((p) => p.id === id)?.name ?? id,
    enabled: () => settings?.get().notifications ?? true,
  });
  const status = burrow.engine.onDidChangeStatus((delta) => {
    controller.changed();
    // The batch already carries every profile that changed; no copy of the whole engine needed.
    notifier.update(delta.changed);
  });
  const profiles = burrow.onDidChangeProfiles(() => controller.changed());
  controller.refresh();

  const connectivity = new ConnectivityPolicy(burrow.engine);
  const onSuspend = (): void => connectivity.suspended();
  const onResume = (): void => connectivity.resumed();
  powerMonitor.on('suspend', onSuspend);
  powerMonitor.on('resume', onResume);
  const onlineTimer = setInterval(
    () => connectivity.onlineChanged(net.isOnline()),
    ONLINE_CHECK_MS,
  );

  cleanups.push(
    () => status.dispose(),
    profiles,
    () => controller.dispose(),
    () => notifier.dispose(),
    () => clearInterval(onlineTimer),
    () => powerMonitor.off('suspend', onSuspend),
    () => powerMonitor.off('resume', onResume),
    () => tray.dispose(),
  );
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
    const crypto = nativeCryptoStatus();
    if (!crypto.native)
      console.warn(`[burrow] ssh2 runs on its slower JavaScript crypto: ${crypto.reason}`);
    const tuning = socketTuningStatus();
    if (!tuning.available && tuning.needed)
      console.warn(
        `[burrow] downloads run slower: the socket-tuning binding is missing: ${tuning.reason}`,
      );
    const receive = receivePathStatus();
    if (!receive.available && receive.needed)
      console.warn(
        `[burrow] downloads run slower: the receive-path binding is missing: ${receive.reason}`,
      );
    const burrow = (service = startService());
    const dispatch = createDispatcher(burrow.handlers, {
      onInternalError: (command, error) => console.error(`[burrow] ${command} failed:`, error),
    });
    cleanups.push(
      registerIpcHandlers(dispatch, {
        rendererFile: renderer.file,
        devServerOrigin: renderer.devServerUrl ? new URL(renderer.devServerUrl).origin : undefined,
      }),
      burrow.onDidChangeSettings(applySettings),
    );
    startBackgroundLife(burrow);
    const current = settings!.get();
    applySettings(current);
    if (!current.startMinimized) showWindow();
    // Profiles marked "start when Burrow starts".
    for (const profile of burrow.profiles().filter((p) => p.autoStart))
      void burrow.handlers['tunnels.start']({ profileId: profile.id });
    app.on('activate', showWindow);
  });
  // SIGINT/SIGTERM (a terminal, a logout) quit the same way as the menu does.
  onShutdownSignal(() => app.quit());
  // Quitting stops every tunnel first, so no port outlives the app.
  app.on('before-quit', (event) => {
    if (quitting || !service) return;
    event.preventDefault();
    quitting = true;
    for (const cleanup of cleanups.splice(0)) cleanup();
    // Every port is released by dispose(); a stuck one still lets the app quit after a while.
    const stopped = Promise.race([
      service.dispose(),
      new Promise((resolve) => setTimeout(resolve, QUIT_TIMEOUT_MS)),
    ]);
    void stopped
      .catch((err: unknown) => console.error('[burrow] stopping tunnels failed:', err))
      .finally(() => app.quit());
  });
  // With "close to tray" the last window closing does not quit (the tunnels live on in the
  // tray); without it, it does, except on macOS where apps stay in the dock.
  app.on('window-all-closed', () => {
    if (!service || (!settings?.get().closeToTray && process.platform !== 'darwin')) app.quit();
  });
}
