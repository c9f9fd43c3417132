import { Buffer } from 'node:buffer';

/**
 * SOCKS4/4a/5 wire format, server side, without I/O: parsers take everything received so far
 * and say "incomplete", "done after N bytes" or "error, answer with these bytes". Every
 * parser gives up by itself once its message cannot be complete within its size limit, so a
 * caller that only buffers while a parser says "incomplete" holds at most a few hundred bytes.
 */

export type SocksVersion = 4 | 5;

export interface SocksDestination {
  /** IPv4 dotted, IPv6 textual (no brackets), or the domain name as the client sent it. */
  host: string;
  port: number;
  addressType: 'ipv4' | 'ipv6' | 'domain';
  version: SocksVersion;
}

/** Why a CONNECT failed; mapped to the matching SOCKS5 reply code / SOCKS4 0x5B. */
export type SocksFailure =
  | 'general-failure'
  | 'not-allowed'
  | 'network-unreachable'
  | 'host-unreachable'
  | 'connection-refused'
  | 'ttl-expired'
  | 'command-not-supported'
  | 'address-type-not-supported';

/** Why negotiation ended without a request, for callers that count or log by kind. */
export type SocksErrorCode =
  | 'bad-version'
  | 'malformed'
  | 'no-acceptable-auth'
  | 'unsupported-command'
  | 'unsupported-address-type'
  | 'timeout'
  | 'closed';

export type ParseResult<T> =
  | { kind: 'incomplete' }
  | { kind: 'done'; value: T; length: number }
  | { kind: 'error'; code: SocksErrorCode; message: string; reply?: Buffer };

export interface Socks5Greeting {
  offersNoAuth: boolean;
}

export interface ParsedRequest {
  destination: SocksDestination;
  /** SOCKS4 echoes DSTPORT/DSTIP in its reply; SOCKS5 replies with a fixed bind address. */
  success: Buffer;
  failure(reason: SocksFailure): Buffer;
}

const SOCKS5_FAILURE_CODES: Record<SocksFailure, number> = {
  'general-failure': 0x01,
  'not-allowed': 0x02,
  'network-unreachable': 0x03,
  'host-unreachable': 0x04,
  'connection-refused': 0x05,
  'ttl-expired': 0x06,
  'command-not-supported': 0x07,
  'address-type-not-supported': 0x08,
};

/** RFC 1928 caps the domain at 255 by its length byte; SOCKS4 has no cap, so we pick one. */
export const MAX_SOCKS4_FIELD = 255;

const NO_AUTH = 0x00;
const NO_ACCEPTABLE_METHODS = 0xff;
const CMD_CONNECT = 0x01;
const SOCKS4_GRANTED = 0x5a;
const SOCKS4_REJECTED = 0x5b;

export const SOCKS5_METHOD_NO_AUTH = Buffer.from([0x05, NO_AUTH]);
export const SOCKS5_METHOD_NONE_ACCEPTABLE = Buffer.from([0x05, NO_ACCEPTABLE_METHODS]);

/**
 * The bound address in a SOCKS5 reply is meaningless for a tunnelled CONNECT (the real socket
 * is on the SSH server); OpenSSH sends 0.0.0.0:0 as well.
 */
export function socks5Reply(code: number): Buffer {
  return Buffer.from([0x05, code, 0x00, 0x01, 0, 0, 0, 0, 0, 0]);
}

export function socks5FailureCode(reason: SocksFailure): number {
  return SOCKS5_FAILURE_CODES[reason];
}

function socks4Reply(code: number, portAndIp: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x00, code]), portAndIp]);
}

export function parseSocks5Greeting(buf: Buffer): ParseResult<Socks5Greeting> {
  if (buf.length < 2) return { kind: 'incomplete' };
  const length = 2 + buf[1]!;
  if (buf.length < length) return { kind: 'incomplete' };
  const methods = buf.subarray(2, length);
  return { kind: 'done', value: { offersNoAuth: methods.includes(NO_AUTH) }, length };
}

export function parseSocks5Request(buf: Buffer): ParseResult<ParsedRequest> {
  if (buf.length < 4) return { kind: 'incomplete' };
  const generalFailure = socks5Reply(SOCKS5_FAILURE_CODES['general-failure']);
  if (buf[0] !== 0x05) {
    return {
      kind: 'error',
      code: 'malformed',
      message: `SOCKS5 request has version ${buf[0]}`,
      reply: generalFailure,
    };
  }
  const command = buf[1]!;
  const atyp = buf[3]!;

  let addressType: SocksDestination['addressType'];
  let addressLength: number;
  if (atyp === 0x01) {
    addressType = 'ipv4';
    addressLength = 4;
  } else if (atyp === 0x04) {
    addressType = 'ipv6';
    addressLength = 16;
  } else if (atyp === 0x03) {
    if (buf.length < 5) return { kind: 'incomplete' };
    addressType = 'domain';
    addressLength = 1 + buf[4]!;
  } else {
    // The rest of the request has unknown length, so there is nothing more to read.
    return {
      kind: 'error',
      code: 'unsupported-address-type',
      message: `SOCKS5 address type ${atyp} is not supported`,
      reply: socks5Reply(SOCKS5_FAILURE_CODES['address-type-not-supported']),
    };
  }
  const length = 4 + addressLength + 2;
  if (buf.length < length) return { kind: 'incomplete' };

  // Checked only now so the whole request is consumed: closing with unread input makes the
  // kernel send RST, which can destroy our reply before the client reads it.
  if (command !== CMD_CONNECT) {
    return {
      kind: 'error',
      code: 'unsupported-command',
      message: `SOCKS5 command ${command} is not supported (CONNECT only)`,
      reply: socks5Reply(SOCKS5_FAILURE_CODES['command-not-supported']),
    };
  }

  const address = buf.subarray(4, 4 + addressLength);
  let host: string;
  if (addressType === 'ipv4') {
    host = address.join('.');
  } else if (addressType === 'ipv6') {
    host = formatIPv6(address);
  } else {
    const decoded = decodeDomain(address.subarray(1));
    if (decoded === undefined) {
      return {
        kind: 'error',
        code: 'malformed',
        message: 'SOCKS5 request has an empty or invalid domain name',
        reply: generalFailure,
      };
    }
    host = decoded;
  }
  const port = buf.readUInt16BE(4 + addressLength);
  return {
    kind: 'done',
    length,
    value: {
      destination: { host, port, addressType, version: 5 },
      success: socks5Reply(0x00),
      failure: (reason) => socks5Reply(SOCKS5_FAILURE_CODES[reason]),
    },
  };
}

/** Handles both SOCKS4 and 4a: they share the first byte, so one port serves both. */
export function parseSocks4Request(buf: Buffer): ParseResult<ParsedRequest> {
  if (buf.length < 8) return { kind: 'incomplete' };
  const portAndIp = Buffer.from(buf.subarray(2, 8));
  const rejected = socks4Reply(SOCKS4_REJECTED, portAndIp);

  const userIdEnd = findTerminator(buf, 8);
  if (userIdEnd === 'too-long') {
    return {
      kind: 'error',
      code: 'malformed',
      message: `SOCKS4 user id is longer than ${MAX_SOCKS4_FIELD} bytes`,
      reply: rejected,
    };
  }
  if (userIdEnd === undefined) return { kind: 'incomplete' };

  const command = buf[1]!;
  const port = buf.readUInt16BE(2);
  const ip = buf.subarray(4, 8);
  // 0.0.0.x with x != 0 is SOCKS4a's marker that a domain name follows the user id.
  const isSocks4a = ip[0] === 0 && ip[1] === 0 && ip[2] === 0 && ip[3] !== 0;

  let host: string;
  let length: number;
  if (isSocks4a) {
    const domainStart = userIdEnd + 1;
    const domainEnd = findTerminator(buf, domainStart);
    if (domainEnd === 'too-long') {
      return {
        kind: 'error',
        code: 'malformed',
        message: `SOCKS4a domain name is longer than ${MAX_SOCKS4_FIELD} bytes`,
        reply: rejected,
      };
    }
    if (domainEnd === undefined) return { kind: 'incomplete' };
    const decoded = decodeDomain(buf.subarray(domainStart, domainEnd));
    if (decoded === undefined) {
      return {
        kind: 'error',
        code: 'malformed',
        message: 'SOCKS4a request has an empty or invalid domain name',
        reply: rejected,
      };
    }
    host = decoded;
    length = domainEnd + 1;
  } else {
    host = ip.join('.');
    length = userIdEnd + 1;
  }

  if (command !== CMD_CONNECT) {
    return {
      kind: 'error',
      code: 'unsupported-command',
      message: `SOCKS4 command ${command} is not supported (CONNECT only)`,
      reply: rejected,
    };
  }
  return {
    kind: 'done',
    length,
    value: {
      destination: { host, port, addressType: isSocks4a ? 'domain' : 'ipv4', version: 4 },
      success: socks4Reply(SOCKS4_GRANTED, portAndIp),
      failure: () => rejected,
    },
  };
}

/** Index of the NUL ending a field that starts at `start`, if it has arrived yet. */
function findTerminator(buf: Buffer, start: number): number | 'too-long' | undefined {
  const limit = Math.min(buf.length, start + MAX_SOCKS4_FIELD + 1);
  const end = buf.subarray(0, limit).indexOf(0x00, start);
  if (end !== -1) return end;
  return buf.length > start + MAX_SOCKS4_FIELD ? 'too-long' : undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The name goes on to the SSH server and into logs: a NUL or control character there could
 * truncate it or forge log lines, and no real host name contains one.
 */
function decodeDomain(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return undefined;
  for (const byte of bytes) {
    if (byte < 0x20 || byte === 0x7f) return undefined;
  }
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** RFC 5952 text form: lower case, no leading zeros, longest zero run (first on a tie) as `::`. */
export function formatIPv6(bytes: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
