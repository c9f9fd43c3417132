import type { ForwardState, SessionState } from '../../shared/status';

/** Bytes as people read them: 0 B, 12.3 KB, 4.56 MB (powers of 1024, like file managers). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = Math.max(0, bytes);
  let unit = 0;
  const digitsFor = (v: number): number => (unit === 0 || v >= 100 ? 0 : v >= 10 ? 1 : 2);
  /** The value as printed: rounded, with as many decimals as the rounded value needs. */
  const shown = (): number => {
    let rounded = Number(value.toFixed(digitsFor(value)));
    // 9.999 rounds to 10.00, which should print as 10.0 (and 99.95 as 100).
    rounded = Number(value.toFixed(digitsFor(rounded)));
    return rounded;
  };
  // Move up a unit when rounding would print 1024 of this one (1048575 B is "1.00 MB").
  while (unit < units.length - 1 && shown() >= 1024) {
    value /= 1024;
    unit++;
  }
  const rounded = shown();
  return `${rounded.toFixed(digitsFor(rounded))} ${units[unit]}`;
}

export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(Math.round(bytesPerSecond))}/s`;
}

/** "in 5s", "in 2m": how long until the next reconnect attempt. */
export function formatIn(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return seconds < 120 ? `in ${seconds}s` : `in ${Math.floor(seconds / 60)}m`;
}

/** `HH:MM:SS` in local time, the same in every locale (copied text is read by people and grep). */
export function formatTime(at: number): string {
  const d = new Date(at);
  return [d.getHours(), d.getMinutes(), d.getSeconds()]
    .map((n) => String(n).padStart(2, '0'))
    .join(':');
}

/** How a state looks at a glance: the dot's colour and its accessible word. */
export type Tone = 'off' | 'busy' | 'ok' | 'warn' | 'error';

export function sessionTone(session: SessionState): Tone {
  switch (session.state) {
    case 'stopped':
      return 'off';
    case 'connecting':
      return 'busy';
    case 'connected':
      return 'ok';
    case 'reconnecting':
      return 'warn';
    case 'error':
      return 'error';
  }
}

/** The session state in one word or two, without a countdown (for live regions and lists). */
export function sessionWord(session: SessionState): string {
  switch (session.state) {
    case 'stopped':
      return 'Stopped';
    case 'connecting':
      return 'Connecting…';
    case 'connected':
      return 'Connected';
    case 'reconnecting':
      return 'Reconnecting';
    case 'error':
      return 'Failed';
  }
}

/** The session state in words, exactly as the engine reported it, with its countdown. */
export function sessionLabel(session: SessionState, now = Date.now()): string {
  return `${sessionWord(session)}${reconnectCountdown(session, now)}`;
}

/** " (attempt 2, in 4s)" while reconnecting, else nothing. */
export function reconnectCountdown(session: SessionState, now = Date.now()): string {
  return session.state === 'reconnecting'
    ? ` (attempt ${session.attempt}, ${formatIn(session.retryAt - now)})`
    : '';
}

/** A session that is on: connected, or trying to be (a failed one runs nothing). */
export function sessionIsOn(session: SessionState | undefined): boolean {
  const state = session?.state;
  return state === 'connecting' || state === 'connected' || state === 'reconnecting';
}

export function forwardTone(state: ForwardState): Tone {
  switch (state.state) {
    case 'stopped':
      return 'off';
    case 'starting':
      return 'busy';
    case 'active':
      return 'ok';
    case 'error':
      return 'error';
  }
}

export function forwardLabel(state: ForwardState): string {
  switch (state.state) {
    case 'stopped':
      return 'Off';
    case 'starting':
      return 'Starting…';
    case 'active':
      return 'Listening';
    case 'error':
      return 'Failed';
  }
}

/** `host:port` as a client would type it (IPv6 in brackets). */
export function hostPort(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

const IPV4_WILDCARDS = new Set(['0.0.0.0', '*', '']);
const IPV6_WILDCARDS = new Set(['::', '[::]', '0:0:0:0:0:0:0:0']);

/**
 * The address a client should connect to for a listener: a wildcard bind is reached on loopback
 * here, or on the server's own name for an incoming forward.
 */
export function connectAddress(
  type: 'local' | 'remote' | 'dynamic',
  bindHost: string,
  bindPort: number,
  serverHost: string,
): string {
  const v4 = IPV4_WILDCARDS.has(bindHost);
  const v6 = IPV6_WILDCARDS.has(bindHost);
  if (!v4 && !v6) return hostPort(bindHost, bindPort);
  if (type === 'remote') return hostPort(serverHost, bindPort);
  // An IPv6 wildcard listener may take IPv6 only: its loopback is the sure way in.
  return hostPort(v6 ? '::1' : '127.0.0.1', bindPort);
}
