import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { EventPayloads, IpcResult } from '../../shared/ipc';
import { ipcChannel, type EventName } from '../../shared/ipc-names';
import type { Dispatch } from '../ipc/dispatcher';
import type { EventSink } from '../service/events';
import { BRIDGE_PATH, parseClientMessage, type EventMessage, type ResultMessage } from './protocol';

export interface BridgeServerOptions {
  /** The secret in the page URL; a socket without it is refused. */
  token: string;
  dispatch: Dispatch;
  /**
   * The page's own origin, `http://127.0.0.1:PORT`: the only Origin accepted, and its host the
   * only Host header accepted.
   */
  allowedOrigin: string;
  log?: (line: string) => void;
}

export interface BridgeServer {
  /** Sends an event to every connected page. */
  readonly eventSink: EventSink;
  /** Closes every page's socket and stops answering upgrades. */
  dispose(): Promise<void>;
}

/** Larger than any real command (an import file is the biggest), small enough to be harmless. */
const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;
/** How long a page gets to finish the closing handshake before its socket is cut. */
const CLOSE_GRACE_MS = 1000;
const CHANNEL_PREFIX = ipcChannel('app.info').slice(0, -'app.info'.length);

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function failure(kind: 'invalid-input' | 'internal', message: string): IpcResult<never> {
  return { ok: false, error: { kind, message } };
}

function refuse(socket: Duplex, status: 401 | 403 | 503, reason: string): void {
  // What ws itself does for a refused handshake: answer, then make sure the socket goes away.
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
      `Content-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`,
  );
}

function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

/**
 * The server half of the web development mode's bridge: WebSocket upgrades on `BRIDGE_PATH` of
 * the dev server's own HTTP server, each frame a call answered by the same dispatcher the app's
 * main process uses.
 *
 * The page is as untrusted as the app's renderer, and a loopback port is reachable by every local
 * process and, through the browser, by every web page. So the handshake must show the token from
 * the printed URL (a web page cannot know it), come from our page's Origin (a web page cannot set
 * it), and name our address in Host (a DNS-rebinding page names its own domain). A socket that
 * passes is then what Electron's "our own window" sender check means in the app, so its calls
 * are dispatched as trusted.
 */
export function attachBridgeServer(httpServer: Server, options: BridgeServerOptions): BridgeServer {
  const { dispatch, allowedOrigin } = options;
  const log = options.log ?? (() => undefined);
  const allowedHost = new URL(allowedOrigin).host;
  const expectedToken = digest(options.token);
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES });
  wss.on('error', (err) => log(`[dev-web] bridge server error: ${err.message}`));
  let disposed = false;

  function tokenMatches(given: string | null): boolean {
    // Digests have one length, so the comparison takes the same time whatever was sent.
    return given !== null && timingSafeEqual(digest(given), expectedToken);
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    let url: URL;
    try {
      url = new URL(req.url ?? '', 'http://upgrade.invalid');
    } catch {
      return;
    }
    // Anything else (Vite's HMR socket) belongs to another listener.
    if (url.pathname !== BRIDGE_PATH) return;
    socket.on('error', () => socket.destroy());
    if (disposed) return refuse(socket, 503, 'Service Unavailable');
    if (req.headers.host !== allowedHost) {
      log(`[dev-web] refused a bridge socket for another host`);
      return refuse(socket, 403, 'Forbidden');
    }
    if (req.headers.origin !== allowedOrigin) {
      log(`[dev-web] refused a bridge socket from another origin`);
      return refuse(socket, 403, 'Forbidden');
    }
    if (!tokenMatches(url.searchParams.get('token'))) {
      log(`[dev-web] refused a bridge socket without the right token`);
      return refuse(socket, 401, 'Unauthorized');
    }
    wss.handleUpgrade(req, socket, head, (client) => accept(client));
  }

  function accept(client: WebSocket): void {
    client.on('error', (err) => log(`[dev-web] page socket error: ${err.message}`));
    if (disposed) {
      client.terminate();
      return;
    }
    client.on('message', (data, isBinary) => {
      if (isBinary) {
        log('[dev-web] ignored a binary frame from a page');
        return;
      }
      void answer(client, textOf(data));
    });
  }

  async function answer(client: WebSocket, text: string): Promise<void> {
    const parsed = parseClientMessage(text);
    if (!parsed.ok) {
      log(`[dev-web] ignored a malformed message from a page: ${parsed.reason}`);
      if (parsed.id !== undefined)
        reply(
          client,
          parsed.id,
          failure('invalid-input', `The request is not valid: ${parsed.reason}`),
        );
      return;
    }
    const { id, channel, payload } = parsed.message;
    if (!channel.startsWith(CHANNEL_PREFIX)) {
      reply(
        client,
        id,
        failure('invalid-input', `There is no command "${channel.slice(0, 100)}".`),
      );
      return;
    }
    let result: IpcResult<unknown>;
    try {
      result = await dispatch(channel.slice(CHANNEL_PREFIX.length), payload, {
        trustedSender: true,
      });
    } catch (err) {
      // The dispatcher answers every failure itself; this is only a last line of defence.
      log(`[dev-web] ${channel} failed: ${String(err)}`);
      result = failure(
        'internal',
        'Burrow could not finish this request because of an internal error.',
      );
    }
    reply(client, id, result);
  }

  function reply(client: WebSocket, id: number, result: IpcResult<unknown>): void {
    if (client.readyState !== WebSocket.OPEN) return;
    let text: string;
    try {
      text = JSON.stringify({ type: 'result', id, result } satisfies ResultMessage);
    } catch (err) {
      log(`[dev-web] a result could not be sent: ${String(err)}`);
      text = JSON.stringify({
        type: 'result',
        id,
        result: failure('internal', 'Burrow could not send this answer to the page.'),
      } satisfies ResultMessage);
    }
    client.send(text);
  }

  const eventSink: EventSink = {
    send<E extends EventName>(event: E, payload: EventPayloads[E]): void {
      if (wss.clients.size === 0) return;
      const text = JSON.stringify({
        type: 'event',
        channel: ipcChannel(event),
        payload,
      } satisfies EventMessage);
      for (const client of wss.clients) if (client.readyState === WebSocket.OPEN) client.send(text);
    },
  };

  httpServer.on('upgrade', onUpgrade);

  return {
    eventSink,
    async dispose() {
      if (disposed) return;
      disposed = true;
      httpServer.off('upgrade', onUpgrade);
      await Promise.all([...wss.clients].map((client) => closeClient(client)));
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** A polite close (the page sees 1001 "going away"), cut short if the page does not answer. */
function closeClient(client: WebSocket): Promise<void> {
  if (client.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => client.terminate(), CLOSE_GRACE_MS);
    client.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    client.close(1001, 'The development server is stopping.');
  });
}
