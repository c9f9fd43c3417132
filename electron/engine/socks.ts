import { Buffer } from 'node:buffer';
import type { Socket } from 'node:net';
import {
  SOCKS5_METHOD_NO_AUTH,
  SOCKS5_METHOD_NONE_ACCEPTABLE,
  parseSocks4Request,
  parseSocks5Greeting,
  parseSocks5Request,
  type ParseResult,
  type ParsedRequest,
  type SocksDestination,
  type SocksErrorCode,
  type SocksFailure,
} from './socks-protocol';

export type {
  SocksDestination,
  SocksErrorCode,
  SocksFailure,
  SocksVersion,
} from './socks-protocol';
export { formatIPv6, socks5FailureCode } from './socks-protocol';

export interface SocksRequest {
  destination: SocksDestination;
  /**
   * Sends the success reply; afterwards the socket carries the client's raw stream. The socket
   * is paused with any early client bytes put back, so `pipe()` (or `resume()`) it to read.
   */
  accept(): void;
  /** Sends the failure reply and ends the socket. */
  reject(reason: SocksFailure): void;
}

export class SocksProtocolError extends Error {
  override name = 'SocksProtocolError';

  constructor(
    readonly code: SocksErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const DEFAULT_SOCKS_TIMEOUT_MS = 10_000;

/**
 * Reads the SOCKS greeting and request from a freshly accepted socket.
 * Resolves with the request, or rejects with SocksProtocolError (bad version, malformed,
 * unsupported command — after sending the proper error reply where the protocol has one,
 * and destroying the socket) or on timeout (`timeoutMs`, default 10 s) / early close, which
 * also destroy the socket. `error.code` tells the cases apart.
 *
 * The caller should attach its own 'error' listener before calling: ours is removed once the
 * request is read, and the socket may fail while the caller opens the channel.
 */
export function negotiateSocks(
  socket: Socket,
  opts: { timeoutMs?: number } = {},
): Promise<SocksRequest> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_SOCKS_TIMEOUT_MS;

  return new Promise<SocksRequest>((resolve, reject) => {
    if (socket.destroyed || !socket.readable) {
      socket.destroy();
      reject(new SocksProtocolError('closed', 'client closed before the SOCKS handshake'));
      return;
    }

    let buffered: Buffer = Buffer.alloc(0);
    let phase: 'first' | 'socks5-request' = 'first';
    let settled = false;

    const onData = (chunk: Buffer): void => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      advance();
    };
    const onEnd = (): void => {
      fail(new SocksProtocolError('closed', 'client closed the connection during SOCKS handshake'));
    };
    const onClose = onEnd;
    const onError = (err: Error): void => {
      fail(
        new SocksProtocolError('closed', `socket error during SOCKS handshake: ${err.message}`, {
          cause: err,
        }),
      );
    };
    // A plain timer rather than socket.setTimeout, which would stay armed for the caller.
    const timer = setTimeout(() => {
      fail(new SocksProtocolError('timeout', `SOCKS handshake not finished in ${timeoutMs} ms`));
    }, timeoutMs);

    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onClose);
    socket.on('error', onError);
    // Adding a 'data' listener does not restart a socket someone paused explicitly.
    socket.resume();

    function detach(): void {
      settled = true;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onClose);
      socket.off('error', onError);
    }

    function fail(err: SocksProtocolError, reply?: Buffer): void {
      if (settled) return;
      detach();
      if (reply) endWithReply(socket, reply);
      else socket.destroy();
      reject(err);
    }

    function failOn(result: ParseResult<unknown> & { kind: 'error' }): void {
      fail(new SocksProtocolError(result.code, result.message), result.reply);
    }

    function succeed(request: ParsedRequest, length: number): void {
      detach();
      // Pause before unshift: in flowing mode unshifted bytes would be emitted to nobody.
      socket.pause();
      const rest = buffered.subarray(length);
      buffered = Buffer.alloc(0);
      if (rest.length > 0) socket.unshift(rest);
      resolve(makeRequest(socket, request));
    }

    // Loops because one chunk may hold the greeting, the request and the first payload.
    function advance(): void {
      while (!settled && buffered.length > 0) {
        if (phase === 'first') {
          const version = buffered[0];
          if (version === 0x05) {
            const greeting = parseSocks5Greeting(buffered);
            if (greeting.kind === 'incomplete') return;
            if (greeting.kind === 'error') return failOn(greeting);
            if (!greeting.value.offersNoAuth) {
              return fail(
                new SocksProtocolError(
                  'no-acceptable-auth',
                  'SOCKS5 client does not offer "no authentication"',
                ),
                SOCKS5_METHOD_NONE_ACCEPTABLE,
              );
            }
            socket.write(SOCKS5_METHOD_NO_AUTH);
            buffered = buffered.subarray(greeting.length);
            phase = 'socks5-request';
          } else if (version === 0x04) {
            const request = parseSocks4Request(buffered);
            if (request.kind === 'incomplete') return;
            if (request.kind === 'error') return failOn(request);
            return succeed(request.value, request.length);
          } else {
            // Not SOCKS at all (often an HTTP client pointed at the wrong port): nothing to say.
            return fail(
              new SocksProtocolError(
                'bad-version',
                `not a SOCKS4/5 client (first byte 0x${version!.toString(16).padStart(2, '0')})`,
              ),
            );
          }
        } else {
          const request = parseSocks5Request(buffered);
          if (request.kind === 'incomplete') return;
          if (request.kind === 'error') return failOn(request);
          return succeed(request.value, request.length);
        }
      }
    }
  });
}

function makeRequest(socket: Socket, parsed: ParsedRequest): SocksRequest {
  let answered = false;
  return {
    destination: parsed.destination,
    accept() {
      if (answered) return;
      answered = true;
      if (socket.writable) socket.write(parsed.success);
    },
    reject(reason) {
      if (answered) return;
      answered = true;
      endWithReply(socket, parsed.failure(reason));
    },
  };
}

/**
 * Half-closes after the reply so it is delivered before the FIN, then frees the socket once
 * the bytes left for the kernel; the client may be gone already, so errors are expected.
 */
function endWithReply(socket: Socket, reply: Buffer): void {
  socket.on('error', ignoreError);
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(reply, () => socket.destroy());
}

function ignoreError(): void {}
