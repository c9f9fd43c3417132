import type { IpcResult } from '../../shared/ipc';

/**
 * The web development mode's wire format: JSON text frames on one WebSocket per page. It carries
 * exactly what Electron's IPC carries in the app (a command on its `burrow:*` channel and the
 * dispatcher's result, or an event), so the renderer cannot tell the two apart. Bundled into the
 * browser: no Node imports, and only types from shared/ (no zod in the page).
 */

/** The one path the bridge answers WebSocket upgrades on; every other upgrade (Vite's HMR) is left alone. */
export const BRIDGE_PATH = '/__burrow/ws';

/** Client → server: run a command. `id` is the client's, echoed back in the result. */
export interface CallMessage {
  type: 'call';
  id: number;
  channel: string;
  payload: unknown;
}

/** Server → client: the answer to one call. */
export interface ResultMessage {
  type: 'result';
  id: number;
  result: IpcResult<unknown>;
}

/** Server → client: an event for every open page. */
export interface EventMessage {
  type: 'event';
  channel: string;
  payload: unknown;
}

export type ClientMessage = CallMessage;
export type ServerMessage = ResultMessage | EventMessage;

/** Longest channel name accepted; real ones are ~30 characters. */
const MAX_CHANNEL_LENGTH = 200;

export type ParsedClientMessage =
  | { ok: true; message: ClientMessage }
  /** `id` is set when the call can still be answered (its id was readable). */
  | { ok: false; reason: string; id?: number };

function isCallId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * Reads one text frame from a page. The page is treated as untrusted like the app's renderer:
 * anything that is not exactly a call is refused here, and the payload itself is left to the
 * dispatcher, which checks it against the command's schema. Size is bounded by the server's
 * `maxPayload` before this runs.
 */
export function parseClientMessage(text: string): ParsedClientMessage {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'The message is not JSON.' };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return { ok: false, reason: 'The message is not an object.' };
  const { type, id, channel, payload } = data as Record<string, unknown>;
  if (type !== 'call') return { ok: false, reason: 'The message is not a call.' };
  if (!isCallId(id)) return { ok: false, reason: 'The call has no valid id.' };
  if (typeof channel !== 'string' || channel.length === 0 || channel.length > MAX_CHANNEL_LENGTH)
    return { ok: false, reason: 'The call has no valid channel.', id };
  return { ok: true, message: { type: 'call', id, channel, payload } };
}

/**
 * Reads one text frame from the server. The client trusts its own server's answers as much as the
 * app's renderer trusts main, but a frame it cannot place is dropped rather than thrown.
 */
export function parseServerMessage(text: string): ServerMessage | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null) return undefined;
  const message = data as Record<string, unknown>;
  if (message.type === 'result' && isCallId(message.id) && isResult(message.result))
    return { type: 'result', id: message.id, result: message.result };
  if (message.type === 'event' && typeof message.channel === 'string')
    return { type: 'event', channel: message.channel, payload: message.payload };
  return undefined;
}

function isResult(value: unknown): value is IpcResult<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const { ok, error } = value as { ok?: unknown; error?: unknown };
  if (ok === true) return true;
  return (
    ok === false &&
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { kind?: unknown }).kind === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}
