// A stand-in for the parts of Electron's main-process API that Burrow's main bundle uses. The
// Electron binary cannot run here; this lets the real bundle load in Node and be driven. It
// records what main asked of Electron so a test can check it.
import { EventEmitter } from 'node:events';

export const recorded = {
  handlers: new Map(),
  windows: [],
  sent: [],
  headerHook: undefined,
  quitCalls: 0,
  trays: [],
  notifications: [],
  loginItem: undefined,
};
const appEvents = new EventEmitter();

export const app = {
  isPackaged: false,
  getPath: () => process.env.BURROW_TEST_USER_DATA,
  getVersion: () => '0.0.0-fake',
  requestSingleInstanceLock: () => true,
  whenReady: () => Promise.resolve(),
  on(event, listener) {
    appEvents.on(event, listener);
    return app;
  },
  emit: (event, ...args) => appEvents.emit(event, ...args),
  quit() {
    recorded.quitCalls += 1;
  },
  getAppPath: () => process.env.BURROW_TEST_APP_PATH,
  setLoginItemSettings: (settings) => (recorded.loginItem = settings),
};

export class BrowserWindow {
  constructor(options) {
    this.options = options;
    this.url = undefined;
    this.visible = false;
    this.listeners = new EventEmitter();
    this.webContents = {
      on() {},
      setWindowOpenHandler: (handler) => (this.windowOpenHandler = handler),
      getURL: () => this.url,
      send: (channel, payload) => recorded.sent.push({ channel, payload }),
    };
    recorded.windows.push(this);
  }
  static getAllWindows() {
    return recorded.windows;
  }
  loadURL(url) {
    this.url = url;
    return Promise.resolve();
  }
  on(event, listener) {
    this.listeners.on(event, listener);
  }
  once() {}
  show() {
    this.visible = true;
  }
  hide() {
    this.visible = false;
  }
  /** What the user's close button does: main may prevent it (close to tray). */
  close() {
    let prevented = false;
    this.listeners.emit('close', { preventDefault: () => (prevented = true) });
    if (!prevented) this.destroyed = true;
    return !prevented;
  }
  focus() {}
  restore() {}
  isMinimized() {
    return false;
  }
  isDestroyed() {
    return this.destroyed === true;
  }
}

export const ipcMain = {
  handle: (channel, handler) => recorded.handlers.set(channel, handler),
  removeHandler: (channel) => recorded.handlers.delete(channel),
  on() {},
};

// Linux without a keyring: Electron reports the basic_text backend.
export const safeStorage = {
  isEncryptionAvailable: () => false,
  getSelectedStorageBackend: () => 'basic_text',
  encryptString() {
    throw new Error('no keyring');
  },
  decryptString() {
    throw new Error('no keyring');
  },
};

export const session = {
  defaultSession: { webRequest: { onHeadersReceived: (hook) => (recorded.headerHook = hook) } },
};
export const nativeImage = {
  createFromPath: (path) => ({ path, setTemplateImage() {} }),
};

export class Tray {
  constructor(image) {
    this.image = image;
    this.menu = undefined;
    this.tooltip = '';
    recorded.trays.push(this);
  }
  on() {}
  setImage(image) {
    this.image = image;
  }
  setToolTip(tooltip) {
    this.tooltip = tooltip;
  }
  setContextMenu(menu) {
    this.menu = menu;
  }
  destroy() {
    this.destroyed = true;
  }
}

export const Menu = {
  buildFromTemplate: (template) => ({ template }),
};

export class Notification {
  static isSupported() {
    return true;
  }
  constructor(options) {
    this.options = options;
  }
  show() {
    recorded.notifications.push(this.options);
  }
}

export const powerMonitor = new EventEmitter();
export const net = { isOnline: () => true };

export const shell = { openExternal: async () => {}, openPath: async () => '' };
export const dialog = {
  showSaveDialog: async () => ({ canceled: true }),
  showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
};

export default {
  app,
  BrowserWindow,
  ipcMain,
  safeStorage,
  session,
  shell,
  dialog,
  nativeImage,
  Tray,
  Menu,
  Notification,
  powerMonitor,
  net,
};
