import type { IpcTransport } from '../../shared/ipc-client';
import { parseServerMessage, type CallMessage } from './protocol';

/**
 * The part of a WebSocket this transport uses; both the browser's `WebSocket` and the `ws`
 * package (Node, tests) have it. Events are taken through `addEventListener` because both
 * implementations type it alike, unlike their `onmessage` properties.
 */
export interface WebSocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(
    type: 'open' | 'close' | 'error' | 'message',
    listener: (event: unknown) => void,
  ): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface WebSocketTransport extends IpcTransport {
  /** Settles on the first successful connection; rejects if disposed before that. */
  readonly ready: Promise<void>;
  /** Closes the socket for good: pending calls reject, no more reconnecting. */
  dispose(): void;
}

export interface WebSocketTransportOptions {
  /** Wait before the first reconnect; doubled after each failed attempt up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
}

interface PendingCall {
  resolve(result: unknown): void;
  reject(error: Error): void;
}

/**
 * The renderer's IPC transport in the web development mode: one WebSocket to the dev server,
 * built into `window.burrow` by `createBurrowClient` exactly as the preload's ipcRenderer
 * transport is. Calls made before the socket opens wait for it; results are matched to calls by
 * id; events fan out to subscribers by channel.
 *
 * When the socket closes (the dev server restarted), every call in flight rejects, which the
 * client turns into an `internal` error result: whether a command ran is unknown, so it is not
 * retried. The transport then reconnects with a small backoff; calls made meanwhile wait for it.
 */
export function createWebSocketTransport(
  url: string,
  WebSocketImpl: WebSocketConstructor,
  options: WebSocketTransportOptions = {},
): WebSocketTransport {
  const retryMs = options.retryMs ?? 250;
  const maxRetryMs = options.maxRetryMs ?? 5000;
  const subscribers = new Map<string, Set<(payload: unknown) => void>>();
  /** Calls sent on the current socket, waiting for their result. */
  const inFlight = new Map<number, PendingCall>();
  /** Calls made while no socket was open, sent when one opens. */
  let queued: { message: CallMessage; call: PendingCall }[] = [];
  let nextId = 1;
  let socket: WebSocketLike | undefined;
  let open = false;
  let disposed = false;
  let delay = retryMs;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  let settleReady: { resolve(): void; reject(error: Error): void } | undefined;
  const ready = new Promise<void>((resolve, reject) => (settleReady = { resolve, reject }));
  // Nobody has to wait for `ready` (the bridge does not): an early dispose is not an unhandled error.
  ready.catch(() => undefined);

  function send(message: CallMessage, call: PendingCall): void {
    if (!socket || !open) {
      queued.push({ message, call });
      return;
    }
    try {
      socket.send(JSON.stringify(message));
      inFlight.set(message.id, call);
    } catch (err) {
      // Not JSON-able (a cycle, a BigInt) or the socket just failed: this call alone fails.
      call.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  function failAll(calls: Iterable<PendingCall>, reason: string): void {
    for (const call of calls) call.reject(new Error(reason));
  }

  function connect(): void {
    retryTimer = undefined;
    if (disposed) return;
    let current: WebSocketLike;
    try {
      current = new WebSocketImpl(url);
    } catch (err) {
      // A malformed URL will not get better by retrying.
      failAll(
        queued.map((q) => q.call),
        `cannot open ${url}: ${String(err)}`,
      );
      queued = [];
      return;
    }
    socket = current;
    current.addEventListener('open', () => {
      if (socket !== current) return;
      open = true;
      delay = retryMs;
      settleReady?.resolve();
      const waiting = queued;
      queued = [];
      for (const { message, call } of waiting) send(message, call);
    });
    current.addEventListener('message', (event) => {
      if (socket !== current) return;
      const data = (event as { data?: unknown }).data;
      if (typeof data !== 'string') return;
      const message = parseServerMessage(data);
      if (!message) return;
      if (message.type === 'result') {
        const call = inFlight.get(message.id);
        inFlight.delete(message.id);
        call?.resolve(message.result);
        return;
      }
      for (const listener of [...(subscribers.get(message.channel) ?? [])]) {
        try {
          listener(message.payload);
        } catch (err) {
          // One broken listener must not starve the others (ipcRenderer behaves the same).
          console.error(`[burrow] a listener for ${message.channel} failed:`, err);
        }
      }
    });
    // A failed connection reports 'error' and then 'close'; all the work is done on 'close'.
    current.addEventListener('error', () => undefined);
    current.addEventListener('close', () => {
      if (socket !== current) return;
      socket = undefined;
      const wasOpen = open;
      open = false;
      const lost = [...inFlight.values()];
      inFlight.clear();
      failAll(lost, 'the connection to the development server closed');
      if (!wasOpen) {
        // Never connected: calls waiting for this attempt get an answer instead of hanging on
        // a server that may be gone for good; later calls wait for the next attempt.
        failAll(
          queued.map((q) => q.call),
          'could not connect to the development server',
        );
        queued = [];
      }
      if (disposed) return;
      retryTimer = setTimeout(connect, delay);
      delay = Math.min(delay * 2, maxRetryMs);
    });
  }

  connect();

  return {
    ready,
    invoke(channel, payload) {
      return new Promise((resolve, reject) => {
        if (disposed) {
          reject(new Error('the connection to the development server is closed'));
          return;
        }
        send({ type: 'call', id: nextId++, channel, payload }, { resolve, reject });
      });
    },
    subscribe(channel, listener) {
      const set = subscribers.get(channel) ?? new Set();
      subscribers.set(channel, set);
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0 && subscribers.get(channel) === set) subscribers.delete(channel);
      };
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      retryTimer = undefined;
      const closing = socket;
      socket = undefined;
      open = false;
      failAll(
        [...inFlight.values(), ...queued.map((q) => q.call)],
        'the connection to the development server is closed',
      );
      inFlight.clear();
      queued = [];
      subscribers.clear();
      settleReady?.reject(new Error('the transport was disposed before it connected'));
      try {
        closing?.close(1000, 'done');
      } catch {
        // Closing a socket that never opened can throw in some implementations; it is gone anyway.
      }
    },
  };
}
