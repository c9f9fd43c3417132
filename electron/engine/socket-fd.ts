import type { Socket } from 'node:net';

/** A TCP socket's file descriptor, or -1 before it has one (libuv opens it at connect). */
export function socketFd(socket: Socket): number {
  const fd = (socket as unknown as { _handle?: { fd?: unknown } | null })._handle?.fd;
  return typeof fd === 'number' ? fd : -1;
}
