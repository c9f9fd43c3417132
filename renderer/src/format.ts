import type { ForwardState, SessionState } from '../../shared/status';

/** Bytes as people read them: 0 B, 12.3 KB, 4.56 MB (powers of 1024, like file managers). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(Math.round(bytesPerSecond))}/s`;
}

/** "in 5s", "in 2m": how long until the next reconnect attempt. */
export function formatIn(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return seconds < 90 ? `in ${seconds}s` : `in ${Math.round(seconds / 60)}m`;
}

export function formatTime(at: number): string {
  return new Date(at).toLocaleTimeString(undefined, { hour12: false });
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

/** The session state in words, exactly as the engine reported it. */
export function sessionLabel(session: SessionState, now = Date.now()): string {
  switch (session.state) {
    case 'stopped':
      return 'Stopped';
    case 'connecting':
      return 'Connecting…';
    case 'connected':
      return 'Connected';
    case 'reconnecting':
      return `Reconnecting (attempt ${session.attempt}, ${formatIn(session.retryAt - now)})`;
    case 'error':
      return 'Stopped by an error';
  }
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
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
