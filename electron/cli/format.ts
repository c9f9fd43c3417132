import type { ErrorInfo, Forward, SessionState } from '../../shared';

/** `host:port`, with IPv6 literals bracketed so the port stays readable. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * A forward the way ssh's own flags read: `L 127.0.0.1:5432 → db:5432` (listen here, reach db
 * from the server), `R 0.0.0.0:8080 → 127.0.0.1:3000` (the server listens, comes back here),
 * `D 127.0.0.1:1080 (SOCKS)`.
 */
export function describeForward(forward: Forward): string {
  const name = forward.name ? ` (${forward.name})` : '';
  switch (forward.type) {
    case 'local':
      return `L ${hostPort(forward.bindHost, forward.bindPort)} → ${hostPort(forward.targetHost, forward.targetPort)}${name}`;
    case 'remote':
      return `R ${hostPort(forward.bindHost, forward.bindPort)} → ${hostPort(forward.targetHost, forward.targetPort)}${name}`;
    case 'dynamic':
      return `D ${hostPort(forward.bindHost, forward.bindPort)} (SOCKS)${name}`;
  }
}

/** The error the way every CLI output shows it: the human sentence, the kind for scripts. */
export function formatError(error: ErrorInfo): string {
  return `${error.message} [${error.kind}]`;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** `0 B`, `999 B`, `1.5 KiB`, `12 MiB`: three significant digits at most. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${value} B`;
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${UNITS[unit]}`;
}

/** Whole seconds left until `at`, never negative. */
export function secondsUntil(at: number, now: number): number {
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** One word or short phrase for a session's state (its error goes on a line of its own). */
export function describeSession(session: SessionState, now: number): string {
  if (session.state === 'reconnecting') {
    return `reconnecting (attempt ${session.attempt}, next in ${secondsUntil(session.retryAt, now)}s)`;
  }
  return session.state;
}
