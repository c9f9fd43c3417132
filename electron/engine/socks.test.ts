import { Buffer } from 'node:buffer';
import { execFile, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { SocksClient } from 'socks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  SocksProtocolError,
  formatIPv6,
  negotiateSocks,
  type SocksDestination,
  type SocksFailure,
  type SocksRequest,
} from './socks';
import {
  MAX_SOCKS4_FIELD,
  parseSocks4Request,
  parseSocks5Greeting,
  parseSocks5Request,
  type ParseResult,
} from './socks-protocol';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const GREETING = hex('05 01 00');
const METHOD_OK = hex('05 00');
const V5_OK = hex('05 00 00 01 00000000 0000');
/** CONNECT 10.0.0.1:8080 */
const V5_CONNECT_IPV4 = hex('05 01 00 01 0a000001 1f90');
/** CONNECT example.com:443 */
const V5_CONNECT_DOMAIN = Buffer.concat([
  hex('05 01 00 03 0b'),
  Buffer.from('example.com'),
  hex('01bb'),
]);
/** CONNECT 10.0.0.1:8080 as user "me" */
const V4_CONNECT = Buffer.concat([hex('04 01 1f90 0a000001'), Buffer.from('me'), hex('00')]);
/** CONNECT example.com:443 via the 4a 0.0.0.1 marker */
const V4A_CONNECT = Buffer.concat([
  hex('04 01 01bb 00000001'),
  Buffer.from('me'),
  hex('00'),
  Buffer.from('example.com'),
  hex('00'),
]);

describe('socks-protocol parsers', () => {
  const complete: [string, (b: Buffer) => ParseResult<unknown>, Buffer][] = [
    ['SOCKS5 greeting', parseSocks5Greeting, hex('05 03 00 01 02')],
    ['SOCKS5 ipv4 request', parseSocks5Request, V5_CONNECT_IPV4],
    ['SOCKS5 domain request', parseSocks5Request, V5_CONNECT_DOMAIN],
    ['SOCKS5 ipv6 request', parseSocks5Request, hex(`05 01 00 04 ${'00'.repeat(15)}01 0016`)],
    ['SOCKS4 request', parseSocks4Request, V4_CONNECT],
    ['SOCKS4a request', parseSocks4Request, V4A_CONNECT],
  ];
  it.each(complete)('%s: every prefix is incomplete, the whole is done', (_, parse, bytes) => {
    for (let n = 0; n < bytes.length; n++) {
      expect(parse(bytes.subarray(0, n)).kind).toBe('incomplete');
    }
    const withTail = Buffer.concat([bytes, Buffer.from('payload')]);
    expect(parse(withTail)).toMatchObject({ kind: 'done', length: bytes.length });
  });

  it('formats IPv6 in RFC 5952 form', () => {
    const bytesOf = (text: string): Buffer => {
      const bytes = Buffer.alloc(16);
      expandIPv6(text).forEach((g, i) => bytes.writeUInt16BE(g, i * 2));
      return bytes;
    };
    const exact: [string, string][] = [
      ['0:0:0:0:0:0:0:0', '::'],
      ['0:0:0:0:0:0:0:1', '::1'],
      ['1:0:0:0:0:0:0:0', '1::'],
      ['2001:0db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
      ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
      ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
      ['FE80:0:0:0:0:0:ABCD:EF01', 'fe80::abcd:ef01'],
      ['0:0:0:0:0:ffff:0102:0304', '::ffff:1.2.3.4'],
    ];
    for (const [input, want] of exact) expect(formatIPv6(bytesOf(input))).toBe(want);

    for (let i = 0; i < 500; i++) {
      // Mostly zero groups, so zero runs of every length and position come up.
      const groups = Array.from({ length: 8 }, () =>
        Math.random() < 0.5 ? 0 : Math.floor(Math.random() * 0x10000),
      );
      const text = formatIPv6(bytesOf(groups.map((g) => g.toString(16)).join(':')));
      // Same address as the platform reads it (it prints ::a.b.c.d for some, RFC 5952 does not).
      expect(net.isIPv6(text)).toBe(true);
      expect(expandIPv6(new net.SocketAddress({ address: text, family: 'ipv6' }).address)).toEqual(
        groups,
      );
    }
  });

  it('caps the SOCKS4 user id and 4a domain lengths', () => {
    const exactly = Buffer.concat([
      hex('04 01 0050 0a000001'),
      Buffer.alloc(MAX_SOCKS4_FIELD, 0x61),
    ]);
    expect(parseSocks4Request(exactly).kind).toBe('incomplete');
    expect(parseSocks4Request(Buffer.concat([exactly, hex('00')])).kind).toBe('done');
    const tooLong = Buffer.concat([exactly, Buffer.from('a')]);
    expect(parseSocks4Request(tooLong)).toMatchObject({
      kind: 'error',
      code: 'malformed',
      reply: hex('00 5b 0050 0a000001'),
    });

    const longDomain = Buffer.concat([
      hex('04 01 0050 00000001 00'),
      Buffer.alloc(MAX_SOCKS4_FIELD + 1, 0x61),
    ]);
    expect(parseSocks4Request(longDomain)).toMatchObject({ kind: 'error', code: 'malformed' });
  });

  it('refuses empty, control-character and non-UTF-8 domain names', () => {
    const v5 = (name: Buffer): Buffer =>
      Buffer.concat([hex('05 01 00 03'), Buffer.from([name.length]), name, hex('0050')]);
    const v4a = (name: Buffer): Buffer =>
      Buffer.concat([hex('04 01 0050 00000001 00'), name, hex('00')]);
    for (const name of [Buffer.alloc(0), Buffer.from('a\nb'), hex('ff fe')]) {
      expect(parseSocks5Request(v5(name))).toMatchObject({
        kind: 'error',
        code: 'malformed',
        reply: hex('05 01 00 01 00000000 0000'),
      });
      expect(parseSocks4Request(v4a(name))).toMatchObject({ kind: 'error', code: 'malformed' });
    }
    // A NUL cannot hide inside a 4a name (it ends the field), but it can in SOCKS5.
    expect(parseSocks5Request(v5(Buffer.from('evil\0good')))).toMatchObject({ kind: 'error' });
    expect(parseSocks5Request(v5(Buffer.from('bücher.example')))).toMatchObject({
      kind: 'done',
      value: { destination: { host: 'bücher.example' } },
    });
  });

  it('answers an unknown address type at once, before the rest arrives', () => {
    expect(parseSocks5Request(hex('05 01 00 09'))).toMatchObject({
      kind: 'error',
      code: 'unsupported-address-type',
      reply: hex('05 08 00 01 00000000 0000'),
    });
  });

  it('reads SOCKS4 0.0.0.0 as a plain address, not 4a', () => {
    const req = Buffer.concat([hex('04 01 0050 00000000 00')]);
    expect(parseSocks4Request(req)).toMatchObject({
      kind: 'done',
      value: { destination: { host: '0.0.0.0', addressType: 'ipv4', port: 80, version: 4 } },
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Real sockets

const WATCHED_EVENTS = ['data', 'end', 'close', 'error', 'readable', 'timeout'] as const;
type ListenerCounts = Record<(typeof WATCHED_EVENTS)[number], number>;
const listenerCounts = (socket: net.Socket): ListenerCounts =>
  Object.fromEntries(WATCHED_EVENTS.map((e) => [e, socket.listenerCount(e)])) as ListenerCounts;

type Outcome =
  | {
      ok: true;
      request: SocksRequest;
      socket: net.Socket;
      before: ListenerCounts;
      after: ListenerCounts;
    }
  | { ok: false; error: unknown; socket: net.Socket };

interface TestServer {
  port: number;
  /** The next negotiation result, in connection order. */
  next(): Promise<Outcome>;
}

type Handler = (request: SocksRequest, socket: net.Socket) => void;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** What the dynamic forward would do once its SSH channel is open: here, echo. */
const echo: Handler = (request, socket) => {
  request.accept();
  socket.pipe(socket);
};

async function startServer(
  handler: Handler,
  opts: { timeoutMs?: number; callerErrorListener?: boolean } = {},
): Promise<TestServer> {
  const outcomes: Outcome[] = [];
  const waiters: ((o: Outcome) => void)[] = [];
  const sockets = new Set<net.Socket>();
  const push = (o: Outcome): void => {
    const waiter = waiters.shift();
    if (waiter) waiter(o);
    else outcomes.push(o);
  };
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    if (opts.callerErrorListener !== false) socket.on('error', () => {});
    const before = listenerCounts(socket);
    negotiateSocks(socket, opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }).then(
      (request) => {
        push({ ok: true, request, socket, before, after: listenerCounts(socket) });
        handler(request, socket);
      },
      (error: unknown) => push({ ok: false, error, socket }),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    next: () => {
      const ready = outcomes.shift();
      return ready ? Promise.resolve(ready) : new Promise((r) => waiters.push(r));
    },
  };
}

async function expectRequest(server: TestServer): Promise<Extract<Outcome, { ok: true }>> {
  const outcome = await server.next();
  if (!outcome.ok) throw outcome.error;
  expect(outcome.after).toEqual(outcome.before);
  return outcome;
}

async function expectFailure(server: TestServer, code: string): Promise<net.Socket> {
  const outcome = await server.next();
  expect(outcome.ok).toBe(false);
  if (outcome.ok) throw new Error('unreachable');
  expect(outcome.error).toBeInstanceOf(SocksProtocolError);
  expect((outcome.error as SocksProtocolError).code).toBe(code);
  return outcome.socket;
}

interface RawClient {
  socket: net.Socket;
  write(bytes: Buffer): void;
  /** Exactly `n` bytes, or throws if the server closes first. */
  read(n: number): Promise<Buffer>;
  /** Whatever is left once the server closes. */
  readToClose(): Promise<Buffer>;
}

async function connectRaw(port: number): Promise<RawClient> {
  const socket = net.connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  // A server that closes with our bytes unread resets the connection; tests check the bytes.
  socket.on('error', () => {});
  await once(socket, 'connect');
  cleanups.push(() => void socket.destroy());

  let received = Buffer.alloc(0);
  let closed = false;
  let checks: (() => void)[] = [];
  const wake = (): void => [...checks].forEach((c) => c());
  socket.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    wake();
  });
  socket.on('close', () => {
    closed = true;
    wake();
  });
  const until = (cond: () => boolean): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (!cond()) return;
        checks = checks.filter((c) => c !== check);
        resolve();
      };
      checks.push(check);
      check();
    });

  return {
    socket,
    write: (bytes) => void socket.write(bytes),
    async read(n) {
      await until(() => received.length >= n || closed);
      if (received.length < n) {
        throw new Error(`closed after ${received.length}/${n} bytes: ${received.toString('hex')}`);
      }
      const out = received.subarray(0, n);
      received = received.subarray(n);
      return out;
    },
    async readToClose() {
      await until(() => closed);
      const out = received;
      received = Buffer.alloc(0);
      return out;
    },
  };
}

async function socksEcho(
  port: number,
  type: 4 | 5,
  destination: { host: string; port: number },
): Promise<void> {
  const { socket } = await SocksClient.createConnection({
    proxy: { host: '127.0.0.1', port, type },
    command: 'connect',
    destination,
    timeout: 5_000,
  });
  cleanups.push(() => void socket.destroy());
  const reply = once(socket, 'data');
  socket.write('ping through burrow');
  const [echoed] = (await reply) as [Buffer];
  expect(echoed.toString()).toBe('ping through burrow');
  socket.end();
}

describe('negotiateSocks with the socks npm client', () => {
  const cases: [string, 4 | 5, string, Omit<SocksDestination, 'port'>][] = [
    ['SOCKS5 ipv4', 5, '10.1.2.3', { host: '10.1.2.3', addressType: 'ipv4', version: 5 }],
    ['SOCKS5 ipv6', 5, '::1', { host: '::1', addressType: 'ipv6', version: 5 }],
    [
      'SOCKS5 domain',
      5,
      'db.internal.example',
      { host: 'db.internal.example', addressType: 'domain', version: 5 },
    ],
    ['SOCKS4', 4, '192.168.7.9', { host: '192.168.7.9', addressType: 'ipv4', version: 4 }],
    [
      'SOCKS4a',
      4,
      'db.internal.example',
      { host: 'db.internal.example', addressType: 'domain', version: 4 },
    ],
  ];
  it.each(cases)(
    '%s: sees the destination and carries data both ways',
    async (_, type, host, want) => {
      const server = await startServer(echo);
      const [, outcome] = await Promise.all([
        socksEcho(server.port, type, { host, port: 5432 }),
        expectRequest(server),
      ]);
      expect(outcome.request.destination).toEqual({ ...want, port: 5432 });
    },
  );

  it('reports a refusal to the client', async () => {
    const server = await startServer((request) => request.reject('connection-refused'));
    await expect(
      SocksClient.createConnection({
        proxy: { host: '127.0.0.1', port: server.port, type: 5 },
        command: 'connect',
        destination: { host: 'example.com', port: 80 },
      }),
    ).rejects.toThrow(/ConnectionRefused/);
  });
});

describe('negotiateSocks on the wire', () => {
  const failures: [SocksFailure, number][] = [
    ['general-failure', 0x01],
    ['not-allowed', 0x02],
    ['network-unreachable', 0x03],
    ['host-unreachable', 0x04],
    ['connection-refused', 0x05],
    ['ttl-expired', 0x06],
    ['command-not-supported', 0x07],
    ['address-type-not-supported', 0x08],
  ];

  it.each(failures)('reject(%s) answers SOCKS5 code %i and closes', async (reason, code) => {
    const server = await startServer((request) => request.reject(reason));
    const client = await connectRaw(server.port);
    client.write(GREETING);
    expect(await client.read(2)).toEqual(METHOD_OK);
    client.write(V5_CONNECT_IPV4);
    await expectRequest(server);
    expect(await client.readToClose()).toEqual(
      Buffer.from([0x05, code, 0x00, 0x01, 0, 0, 0, 0, 0, 0]),
    );
  });

  it.each(failures)('reject(%s) answers SOCKS4 0x5B and closes', async (reason) => {
    const server = await startServer((request) => request.reject(reason));
    const client = await connectRaw(server.port);
    client.write(V4_CONNECT);
    await expectRequest(server);
    expect(await client.readToClose()).toEqual(hex('00 5b 1f90 0a000001'));
  });

  it('accept answers SOCKS4 0x5A with the requested port and address', async () => {
    const server = await startServer(echo);
    const client = await connectRaw(server.port);
    client.write(V4_CONNECT);
    expect(await client.read(8)).toEqual(hex('00 5a 1f90 0a000001'));
  });

  it.each([
    ['BIND', 0x02],
    ['UDP ASSOCIATE', 0x03],
  ])('SOCKS5 %s is answered with 0x07', async (_, command) => {
    const server = await startServer(echo);
    const client = await connectRaw(server.port);
    client.write(GREETING);
    expect(await client.read(2)).toEqual(METHOD_OK);
    client.write(Buffer.from([0x05, command, 0x00, 0x01, 10, 0, 0, 1, 0x1f, 0x90]));
    expect(await client.readToClose()).toEqual(hex('05 07 00 01 00000000 0000'));
    expect((await expectFailure(server, 'unsupported-command')).destroyed).toBe(true);
  });

  it('SOCKS4 BIND is answered with 0x5B', async () => {
    const server = await startServer(echo);
    const client = await connectRaw(server.port);
    client.write(Buffer.concat([hex('04 02 1f90 0a000001'), hex('00')]));
    expect(await client.readToClose()).toEqual(hex('00 5b 1f90 0a000001'));
    await expectFailure(server, 'unsupported-command');
  });

  it('an unknown address type is answered with 0x08', async () => {
    const server = await startServer(echo);
    const client = await connectRaw(server.port);
    client.write(Buffer.concat([GREETING, hex('05 01 00 09')]));
    expect(await client.readToClose()).toEqual(
      Buffer.concat([METHOD_OK, hex('05 08 00 01 00000000 0000')]),
    );
    await expectFailure(server, 'unsupported-address-type');
  });

  it('a client without "no authentication" gets 0xFF', async () => {
    const server = await startServer(echo);
    const client = await connectRaw(server.port);
    client.write(hex('05 02 02 01')); // username/password, GSSAPI
    expect(await client.readToClose()).toEqual(hex('05 ff'));
    await expectFailure(server, 'no-acceptable-auth');
  });

  it('a SOCKS4 user id over the cap is refused', async () => {
    const server = await startServer(echo);
    const client = await connectRaw(server.port);
    client.write(Buffer.concat([hex('04 01 1f90 0a000001'), Buffer.alloc(300, 0x61)]));
    expect(await client.readToClose()).toEqual(hex('00 5b 1f90 0a000001'));
    await expectFailure(server, 'malformed');
  });

  it('a non-SOCKS client is closed without a reply', async () => {
    const server = await startServer(echo);
    const client = await connectRaw(server.port);
    client.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    expect(await client.readToClose()).toHaveLength(0);
    const socket = await expectFailure(server, 'bad-version');
    expect(socket.destroyed).toBe(true);
  });

  it.each([
    ['SOCKS5 domain', Buffer.concat([GREETING, V5_CONNECT_DOMAIN]), 'example.com'],
    ['SOCKS4a', V4A_CONNECT, 'example.com'],
    ['SOCKS4', V4_CONNECT, '10.0.0.1'],
  ])('%s delivered one byte at a time', async (_, bytes, host) => {
    const server = await startServer(echo);
    const client = await connectRaw(server.port);
    for (const byte of bytes) {
      client.write(Buffer.from([byte]));
      await delay(2);
    }
    const outcome = await expectRequest(server);
    expect(outcome.request.destination.host).toBe(host);
    client.write(Buffer.from('after'));
    const replyLength = bytes[0] === 5 ? 2 + 10 : 8;
    await client.read(replyLength);
    expect((await client.read(5)).toString()).toBe('after');
  });

  it.each([
    ['SOCKS5', Buffer.concat([GREETING, V5_CONNECT_DOMAIN]), Buffer.concat([METHOD_OK, V5_OK])],
    ['SOCKS4a', V4A_CONNECT, hex('00 5a 01bb 00000001')],
  ])(
    '%s handshake and payload in one write: payload arrives after accept',
    async (_, handshake, replies) => {
      // Bigger than one read, so part of it is still in the kernel when negotiation ends.
      const payload = Buffer.alloc(256 * 1024);
      for (let i = 0; i < payload.length; i++) payload[i] = (i * 7) & 0xff;
      const atAccept: { flowing: boolean | null; buffered: number }[] = [];
      const server = await startServer((request, socket) => {
        // The SSH channel takes a moment to open; nothing may be lost or reordered meanwhile.
        setTimeout(() => {
          atAccept.push({ flowing: socket.readableFlowing, buffered: socket.readableLength });
          request.accept();
          socket.pipe(socket);
        }, 50);
      });
      const client = await connectRaw(server.port);
      client.write(Buffer.concat([handshake, payload]));
      const outcome = await expectRequest(server);
      expect(outcome.request.destination).toMatchObject({ host: 'example.com', port: 443 });
      expect(await client.read(replies.length)).toEqual(replies);
      expect((await client.read(payload.length)).equals(payload)).toBe(true);
      expect(atAccept).toEqual([{ flowing: false, buffered: expect.any(Number) }]);
      expect(atAccept[0]!.buffered).toBeGreaterThan(0);
    },
  );

  it('handshake, payload and FIN together: the payload still gets through', async () => {
    const server = await startServer(echo);
    const client = await connectRaw(server.port);
    client.socket.end(Buffer.concat([V4_CONNECT, Buffer.from('last words')]));
    await expectRequest(server);
    expect(await client.readToClose()).toEqual(
      Buffer.concat([hex('00 5a 1f90 0a000001'), Buffer.from('last words')]),
    );
  });

  it.each([
    ['half-close', (c: RawClient) => void c.socket.end()],
    ['reset', (c: RawClient) => void c.socket.resetAndDestroy()],
  ])(
    'a client that leaves mid-handshake (%s) rejects the promise, nothing leaks',
    async (_, leave) => {
      // Without the caller's own error listener: a reset must not become an uncaught error.
      const server = await startServer(echo, { callerErrorListener: false });
      const client = await connectRaw(server.port);
      client.write(Buffer.concat([GREETING, hex('05 01')]));
      await client.read(2);
      leave(client);
      const socket = await expectFailure(server, 'closed');
      expect(socket.destroyed).toBe(true);
      expect(socket.listenerCount('data')).toBe(0);
      expect(socket.listenerCount('error')).toBe(0);
    },
  );

  it('times out a silent client', async () => {
    const server = await startServer(echo, { timeoutMs: 100 });
    const client = await connectRaw(server.port);
    client.write(hex('05 01')); // half a greeting, then nothing
    expect(await client.readToClose()).toHaveLength(0);
    await expectFailure(server, 'timeout');
  });

  it('leaves no timeout armed after a successful negotiation', async () => {
    const server = await startServer(echo, { timeoutMs: 100 });
    const client = await connectRaw(server.port);
    client.write(V4_CONNECT);
    await expectRequest(server);
    await client.read(8);
    await delay(300);
    client.write(Buffer.from('still here'));
    expect((await client.read(10)).toString()).toBe('still here');
  });

  it('clears its handshake timer whichever way negotiation ends', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const server = await startServer(echo);
      const good = await connectRaw(server.port);
      good.write(V4_CONNECT);
      await expectRequest(server);
      const bad = await connectRaw(server.port);
      bad.write(Buffer.from('GET /'));
      await expectFailure(server, 'bad-version');
      const gone = await connectRaw(server.port);
      gone.socket.end(hex('05'));
      await expectFailure(server, 'closed');
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('answers only once, whatever the caller does', async () => {
    const server = await startServer((request, socket) => {
      request.accept();
      request.accept();
      request.reject('general-failure');
      socket.pipe(socket);
    });
    const client = await connectRaw(server.port);
    client.write(Buffer.concat([GREETING, V5_CONNECT_IPV4, Buffer.from('x')]));
    expect(await client.read(13)).toEqual(Buffer.concat([METHOD_OK, V5_OK, Buffer.from('x')]));
    client.write(Buffer.from('y'));
    expect(await client.read(1)).toEqual(Buffer.from('y'));
  });

  it('reject after the client left does not throw', async () => {
    let settle!: (e: unknown) => void;
    const done = new Promise((r) => (settle = r));
    const server = await startServer((request, socket) => {
      socket.once('close', () => {
        try {
          request.reject('host-unreachable');
          request.accept();
          settle(undefined);
        } catch (e) {
          settle(e);
        }
      });
      socket.resume();
    });
    const client = await connectRaw(server.port);
    client.write(V4_CONNECT);
    await expectRequest(server);
    client.socket.resetAndDestroy();
    expect(await done).toBeUndefined();
  });
});

const hasCurl = ((): boolean => {
  try {
    execFileSync('curl', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasCurl)('negotiateSocks with curl', () => {
  /** A one-shot HTTP server standing in for whatever the SSH server would reach. */
  const http: Handler = (request, socket) => {
    request.accept();
    socket.resume();
    let head = '';
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (head.includes('\r\n\r\n')) {
        socket.end(
          'HTTP/1.1 200 OK\r\nContent-Length: 13\r\nConnection: close\r\n\r\nhello, burrow',
        );
      }
    });
  };

  // Proxy variables in the environment could send curl elsewhere or bypass our proxy.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/_proxy$/i.test(k)),
  ) as NodeJS.ProcessEnv;

  it.each([
    ['--socks5-hostname', 5],
    ['--socks4a', 4],
  ] as const)('curl %s resolves the name through the proxy', async (flag, version) => {
    const server = await startServer(http);
    const [stdout, outcome] = await Promise.all([
      new Promise<string>((resolve, reject) =>
        execFile(
          'curl',
          ['-sS', '-m', '10', flag, `127.0.0.1:${server.port}`, 'http://example.invalid/'],
          { env },
          (err, out) => (err ? reject(err) : resolve(out)),
        ),
      ),
      expectRequest(server),
    ]);
    expect(stdout).toBe('hello, burrow');
    expect(outcome.request.destination).toEqual({
      host: 'example.invalid',
      port: 80,
      addressType: 'domain',
      version,
    });
  });
});

/** Eight 16-bit groups of a textual IPv6 address, for checking the formatter. */
function expandIPv6(text: string): number[] {
  const dotted = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(2).map(Number) as [number, number, number, number];
    const hexTail = `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
    return expandIPv6(`${dotted[1]}${hexTail}`);
  }
  const [left = '', right] = text.split('::');
  const parse = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const head = parse(left);
  if (right === undefined) return head;
  const tail = parse(right);
  return [...head, ...Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}
