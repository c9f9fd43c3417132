import type { Socket } from 'node:net';
import type { LocalForward } from '../../../shared';
import type { EngineError } from '../errors';
import { ListeningForward, asEngineError } from './listening-forward';

/**
 * Outgoing (-L): listens on this computer; every connection becomes a direct-tcpip channel to
 * the target as the SSH server sees it.
 */
export class LocalForwardRunner extends ListeningForward<LocalForward> {
  protected onConnection(socket: Socket): void {
    const { targetHost, targetPort } = this.spec;
    this.openFor(socket, { host: targetHost, port: targetPort }).then(
      (channel) => void this.join(socket, channel),
      (err: unknown) => {
        socket.destroy();
        if (!this.disposed) this.onOpenFailure(asEngineError(err));
      },
    );
  }

  private onOpenFailure(error: EngineError): void {
    this.reportConnectionError(error);
    if (error.kind === 'open-refused') {
      // Policy, not a passing fault: every later connection would be refused the same way, so
      // say so on the forward and free the port instead of looking healthy.
      void this.listener.close().then(() => {
        if (!this.disposed)
          this.host.hub.setForward(this.host.profileId, this.spec.id, {
            state: 'error',
            error: error.toInfo(),
          });
      });
    }
  }
}
