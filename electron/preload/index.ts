import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { createBurrowClient } from '../../shared/ipc-client';

// The whole bridge: built from the contract's names, no logic, nothing else exposed. Bundled as
// CommonJS, since a sandboxed preload cannot load ES modules or node_modules.
contextBridge.exposeInMainWorld(
  'burrow',
  createBurrowClient({
    invoke: (channel, payload) => ipcRenderer.invoke(channel, payload),
    subscribe: (channel, listener) => {
      const handler = (_event: IpcRendererEvent, payload: unknown): void => listener(payload);
      ipcRenderer.on(channel, handler);
      return () => ipcRenderer.removeListener(channel, handler);
    },
  }),
);
