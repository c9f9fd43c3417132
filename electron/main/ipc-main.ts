import { BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';
import { COMMAND_NAMES, ipcChannel, type EventName, type EventPayloads } from '../../shared';
import type { Dispatch } from '../ipc/dispatcher';
import { isTrustedSender, type TrustedOrigins } from '../ipc/sender';
import type { EventSink } from '../service/events';

/** Registers one handler per contract command; each answers through the dispatcher. */
export function registerIpcHandlers(dispatch: Dispatch, trusted: TrustedOrigins): () => void {
  for (const name of COMMAND_NAMES) {
    ipcMain.handle(ipcChannel(name), (event: IpcMainInvokeEvent, payload: unknown) => {
      const frame = event.senderFrame;
      const trustedSender = isTrustedSender(
        frame ? { url: frame.url, isTopLevel: frame.parent === null } : null,
        trusted,
      );
      return dispatch(name, payload, { trustedSender });
    });
  }
  return () => {
    for (const name of COMMAND_NAMES) ipcMain.removeHandler(ipcChannel(name));
  };
}

/** Events go to every open window (there is one; a second launch focuses it). */
export function windowEventSink(): EventSink {
  return {
    send<E extends EventName>(event: E, payload: EventPayloads[E]) {
      for (const window of BrowserWindow.getAllWindows()) {
        if (!window.isDestroyed()) window.webContents.send(ipcChannel(event), payload);
      }
    },
  };
}
