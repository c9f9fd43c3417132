import type { z } from 'zod';
import type { ForwardSchema } from '../../../shared';
import { parsePort } from './values';

/**
 * LocalForward / RemoteForward / DynamicForward values, read as OpenSSH's readconf.c
 * (`parse_forward`, `parse_fwd_field`) reads them: the two arguments are joined with ":" and split
 * into up to four fields; `[...]` quotes an IPv6 address; a field holding "/" is a Unix-socket
 * path. Bind addresses then follow channels.c: no address means loopback, or every interface
 * when GatewayPorts is yes (local and dynamic only: for incoming forwards GatewayPorts is the
 * server's setting); "" and "*" mean every interface; "localhost" means loopback.
 */

type ForwardInput = z.input<typeof ForwardSchema>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type ForwardDraft = DistributiveOmit<ForwardInput, 'id'>;

export type ForwardKind = 'local' | 'remote' | 'dynamic';

export type ForwardParse =
  { ok: true; forward: ForwardDraft; note?: string } | { ok: false; reason: string };

interface Field {
  arg: string;
  isPath: boolean;
}

const ANY_ADDRESS = '0.0.0.0';
const LOOPBACK = '127.0.0.1';

export function parseForward(
  kind: ForwardKind,
  args: string[],
  gatewayPorts: boolean,
): ForwardParse {
  const [first, second] = args;
  if (!first) return { ok: false, reason: 'names no port' };
  if (args.length > 2) return { ok: false, reason: 'has more than two arguments' };

  const legacy = parseLegacySlashForm(kind, first, second, gatewayPorts);
  if (legacy) return legacy;

  // An incoming forward with no destination is ssh's remote SOCKS proxy (ssh -R [bind:]port).
  const dynamic = kind === 'dynamic' || (kind === 'remote' && second === undefined);
  if (!dynamic && second === undefined) return { ok: false, reason: 'names no destination' };
  if (kind === 'dynamic' && second !== undefined)
    return { ok: false, reason: 'has a stray second argument' };

  const fields = splitFields(dynamic ? first : `${first}:${second}`);
  if (!fields) return { ok: false, reason: 'is not a valid forwarding specification' };
  if (fields.some((f) => f.isPath)) {
    return {
      ok: false,
      reason: 'is a Unix-socket (StreamLocal) forward, which Burrow does not support',
    };
  }

  if (dynamic) {
    if (fields.length > 2) return { ok: false, reason: 'is not a valid forwarding specification' };
    const [bindField, portField] = fields.length === 2 ? fields : [undefined, fields[0]];
    const bindPort = parsePort(portField?.arg ?? '');
    if (bindPort === undefined || bindPort === 0)
      return { ok: false, reason: 'has no valid listening port' };
    if (kind === 'remote') {
      return {
        ok: false,
        reason:
          'is a remote SOCKS proxy (RemoteForward with no destination), which Burrow does not have',
      };
    }
    return {
      ok: true,
      forward: {
        type: 'dynamic',
        bindHost: bindAddress(kind, bindField?.arg, gatewayPorts),
        bindPort,
      },
    };
  }

  if (fields.length !== 3 && fields.length !== 4) {
    return { ok: false, reason: 'is not a valid forwarding specification' };
  }
  const [bindField, ...rest] = fields.length === 4 ? fields : [undefined, ...fields];
  const [portField, hostField, hostPortField] = rest;
  return finishTcp(
    kind,
    bindField?.arg,
    portField?.arg,
    hostField?.arg,
    hostPortField?.arg,
    gatewayPorts,
  );
}

function finishTcp(
  kind: ForwardKind,
  bind: string | undefined,
  port: string | undefined,
  targetHost: string | undefined,
  targetPortText: string | undefined,
  gatewayPorts: boolean,
): ForwardParse {
  const bindPort = parsePort(port ?? '');
  // ssh lets only incoming forwards ask for port 0 (the server picks one).
  if (bindPort === undefined || (bindPort === 0 && kind !== 'remote')) {
    return { ok: false, reason: 'has no valid listening port' };
  }
  const targetPort = parsePort(targetPortText ?? '');
  if (targetPort === undefined || targetPort === 0) {
    return { ok: false, reason: 'has no valid destination port' };
  }
  if (!targetHost || /\s/.test(targetHost))
    return { ok: false, reason: 'has no valid destination host' };
  const bindHost = bindAddress(kind, bind, gatewayPorts);
  const type = kind === 'remote' ? 'remote' : 'local';
  return { ok: true, forward: { type, bindHost, bindPort, targetHost, targetPort } };
}

function bindAddress(kind: ForwardKind, bind: string | undefined, gatewayPorts: boolean): string {
  if (bind === undefined) return kind !== 'remote' && gatewayPorts ? ANY_ADDRESS : LOOPBACK;
  if (bind === '' || bind === '*') return ANY_ADDRESS;
  if (bind === 'localhost') return LOOPBACK;
  return bind;
}

/**
 * The `[bind/]port host/hostport` form older OpenSSH releases accepted. Since OpenSSH 6.7 a "/"
 * makes a field a Unix-socket path, so today's ssh would read these lines as socket forwards;
 * as "127.0.0.1/5432" is no sensible socket name, the old TCP meaning is kept, with a note.
 */
function parseLegacySlashForm(
  kind: ForwardKind,
  first: string,
  second: string | undefined,
  gatewayPorts: boolean,
): ForwardParse | undefined {
  const addrPort = /^([^/\s]+)\/(\d+)$/;
  const note =
    'uses the old "address/port" form; OpenSSH 6.7 and later read it as a Unix-socket path, Burrow imported it as the TCP forward it spells';
  if (kind === 'dynamic' || second === undefined) {
    const m = kind === 'dynamic' && second === undefined ? addrPort.exec(first) : null;
    if (!m) return undefined;
    const bindPort = parsePort(m[2] ?? '');
    if (bindPort === undefined || bindPort === 0) return undefined;
    return {
      ok: true,
      forward: { type: 'dynamic', bindHost: bindAddress(kind, m[1], gatewayPorts), bindPort },
      note,
    };
  }
  const listen = /^(?:([^/\s]+)\/)?(\d+)$/.exec(first);
  const target = addrPort.exec(second);
  if (!listen || !target || !(first.includes('/') || second.includes('/'))) return undefined;
  const parsed = finishTcp(kind, listen[1], listen[2], target[1], target[2], gatewayPorts);
  return parsed.ok ? { ...parsed, note } : parsed;
}

/** `parse_fwd_field`, applied until the spec is used up; undefined when ssh would reject it. */
function splitFields(spec: string): Field[] | undefined {
  const fields: Field[] = [];
  let rest = spec;
  while (rest !== '') {
    if (fields.length === 4) return undefined;
    if (rest.startsWith('[')) {
      const close = rest.indexOf(']');
      if (close < 0) return undefined;
      const after = rest[close + 1];
      if (after !== undefined && after !== ':') return undefined;
      const arg = rest.slice(1, close);
      fields.push({ arg, isPath: arg.includes('/') });
      rest = rest.slice(close + 2);
      continue;
    }
    let arg = '';
    let isPath = false;
    let i = 0;
    for (; i < rest.length; i++) {
      const ch = rest[i];
      if (ch === '\\') {
        i++;
        if (i >= rest.length) return undefined;
        arg += rest[i];
      } else if (ch === ':') {
        break;
      } else {
        if (ch === '/') isPath = true;
        arg += ch;
      }
    }
    fields.push({ arg, isPath });
    rest = rest.slice(i + 1);
  }
  return fields;
}
