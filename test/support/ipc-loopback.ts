import { createDispatcher, type CommandHandlers } from '../../electron/ipc/dispatcher';
import type { EventSink } from '../../electron/service/events';
import type { BurrowApi } from '../../shared/ipc';
import { createBurrowClient } from '../../shared/ipc-client';

/**
 * Electron's IPC between the service and a window, in one process: events from the service
 * reach the client's subscribers, commands from the client reach the real dispatcher, and every
 * payload is structured-cloned on the way, as IPC does, so nothing is shared by reference.
 */
export interface IpcLoopback {
  /** The service's side: where it sends events. */
  events: EventSink;
  /** The window's side, dispatching to `handlers`; `trustedSender` is asked on every call. */
  client(handlers: CommandHandlers, trustedSender?: () => boolean): BurrowApi;
  /** Drops every subscriber. */
  close(): void;
}

export function createIpcLoopback(): IpcLoopback {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  return {
    events: {
      send(event, payload) {
        for (const listener of listeners.get(`burrow:${event}`) ?? [])
          listener(structuredClone(payload));
      },
    },
    client(handlers, trustedSender = () => true) {
      const dispatch = createDispatcher(handlers);
      return createBurrowClient({
        invoke: async (channel, payload) =>
          structuredClone(
            await dispatch(channel.replace(/^burrow:/, ''), structuredClone(payload), {
              trustedSender: trustedSender(),
            }),
          ),
        subscribe: (channel, listener) => {
          const set = listeners.get(channel) ?? new Set();
          listeners.set(channel, set);
          set.add(listener);
          return () => set.delete(listener);
        },
      });
    },
    close: () => listeners.clear(),
  };
}
