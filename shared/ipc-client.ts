import type { BurrowApi, EventPayloads, IpcResult } from './ipc';
import { COMMAND_NAMES, EVENT_NAMES, ipcChannel, type EventName } from './ipc-names';

/** How a client reaches main: Electron's ipcRenderer, a WebSocket, or an in-memory pair. */
export interface IpcTransport {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  subscribe(channel: string, listener: (payload: unknown) => void): () => void;
}

/**
 * Builds the renderer's API from the contract's names: one function per command, nothing else
 * callable (no "invoke any channel by name"). Depends on no library, so the sandboxed preload
 * can bundle it.
 */
export function createBurrowClient(transport: IpcTransport): BurrowApi {
  const call = Object.fromEntries(
    COMMAND_NAMES.map((name) => [
      name,
      async (input: unknown): Promise<IpcResult<unknown>> => {
        try {
          return (await transport.invoke(ipcChannel(name), input)) as IpcResult<unknown>;
        } catch (err) {
          // The transport itself failed (main gone, socket closed): still an answer, not a throw.
          return {
            ok: false,
            error: {
              kind: 'internal',
              message: `Burrow did not answer: ${String((err as Error)?.message ?? err)}`,
            },
          };
        }
      },
    ]),
  ) as BurrowApi['call'];
  const events = new Set<string>(EVENT_NAMES);
  return {
    call,
    on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void {
      if (!events.has(event)) throw new Error(`There is no event "${event}".`);
      return transport.subscribe(ipcChannel(event), (payload) =>
        listener(payload as EventPayloads[E]),
      );
    },
  };
}
