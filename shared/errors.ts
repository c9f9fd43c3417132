/**
 * Error kinds a program can branch on (DESIGN.md section 3). Each has one sentence that tells the
 * user what to do next; the engine may send a more specific message, but never a stack trace.
 */
export const ERROR_KINDS = [
  'auth-failed',
  'host-key-unknown',
  'host-key-mismatch',
  'dns',
  'connect-refused',
  'timeout',
  'connection-lost',
  'keepalive-timeout',
  'port-in-use',
  'bind-denied',
  'remote-bind-refused',
  'open-refused',
  'target-unreachable',
  'invalid-config',
] as const;

export type ErrorKind = (typeof ERROR_KINDS)[number];

/**
 * For each kind: what happened, in general terms, and what the user can do next. An error with a
 * specific detail ("127.0.0.1:2222 refused the connection.") shows that instead of `what`, so
 * the message never says the same thing twice.
 */
export const ERROR_TEXT: Record<ErrorKind, { what: string; todo: string }> = {
  'auth-failed': {
    what: 'The server rejected every login method offered.',
    todo: 'Check the user name, key, password or agent in this profile.',
  },
  'host-key-unknown': {
    what: "The server's host key is not known yet.",
    todo: "Compare its fingerprint with one from the server's admin, then accept it.",
  },
  'host-key-mismatch': {
    what: "The server's host key has changed since it was saved.",
    todo: 'This can mean an attack: confirm the new key with the admin, then remove the old entry from known_hosts.',
  },
  dns: {
    what: 'The host name could not be resolved.',
    todo: 'Check the spelling and your network or DNS settings.',
  },
  'connect-refused': {
    what: 'The server refused the connection.',
    todo: 'Check the host and port, and that the SSH server is running.',
  },
  timeout: {
    what: 'The server did not answer in time.',
    todo: 'Check the host, the port and any firewall or VPN in between.',
  },
  'connection-lost': {
    what: 'The connection to the server was lost.',
    todo: 'Burrow reconnects when it can.',
  },
  'keepalive-timeout': {
    what: 'The server stopped answering keepalives, so the connection was treated as dead.',
    todo: 'Burrow reconnects when it can.',
  },
  'port-in-use': {
    what: 'The local port is already in use by another program.',
    todo: 'Pick another port, or 0 for any free port.',
  },
  'bind-denied': {
    what: 'This computer does not allow listening on that address or port.',
    todo: 'Use a port above 1023 or an address this computer has.',
  },
  'remote-bind-refused': {
    what: 'The server refused to listen on that port.',
    todo: 'It may be in use there or below 1024, or forbidden by AllowTcpForwarding, PermitListen or GatewayPorts.',
  },
  'open-refused': {
    what: 'The server refused to open this forward.',
    todo: 'Its admin must allow it (AllowTcpForwarding, PermitOpen), or choose a target the server permits.',
  },
  'target-unreachable': {
    what: 'The target could not be reached from the other end of the tunnel.',
    todo: 'Check the target host and port, and that the service is running.',
  },
  'invalid-config': {
    what: 'This profile has an invalid setting.',
    todo: 'Fix the field named in the message.',
  },
};

/** The general sentence for each kind, for places that have no specific detail. */
export const ERROR_SENTENCES = Object.fromEntries(
  Object.entries(ERROR_TEXT).map(([kind, { what, todo }]) => [kind, `${what} ${todo}`]),
) as Record<ErrorKind, string>;

/** What crosses every boundary (engine → UI, IPC, CLI JSON): a kind and a human sentence. */
export interface ErrorInfo {
  kind: ErrorKind;
  message: string;
  /** With host-key-mismatch: the facts a fix needs, so no one has to read them out of `message`. */
  hostKey?: HostKeyFacts;
}

/** Which host refused with which key, and where the key it contradicts is saved. */
export interface HostKeyFacts {
  /** The hop that offered the key: the profile's server or one of its jump hosts. */
  host: string;
  port: number;
  /** The key type it offered, e.g. ssh-ed25519. */
  keyType: string;
  knownHostsPath: string;
  /** The known_hosts line that holds the other (or a revoked) key. */
  line: number;
}

/** A kind and its message: the specific detail (or the general what) followed by what to do. */
export function errorInfo(kind: ErrorKind, detail?: string): ErrorInfo {
  const { what, todo } = ERROR_TEXT[kind];
  return { kind, message: `${detail ?? what} ${todo}` };
}

/** Errors after which retrying cannot help: reconnecting would only lock the account or repeat. */
export function isFatalKind(kind: ErrorKind): boolean {
  return (
    kind === 'auth-failed' ||
    kind === 'host-key-mismatch' ||
    kind === 'host-key-unknown' ||
    kind === 'invalid-config'
  );
}
