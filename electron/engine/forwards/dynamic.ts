import type { Socket } from 'node:net';
import type { DynamicForward } from '../../../shared';
import { openFailureDescription, type EngineError } from '../errors';
import { negotiateSocks, type SocksFailure, type SocksRequest } from '../socks';
import { ListeningForward, asEngineError } from './listening-forward';

/**
 * Dynamic (-D): a SOCKS5/4/4a proxy on this computer; each client names its destination, which
 * is opened as a direct-tcpip channel. A refused destination fails that one request with the
 * matching SOCKS reply; the proxy keeps serving others.
 */
export class DynamicForwardRunner extends ListeningForward<DynamicForward> {
  protected onConnection(socket: Socket): void {
    negotiateSocks(socket).then(
      (request) => this.connect(socket, request),
      // A client that does not speak SOCKS, or gave up: negotiateSocks already answered it.
      () => socket.destroy(),
    );
  }

  private async connect(socket: Socket, request: SocksRequest): Promise<void> {
    try {
      const channel = await this.openFor(socket, request.destination);
      if (socket.destroyed || this.disposed) {
        channel.destroy();
        return;
      }
      // The success reply goes out before any byte of the tunnel.
      request.accept();
      this.join(socket, channel);
    } catch (err) {
      const error = asEngineError(err);
      request.reject(socksFailureFor(error));
      if (!this.disposed) this.reportConnectionError(error);
    }
  }
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
