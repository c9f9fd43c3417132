import { parsePort } from './values';

/**
 * One ProxyJump hop as written: `[user@]host[:port]` or `ssh://[user@]host[:port]`, IPv6 in
 * brackets (OpenSSH's `parse_user_host_port` / `parse_ssh_uri`).
 */
export interface HopSpec {
  text: string;
  host: string;
  user?: string;
  port?: number;
}

export type HopParse = { ok: true; hops: HopSpec[] } | { ok: false; reason: string };

export function parseProxyJump(value: string): HopParse {
  const hops: HopSpec[] = [];
  for (const text of value.split(',')) {
    const hop = parseHop(text);
    if (!hop) return { ok: false, reason: `cannot read the hop "${text}"` };
    hops.push(hop);
  }
  return { ok: true, hops };
}

function parseHop(text: string): HopSpec | undefined {
  let rest = text;
  if (/^ssh:\/\//i.test(rest)) {
    rest = rest.slice('ssh://'.length).replace(/\/$/, '');
    if (rest.includes('/')) return undefined;
  }
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (!user) return undefined;
  }
  let host: string;
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) return undefined;
    host = rest.slice(1, close);
    const after = rest.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) return undefined;
    portText = after === '' ? undefined : after.slice(1);
  } else {
    const colon = rest.indexOf(':');
    host = colon < 0 ? rest : rest.slice(0, colon);
    portText = colon < 0 ? undefined : rest.slice(colon + 1);
  }
  if (!host || /\s/.test(host)) return undefined;
  const hop: HopSpec = { text, host };
  if (user !== undefined) hop.user = user;
  if (portText !== undefined) {
    const port = parsePort(portText);
    if (port === undefined || port === 0) return undefined;
    hop.port = port;
  }
  return hop;
}
