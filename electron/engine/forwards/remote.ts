import { connect as tcpConnect, type Socket, type TcpNetConnectOpts } from 'node:net';
import type { DuplexOptions } from 'node:stream';
import type { Client, ClientChannel, TcpConnectionDetails } from 'ssh2';
import type { ForwardCounters, RemoteForward } from '../../../shared';
import { EngineError, classifyTargetError } from '../errors';
import { LOCAL_SOCKET_HIGH_WATER_MARK, pipeTunnel } from '../pipe';
import type { ForwardHost, ForwardRunner } from './forward';

/** How long a cancel request may take before stop() stops waiting for the server's answer. */
const UNBIND_TIMEOUT_MS = 3000;
const TARGET_CONNECT_TIMEOUT_MS = 15_000;
/**
 * Re-binding a port this forward held before: after a silent drop the server may keep the old
 * session (and the port) until its own keepalive notices, so a refusal is retried for a while.
 */
const REBIND_DELAYS_MS = [2000, 5000, 10_000, 20_000, 40_000, 60_000];

export type IncomingHandler = (
  details: TcpConnectionDetails,
  accept: () => ClientChannel,
  reject: () => void,
) => void;

/** A remote forward's extra needs: the live client, and routing of incoming connections. */
export interface RemoteForwardHost extends ForwardHost {
  currentClient(): Client | undefined;
  /** Routes the server's forwarded-tcpip opens for bindHost:port to `handler`. */
  claimIncoming(bindHost: string, port: number, handler: IncomingHandler): void;
  releaseIncoming(bindHost: string, port: number): void;
}

/**
 * Incoming (-R): asks the SSH server to listen (tcpip-forward); every connection it accepts comes
 * back through the tunnel and is connected to the target as this computer sees it. After a drop
 * it asks for the same port again, including one the server picked when the user said 0.
 */
export class RemoteForwardRunner implements ForwardRunner {
  private readonly counters: ForwardCounters;
  private readonly sockets = new Set<Socket>();
  /** Target connections still being made: they die with the session that asked for them. */
  private readonly connecting = new Set<Socket>();
  private boundPort: number | undefined;
  private wasActive = false;
  private rebindAttempt = 0;
  private rebindTimer: NodeJS.Timeout | undefined;
  /** The port to ask for: the user's, or after a first bind of port 0, the one we were given. */
  private wantedPort: number;
  private disposed = false;

  constructor(
    readonly spec: RemoteForward,
    private readonly host: RemoteForwardHost,
  ) {
    this.counters = host.hub.trackForward(host.profileId, spec.id);
    this.wantedPort = spec.bindPort;
  }

  start(): Promise<void> {
    return this.bind();
  }

  onSessionUp(): Promise<void> {
    return this.bind();
  }

  onSessionDown(): void {
    this.release();
    clearTimeout(this.rebindTimer);
    for (const socket of this.connecting) socket.destroy();
    if (!this.disposed)
      this.host.hub.setForward(this.host.profileId, this.spec.id, { state: 'starting' });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.rebindTimer);
    const client = this.host.currentClient();
    const port = this.boundPort;
    this.release();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (client && port !== undefined) await unbind(client, this.spec.bindHost, port);
    this.host.hub.setForward(this.host.profileId, this.spec.id, { state: 'stopped' });
  }

  private async bind(): Promise<void> {
    const { hub, profileId } = this.host;
    const client = this.host.currentClient();
    hub.setForward(profileId, this.spec.id, { state: 'starting' });
    if (!client || this.disposed) return;
    try {
      let port: number;
      try {
        port = await requestBind(client, this.spec.bindHost, this.wantedPort);
      } catch (err) {
        // The server's pick from last time is taken now; "any free port" still holds.
        if (this.wantedPort === this.spec.bindPort) throw err;
        port = await requestBind(client, this.spec.bindHost, this.spec.bindPort);
      }
      if (this.disposed || this.host.currentClient() !== client) {
        await unbind(client, this.spec.bindHost, port);
        return;
      }
      this.boundPort = port;
      this.wantedPort = port;
      this.wasActive = true;
      this.rebindAttempt = 0;
      this.host.claimIncoming(this.spec.bindHost, port, this.onIncoming);
      hub.setForward(profileId, this.spec.id, {
        state: 'active',
        bindHost: this.spec.bindHost,
        bindPort: port,
      });
    } catch (err) {
      // A drop while asking is the session's business (it is already reconnecting), not ours.
      if (this.disposed || this.host.currentClient() !== client) return;
      const error =
        err instanceof EngineError
          ? err
          : new EngineError(
              'remote-bind-refused',
              `The server would not listen on ${this.spec.bindHost}:${this.wantedPort}.`,
            );
      hub.setForward(profileId, this.spec.id, { state: 'error', error: error.toInfo() });
      this.host.log('warn', `Forward ${this.spec.id}: ${error.message}`);
      if (error.kind === 'remote-bind-refused' && this.wasActive) this.scheduleRebind();
    }
  }

  private scheduleRebind(): void {
    const delay = REBIND_DELAYS_MS[Math.min(this.rebindAttempt, REBIND_DELAYS_MS.length - 1)]!;
    this.rebindAttempt += 1;
    clearTimeout(this.rebindTimer);
    this.rebindTimer = setTimeout(() => void this.bind(), delay);
    this.rebindTimer.unref();
  }

  private release(): void {
    if (this.boundPort !== undefined) this.host.releaseIncoming(this.spec.bindHost, this.boundPort);
    this.boundPort = undefined;
  }

  private readonly onIncoming: IncomingHandler = (_details, accept, reject) => {
    const { targetHost, targetPort } = this.spec;
    // The session this connection arrived on; if it is gone by the time the target answers,
    // ssh2 would hand us a channel that looks alive but leads nowhere.
    const client = this.host.currentClient();
    const target = `${targetHost}:${targetPort}`;
    // Node hands stream options on to the socket; its connect() types leave them out.
    const options: TcpNetConnectOpts & Pick<DuplexOptions, 'writableHighWaterMark'> = {
      host: targetHost,
      port: targetPort,
      allowHalfOpen: true,
      writableHighWaterMark: LOCAL_SOCKET_HIGH_WATER_MARK,
    };
    const socket = tcpConnect(options);
    this.sockets.add(socket);
    this.connecting.add(socket);
    socket.setNoDelay(true);
    socket.setTimeout(TARGET_CONNECT_TIMEOUT_MS, () =>
      socket.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })),
    );
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.connecting.delete(socket);
    });
    socket.once('error', (err) => {
      reject();
      if (this.disposed) return;
      const error = classifyTargetError(err, target);
      this.host.hub.setForwardError(this.host.profileId, this.spec.id, error.toInfo());
      this.host.log('warn', `Forward ${this.spec.id}: ${error.message}`);
    });
    socket.once('connect', () => {
      socket.setTimeout(0);
      socket.removeAllListeners('error');
      socket.on('error', () => {});
      this.connecting.delete(socket);
      if (this.disposed || this.boundPort === undefined || this.host.currentClient() !== client) {
        socket.destroy();
        reject();
        return;
      }
      const channel = accept();
      pipeTunnel({ socket, channel, counters: this.counters, onActivity: this.touch });
    });
  };

  private readonly touch = (): void => this.host.hub.touch(this.host.profileId);
}

function requestBind(client: Client, bindHost: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    try {
      client.forwardIn(bindHost, port, (err, boundPort) => {
        // ssh2 fails requests still waiting when the connection closes: that is no refusal.
        if (err && err.message === 'No response from server') {
          reject(
            new EngineError(
              'connection-lost',
              'The connection closed before the server answered.',
              { cause: err },
            ),
          );
        } else if (err) {
          reject(
            new EngineError(
              'remote-bind-refused',
              port === 0
                ? `The server refused to listen on ${bindHost} (any free port).`
                : `The server refused to listen on ${bindHost}:${port}.`,
              {
                cause: err,
              },
            ),
          );
        } else resolve(boundPort);
      });
    } catch (err) {
      reject(
        new EngineError(
          'connection-lost',
          'The connection closed before the server could listen.',
          { cause: err },
        ),
      );
    }
  });
}

/** Cancels a server-side listener; a dead or slow connection must not hold up stop(). */
function unbind(client: Client, bindHost: string, port: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, UNBIND_TIMEOUT_MS);
    try {
      client.unforwardIn(bindHost, port, () => {
        clearTimeout(timer);
        resolve();
      });
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}
