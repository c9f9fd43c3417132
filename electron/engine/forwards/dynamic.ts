import type { Socket } from 'node:net';
import type { DynamicForward, ForwardCounters } from '../../../shared';
import { EngineError, openFailureDescription } from '../errors';
import { pipeTunnel } from '../pipe';
import { negotiateSocks, type SocksFailure } from '../socks';
import type { ForwardHost, ForwardRunner } from './forward';
import { OwnedListener } from './listener';

/**
 * Dynamic (-D): a SOCKS5/4/4a proxy on this computer; each client names its destination, which
 * is opened as a direct-tcpip channel. A refused destination fails that one request with the
 * matching SOCKS reply; the proxy keeps serving others.
 */
export class DynamicForwardRunner implements ForwardRunner {
  private readonly listener = new OwnedListener((socket) => void this.onConnection(socket));
  private readonly counters: ForwardCounters;
  private disposed = false;

  constructor(
    readonly spec: DynamicForward,
    private readonly host: ForwardHost,
  ) {
    this.counters = host.hub.trackForward(host.profileId, spec.id);
  }

  async start(): Promise<void> {
    const { hub, profileId } = this.host;
    hub.setForward(profileId, this.spec.id, { state: 'starting' });
    try {
      const bound = await this.listener.listen(this.spec.bindHost, this.spec.bindPort);
      if (this.disposed) return;
      hub.setForward(profileId, this.spec.id, {
        state: 'active',
        bindHost: bound.host,
        bindPort: bound.port,
      });
    } catch (err) {
      const error = err instanceof EngineError ? err : new EngineError('bind-denied', String(err));
      hub.setForward(profileId, this.spec.id, { state: 'error', error: error.toInfo() });
    }
  }

  async onSessionUp(): Promise<void> {}

  onSessionDown(): void {}

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.listener.close();
    this.host.hub.setForward(this.host.profileId, this.spec.id, { state: 'stopped' });
  }

  private async onConnection(socket: Socket): Promise<void> {
    let request;
    try {
      request = await negotiateSocks(socket);
    } catch {
      // A client that does not speak SOCKS, or gave up: negotiateSocks already closed it.
      socket.destroy();
      return;
    }
    const { host, port } = request.destination;
    try {
      const channel = await this.host.openChannel(
        { host, port },
        { host: socket.remoteAddress ?? '127.0.0.1', port: socket.remotePort ?? 0 },
      );
      if (socket.destroyed || this.disposed) {
        channel.destroy();
        return;
      }
      request.accept();
      pipeTunnel({ socket, channel, counters: this.counters, onActivity: this.touch });
    } catch (err) {
      const error =
        err instanceof EngineError ? err : new EngineError('connection-lost', String(err));
      request.reject(socksFailureFor(error));
      if (this.disposed) return;
      this.host.hub.setForwardError(this.host.profileId, this.spec.id, error.toInfo());
      this.host.log('warn', `SOCKS ${this.spec.id}: ${error.message}`);
    }
  }

  private readonly touch = (): void => this.host.hub.touch(this.host.profileId);
}

/** The SOCKS reply that tells the client most precisely why its destination failed. */
export function socksFailureFor(error: EngineError): SocksFailure {
  if (error.kind === 'open-refused') return 'not-allowed';
  if (error.kind !== 'target-unreachable') return 'general-failure';
  const why = openFailureDescription(error.cause).toLowerCase();
  if (why.includes('refused')) return 'connection-refused';
  if (why.includes('timed out') || why.includes('timeout')) return 'ttl-expired';
  if (why.includes('network is unreachable')) return 'network-unreachable';
  return 'host-unreachable';
}
