import type { ClientChannel } from 'ssh2';
import type { Forward, ForwardCounters } from '../../../shared';
import type { StatusHub } from '../status-hub';

export interface Endpoint {
  host: string;
  port: number;
}

/** What a forward needs from the session that owns it. */
export interface ForwardHost {
  readonly profileId: string;
  readonly hub: StatusHub;
  /**
   * Opens a direct-tcpip channel to `target` as the SSH server sees it. While the session is
   * reconnecting this waits (bounded) for it to come back, so a client connecting during a blip
   * is delayed rather than refused.
   */
  openChannel(target: Endpoint, origin: Endpoint): Promise<ClientChannel>;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

/** One running forward; its session calls these, and owns it. */
export interface ForwardRunner {
  readonly spec: Forward;
  /** Binds its port; resolves once the state is active or error (never rejects). */
  start(): Promise<void>;
  /** The session is back after a drop (remote forwards ask the server for their port again). */
  onSessionUp(): Promise<void>;
  /** The session dropped; existing tunnelled connections are already gone with it. */
  onSessionDown(): void;
  /** Releases every port and connection; resolves once the port is free. */
  dispose(): Promise<void>;
}

export function describeForward(spec: Forward): string {
  switch (spec.type) {
    case 'local':
      return `outgoing ${spec.bindHost}:${spec.bindPort} → ${spec.targetHost}:${spec.targetPort}`;
    case 'remote':
      return `incoming server ${spec.bindHost}:${spec.bindPort} → ${spec.targetHost}:${spec.targetPort}`;
    case 'dynamic':
      return `SOCKS ${spec.bindHost}:${spec.bindPort}`;
  }
}

export type { ForwardCounters };
