import { errorInfo, type ErrorInfo, type ErrorKind, type HostKeyFacts } from '../../shared';

/** An error the engine understands: it carries a kind a program can branch on. */
export class EngineError extends Error {
  readonly hostKey?: HostKeyFacts;

  constructor(
    readonly kind: ErrorKind,
    detail?: string,
    options?: { cause?: unknown; hostKey?: HostKeyFacts },
  ) {
    super(errorInfo(kind, detail).message, options);
    this.name = 'EngineError';
    if (options?.hostKey) this.hostKey = options.hostKey;
  }

  toInfo(): ErrorInfo {
    const info: ErrorInfo = { kind: this.kind, message: this.message };
    if (this.hostKey) info.hostKey = { ...this.hostKey };
    return info;
  }
}

/** The first line of an error's message: native load errors go on over several lines. */
export function firstLineOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.trim();
}

interface SystemishError {
  code?: string;
  level?: string;
  reason?: number;
  message?: string;
}

function describe(err: unknown): SystemishError {
  return typeof err === 'object' && err !== null ? (err as SystemishError) : {};
}

/** Classifies a failure to reach or talk to an SSH server (TCP, DNS, handshake, keepalive). */
export function classifyConnectError(err: unknown, where: string): EngineError {
  if (err instanceof EngineError) return err;
  const { code, level, message = String(err) } = describe(err);
  if (level === 'client-dns' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL')
    return new EngineError('dns', `Could not resolve ${where}.`);
  if (code === 'ECONNREFUSED')
    return new EngineError('connect-refused', `${where} refused the connection.`);
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
    return new EngineError('timeout', `${where} is unreachable (${code}).`);
  if (message === 'Keepalive timeout')
    return new EngineError('keepalive-timeout', `${where} stopped answering.`);
  if (level === 'client-timeout')
    return new EngineError('timeout', `${where} did not finish the handshake in time.`);
  if (level === 'client-authentication')
    return new EngineError('auth-failed', `Login to ${where} failed.`);
  return new EngineError('connection-lost', `Connection to ${where} failed: ${message}.`);
}

/** Classifies a failure to listen on a local address. */
export function classifyListenError(err: unknown, address: string): EngineError {
  const { code, message = String(err) } = describe(err);
  switch (code) {
    case 'EADDRINUSE':
      return new EngineError('port-in-use', `${address} is already in use.`);
    case 'EACCES':
    case 'EPERM':
      return new EngineError('bind-denied', `Not allowed to listen on ${address}.`);
    case 'EADDRNOTAVAIL':
      return new EngineError('bind-denied', `${address} is not an address of this computer.`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new EngineError('dns', `Could not resolve the listen address ${address}.`);
    default:
      return new EngineError('bind-denied', `Could not listen on ${address}: ${message}.`);
  }
}

// RFC 4254 section 5.1 reason codes, as ssh2 puts them on err.reason.
const OPEN_PROHIBITED = 1;
const OPEN_CONNECT_FAILED = 2;

/** Classifies a refused channel open (direct-tcpip to a target, as the server saw it). */
export function classifyOpenError(err: unknown, target: string): EngineError {
  if (err instanceof EngineError) return err;
  const { reason, message = String(err) } = describe(err);
  const why = openFailureDescription(err);
  if (reason === OPEN_CONNECT_FAILED)
    return new EngineError(
      'target-unreachable',
      `The server could not connect to ${target}${why ? ` (${why})` : ''}.`,
      { cause: err },
    );
  if (reason !== undefined)
    return new EngineError(
      'open-refused',
      reason === OPEN_PROHIBITED
        ? `The server refused to open a connection to ${target}.`
        : `The server refused to open a connection to ${target} (${why || message}).`,
      { cause: err },
    );
  return new EngineError('connection-lost', `The tunnel closed while opening ${target}.`, {
    cause: err,
  });
}

/** The server's own words for a refused open ("Connection refused"), as ssh2 passes them on. */
export function openFailureDescription(err: unknown): string {
  const { message = '' } = describe(err);
  const match = /Channel open failure: (.*)$/.exec(message);
  return match?.[1]?.trim() ?? '';
}

/** Classifies a failure to connect from this computer to an incoming forward's target. */
export function classifyTargetError(err: unknown, target: string): EngineError {
  const { code } = describe(err);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new EngineError('dns', `Could not resolve ${target}.`);
  return new EngineError(
    'target-unreachable',
    `Could not connect to ${target}${code ? ` (${code})` : ''}.`,
  );
}
