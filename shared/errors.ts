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

export const ERROR_SENTENCES: Record<ErrorKind, string> = {
  'auth-failed':
    'The server rejected every login method offered. Check the user name, key, password or agent in this profile.',
  'host-key-unknown':
    "The server's host key is not known yet. Compare its fingerprint with one from the server's admin, then accept it.",
  'host-key-mismatch':
    "The server's host key has changed since it was saved. This can mean an attack; confirm the new key with the admin, then remove the old entry from known_hosts.",
  dns: 'The host name could not be resolved. Check the spelling and your network or DNS settings.',
  'connect-refused':
    'The server refused the connection. Check the host and port, and that the SSH server is running.',
  timeout:
    'The server did not answer in time. Check the host, the port and any firewall or VPN in between.',
  'connection-lost': 'The connection to the server was lost. Burrow reconnects when it can.',
  'keepalive-timeout':
    'The server stopped answering keepalives, so the connection was treated as dead. Burrow reconnects when it can.',
  'port-in-use':
    'The local port is already in use by another program. Pick another port, or 0 for any free port.',
  'bind-denied':
    'This computer does not allow listening on that address or port. Use a port above 1023 or an address this machine has.',
  'remote-bind-refused':
    'The server refused to listen on that port. It may be in use there, below 1024, or forbidden by AllowTcpForwarding, PermitListen or GatewayPorts.',
  'open-refused':
    'The server refused to open this forward (AllowTcpForwarding or PermitOpen on the server). Ask its admin, or choose a target the server permits.',
  'target-unreachable':
    'The target could not be reached from the other end of the tunnel. Check the target host and port, and that the service is running.',
  'invalid-config': 'This profile has an invalid setting. Fix the field named in the message.',
};

/** What crosses every boundary (engine → UI, IPC, CLI JSON): a kind and a human sentence. */
export interface ErrorInfo {
  kind: ErrorKind;
  message: string;
}

export function errorInfo(kind: ErrorKind, detail?: string): ErrorInfo {
  return { kind, message: detail ? `${detail} ${ERROR_SENTENCES[kind]}` : ERROR_SENTENCES[kind] };
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
