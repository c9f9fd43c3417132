import type { Socket } from 'node:net';

/**
 * The client half of a SOCKS5 CONNECT (no authentication, IPv4 destination) on a socket that is
 * already connected to the proxy. Resolves once the proxy says the destination is connected; any
 * byte that arrived after the reply is put back, so the caller reads the tunnel from its start.
 */
export function socks5Connect(sock: Socket, host: string, port: number): Promise<void> {
  const ip = host.split('.').map(Number);
  if (ip.length !== 4 || ip.some((n) => !(n >= 0 && n <= 255)))
    return Promise.reject(new Error(`socks5Connect wants an IPv4 address, got ${host}`));
  return new Promise((resolve, reject) => {
    let buffered: Buffer = Buffer.alloc(0);
    let phase: 'method' | 'reply' = 'method';
    const fail = (why: string): void => {
      cleanup();
      reject(new Error(`SOCKS5: ${why}`));
    };
    const onClose = (): void => fail('proxy closed the connection during the handshake');
    const onError = (err: Error): void => fail(err.message);
    const onData = (chunk: Buffer): void => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      if (phase === 'method') {
        if (buffered.length < 2) return;
        if (buffered[0] !== 5 || buffered[1] !== 0)
          return fail(
            `proxy refused "no authentication" (${buffered.subarray(0, 2).toString('hex')})`,
          );
        buffered = buffered.subarray(2);
        phase = 'reply';
        const request = Buffer.from([5, 1, 0, 1, ...ip, port >> 8, port & 0xff]);
        sock.write(request);
      }
      // VER REP RSV ATYP, then the bound address: we only ever see IPv4 (4 + 2) here.
      if (buffered.length < 4) return;
      if (buffered[1] !== 0) return fail(`CONNECT failed with reply code ${buffered[1]}`);
      const addrLen = buffered[3] === 1 ? 4 : buffered[3] === 4 ? 16 : 1 + (buffered[4] ?? 0);
      const total = 4 + addrLen + 2;
      if (buffered.length < total) return;
      const rest = buffered.subarray(total);
      cleanup();
      sock.pause();
      if (rest.length > 0) sock.unshift(rest);
      resolve();
    };
    function cleanup(): void {
      sock.off('data', onData);
      sock.off('close', onClose);
      sock.off('error', onError);
    }
    sock.on('data', onData);
    sock.once('close', onClose);
    sock.once('error', onError);
    sock.write(Buffer.from([5, 1, 0]));
  });
}
