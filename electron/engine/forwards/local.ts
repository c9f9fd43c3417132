import type { Socket } from 'node:net';
import type { ForwardCounters, LocalForward } from '../../../shared';
import { EngineError } from '../errors';
import { pipeTunnel } from '../pipe';
import type { ForwardHost, ForwardRunner } from './forward';
import { OwnedListener } from './listener';

/**
 * Outgoing (-L): listens on this computer; every connection becomes a direct-tcpip channel to
 * the target as the SSH server sees it. The listener stays bound through reconnects, so the
 * port is never lost to another program during a blip.
 */
export class LocalForwardRunner implements ForwardRunner {
  private readonly listener = new OwnedListener((socket) => this.onConnection(socket));
  private readonly counters: ForwardCounters;
  private disposed = false;

  constructor(
    readonly spec: LocalForward,
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

  private onConnection(socket: Socket): void {
    const { targetHost, targetPort } = this.spec;
    this.host
      .openChannel(
        { host: targetHost, port: targetPort },
        { host: socket.remoteAddress ?? '127.0.0.1', port: socket.remotePort ?? 0 },
      )
      .then(
        (channel) => {
          if (socket.destroyed || this.disposed) {
            channel.destroy();
            return;
          }
          pipeTunnel({ socket, channel, counters: this.counters, onActivity: this.touch });
        },
        (err: unknown) => {
          socket.destroy();
          if (this.disposed) return;
          this.onOpenFailure(
            err instanceof EngineError ? err : new EngineError('connection-lost', String(err)),
          );
        },
      );
  }

  private onOpenFailure(error: EngineError): void {
    const { hub, profileId } = this.host;
    hub.setForwardError(profileId, this.spec.id, error.toInfo());
    this.host.log('warn', `Forward ${this.spec.id}: ${error.message}`);
    if (error.kind === 'open-refused') {
      // Policy, not a passing fault: every later connection would be refused the same way, so
      // say so on the forward and free the port instead of looking healthy.
      void this.listener.close().then(() => {
        if (!this.disposed)
          hub.setForward(profileId, this.spec.id, { state: 'error', error: error.toInfo() });
      });
    }
  }

  private readonly touch = (): void => this.host.hub.touch(this.host.profileId);
}
