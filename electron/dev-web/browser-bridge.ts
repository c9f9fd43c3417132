import { createBurrowClient } from '../../shared/ipc-client';
import { BRIDGE_PATH } from './protocol';
import { createWebSocketTransport, type WebSocketConstructor } from './ws-transport';

/**
 * The browser entry of `npm run dev:web`, injected as the page's first script: it stands in for
 * the preload and sets `window.burrow` from the same contract, over a WebSocket to the dev
 * server instead of Electron's IPC. Module scripts run in document order, so the app's entry,
 * which runs next, finds `window.burrow` already there, as it does in Electron.
 *
 * The token comes from the page URL (`?token=`), which the dev server prints; without it the
 * server refuses the socket, and every call answers with an `internal` error saying so.
 *
 * Typed against the few browser globals it uses, so it type-checks in the Node project too.
 */
interface BrowserGlobals {
  location: { protocol: string; host: string; search: string };
  WebSocket: WebSocketConstructor;
}

const page = globalThis as unknown as BrowserGlobals;
const token = new URLSearchParams(page.location.search).get('token') ?? '';
if (!token)
  console.error('[burrow] This page needs the ?token= from the URL `npm run dev:web` printed.');
const scheme = page.location.protocol === 'https:' ? 'wss:' : 'ws:';
const url = `${scheme}//${page.location.host}${BRIDGE_PATH}?token=${encodeURIComponent(token)}`;

const api = createBurrowClient(createWebSocketTransport(url, page.WebSocket));
// Read-only and frozen, like the object contextBridge exposes in the app.
Object.defineProperty(page, 'burrow', {
  value: Object.freeze({ ...api, call: Object.freeze(api.call) }),
  enumerable: true,
});
