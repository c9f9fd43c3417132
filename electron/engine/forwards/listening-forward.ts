import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { DynamicForward, ForwardCounters, LocalForward } from '../../../shared';
import { EngineError } from '../errors';
import { pipeTunnel } from '../pipe';
import type { ForwardHost, ForwardRunner } from './forward';
import { OwnedListener } from './listener';

/**
 * What outgoing and dynamic forwards share: a listener on this computer that they own, bound on
 * start() and kept through reconnects (so the port is never lost to another program during a
 * blip), and released by dispose(). Subclasses decide what each accepted connection becomes.
 */
export abstract class ListeningForward<
  Spec extends LocalForward | DynamicForward,
> implements ForwardRunner {
  protected readonly listener = new OwnedListener((socket) => this.onConnection(socket));
  protected readonly counters: ForwardCounters;
  protected disposed = false;

  constructor(
    readonly spec: Spec,
    protected readonly host: ForwardHost,
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
      if (this.disposed) return;
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

  /** Called for every accepted socket; it already has an 'error' listener. */
  protected abstract onConnection(socket: Socket): void;

  /** Opens the tunnel to `target` for `socket`, as the SSH server sees the target. */
  protected openFor(socket: Socket, target: { host: string; port: number }): Promise<Duplex> {
    return this.host.openChannel(target, {
      host: socket.remoteAddress ?? '127.0.0.1',
      port: socket.remotePort ?? 0,
    });
  }

  /** Joins an accepted socket to its channel, unless either side is already gone. */
  protected join(socket: Socket, channel: Duplex): boolean {
    if (socket.destroyed || this.disposed) {
      channel.destroy();
      return false;
    }
    pipeTunnel({ socket, channel, counters: this.counters, onActivity: this.touch });
    return true;
  }

  /** A single connection failed while the forward keeps listening: say so on the forward. */
  protected reportConnectionError(error: EngineError): void {
    this.host.hub.setForwardError(this.host.profileId, this.spec.id, error.toInfo());
    this.host.log('warn', `Forward ${this.spec.id}: ${error.message}`);
  }

  private readonly touch = (): void => this.host.hub.touch(this.host.profileId);
}

export function asEngineError(err: unknown): EngineError {
  return err instanceof EngineError ? err : new EngineError('connection-lost', String(err));
}
