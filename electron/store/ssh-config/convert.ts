import { createHash } from 'node:crypto';
import type { AuthMethod, ProfileInput } from '../../../shared';
import type { ComputedHost, Setting } from './evaluate';
import { parseForward, type ForwardDraft, type ForwardKind } from './forwards';
import { parseProxyJump, type HopSpec } from './jump';
import { expandEnv, expandTokens, isNo, isYes, parseInteger, parsePort, parseTime } from './values';

/**
 * Turns the options ssh computed for one alias into a Burrow profile draft, and says in plain
 * words what could not be carried over. Nothing here throws: a value Burrow cannot use is left
 * out (the schema default applies) with a warning.
 */

export interface ConvertContext {
  home: string;
  localUser: string;
  localHostname: string;
  uid: number | undefined;
  env: NodeJS.ProcessEnv;
  /** Computes (and remembers) the options for any host name, e.g. a jump host. */
  compute(host: string): ComputedHost;
  /** A path as shown in messages. */
  show(path: string): string;
}

export type ProfileDraft = Omit<ProfileInput, 'id' | 'name'>;

export interface Converted {
  profile: ProfileDraft;
  warnings: string[];
}

const DEFAULT_PORT = 22;
const MAX_JUMP_HOSTS = 8;
const LIMITS = {
  keepaliveInterval: 3600,
  keepaliveCountMax: 100,
  connectTimeout: 600,
};

export function convertHost(computed: ComputedHost, ctx: ConvertContext): Converted {
  const warnings: string[] = [];
  const warn = (w: string) => warnings.push(w);
  const conn = connectionOf(computed, ctx, {}, warn);
  const profile: ProfileDraft = { host: conn.host, port: conn.port, username: conn.username };
  if (conn.auth) profile.auth = conn.auth;
  profile.jumpHosts = jumpHostsOf(computed, ctx, warn);
  profile.forwards = forwardsOf(computed, ctx, warn);
  Object.assign(profile, timingOf(computed, ctx, warn));
  unsupported(computed, warn);
  return { profile, warnings };
}

interface Connection {
  host: string;
  port: number;
  username: string;
  auth?: AuthMethod[];
}

/** HostName, Port, User and login methods; `overrides` are a jump hop's own user@ and :port. */
function connectionOf(
  c: ComputedHost,
  ctx: ConvertContext,
  overrides: { user?: string; port?: number },
  warn: (w: string) => void,
): Connection {
  let host = c.host;
  const hostName = c.first.get('hostname');
  if (hostName) {
    const expanded = expandTokens(hostName.args[0] ?? '', { h: c.host });
    if (!expanded.ok)
      warn(`${describe(hostName, ctx)} ${expanded.error}; "${c.host}" is used instead.`);
    else if (!expanded.value || /\s/.test(expanded.value))
      warn(`${describe(hostName, ctx)} is not a host name; "${c.host}" is used instead.`);
    else host = expanded.value;
  }
  // ssh lowercases the name it connects to (ssh -G shows it so).
  host = host.toLowerCase();

  let port = DEFAULT_PORT;
  const portSetting = c.first.get('port');
  if (overrides.port !== undefined) {
    port = overrides.port;
  } else if (portSetting) {
    const parsed = parsePort(portSetting.args[0] ?? '');
    if (parsed === undefined || parsed === 0)
      warn(`${describe(portSetting, ctx)} is not a valid port; ${DEFAULT_PORT} is used.`);
    else port = parsed;
  }

  const username = overrides.user ?? c.first.get('user')?.args[0] ?? ctx.localUser;
  const auth = authOf(c, ctx, { host, port, username }, warn);
  return auth ? { host, port, username, auth } : { host, port, username };
}

/**
 * Login methods in ssh's default order (publickey, keyboard-interactive, password, or as
 * PreferredAuthentications says): each IdentityFile, then the agent, then the prompts. ssh's
 * default key files (~/.ssh/id_*) are not added: only keys the config names.
 */
function authOf(
  c: ComputedHost,
  ctx: ConvertContext,
  remote: { host: string; port: number; username: string },
  warn: (w: string) => void,
): AuthMethod[] | undefined {
  const flag = (k: string) => c.first.get(k)?.args[0];
  const tokens = pathTokens(c, ctx, remote);

  const keys: AuthMethod[] = [];
  for (const setting of c.lists.get('identityfile') ?? []) {
    const path = expandPath(setting, tokens, ctx, warn);
    if (path !== undefined && !keys.some((k) => k.type === 'key' && k.path === path)) {
      keys.push({ type: 'key', path });
    }
  }

  const identitiesOnly = isYes(flag('identitiesonly'));
  let agent: AuthMethod | undefined = identitiesOnly ? undefined : { type: 'agent' };
  const agentSetting = c.first.get('identityagent');
  const agentValue = agentSetting?.args[0];
  if (agent && agentSetting && agentValue !== undefined && agentValue !== 'SSH_AUTH_SOCK') {
    if (agentValue.toLowerCase() === 'none') {
      agent = undefined;
    } else if (agentValue.startsWith('$')) {
      const socket = ctx.env[agentValue.slice(1)];
      if (socket) agent = { type: 'agent', socket };
      else
        warn(
          `${describe(agentSetting, ctx)}: ${agentValue.slice(1)} is not set; the default agent (SSH_AUTH_SOCK) is used.`,
        );
    } else {
      const socket = expandPath(agentSetting, tokens, ctx, warn);
      if (socket !== undefined) agent = { type: 'agent', socket };
    }
  }

  if (identitiesOnly && keys.length === 0 && !isNo(flag('pubkeyauthentication'))) {
    warn(
      'IdentitiesOnly is yes but no IdentityFile is set: ssh would try its default keys (~/.ssh/id_*), Burrow only uses keys the profile names. Add your key to the profile.',
    );
  }

  const groups: Record<string, AuthMethod[]> = {
    publickey: isNo(flag('pubkeyauthentication')) ? [] : [...keys, ...(agent ? [agent] : [])],
    'keyboard-interactive': isNo(flag('kbdinteractiveauthentication'))
      ? []
      : [{ type: 'keyboard-interactive' }],
    password: isNo(flag('passwordauthentication')) ? [] : [{ type: 'password' }],
  };
  const preferred = c.first.get('preferredauthentications');
  const order = preferred
    ? (preferred.args[0] ?? '').split(',').filter((m) => Object.hasOwn(groups, m))
    : ['publickey', 'keyboard-interactive', 'password'];
  const auth = [...new Set(order)].flatMap((m) => groups[m] ?? []);
  if (auth.length === 0) {
    warn(
      "None of the login methods Burrow supports is enabled for this host; Burrow's defaults (agent, keyboard-interactive, password) are used.",
    );
    return undefined;
  }
  return auth;
}

/** The tokens ssh_config(5) allows in IdentityFile and IdentityAgent. */
function pathTokens(
  c: ComputedHost,
  ctx: ConvertContext,
  remote: { host: string; port: number; username: string },
): Record<string, string> {
  const shortHost = ctx.localHostname.split('.')[0] ?? ctx.localHostname;
  const tokens: Record<string, string> = {
    d: ctx.home,
    h: remote.host,
    k: c.first.get('hostkeyalias')?.args[0] ?? c.host,
    L: shortHost,
    l: ctx.localHostname,
    n: c.host,
    p: String(remote.port),
    r: remote.username,
    u: ctx.localUser,
  };
  tokens.C = createHash('sha1')
    .update(`${ctx.localHostname}${remote.host}${remote.port}${remote.username}`)
    .digest('hex');
  if (ctx.uid !== undefined) tokens.i = String(ctx.uid);
  return tokens;
}

/**
 * A path with `${VAR}` and %-tokens filled in, as ssh does. A leading `~` is kept as written:
 * Burrow expands it when it connects, so the profile stays valid if the home directory moves.
 */
function expandPath(
  setting: Setting,
  tokens: Record<string, string>,
  ctx: ConvertContext,
  warn: (w: string) => void,
): string | undefined {
  const raw = setting.args[0];
  if (!raw) {
    warn(`${describe(setting, ctx)} names no file; skipped.`);
    return undefined;
  }
  const env = expandEnv(raw, ctx.env);
  const expanded = env.ok ? expandTokens(env.value, tokens) : env;
  if (!expanded.ok) {
    warn(`${describe(setting, ctx)} ${expanded.error}; skipped.`);
    return undefined;
  }
  return expanded.value;
}

/**
 * ProxyJump as ssh runs it: `ProxyJump a,b` means ssh -J a b, so b is reached through a, and a
 * itself is reached the way the config says to reach a (its own ProxyJump, recursively). Each hop
 * takes its HostName, Port, User and keys from its own computed options; user@ and :port in the
 * hop win, as ssh's -l and -p do.
 */
function jumpHostsOf(
  c: ComputedHost,
  ctx: ConvertContext,
  warn: (w: string) => void,
): NonNullable<ProfileInput['jumpHosts']> {
  const hops = hopChain(c, ctx, [c.host], '', warn);
  if (!hops) return [];
  if (hops.length > MAX_JUMP_HOSTS) {
    warn(
      `ProxyJump needs ${hops.length} jump hosts; Burrow allows at most ${MAX_JUMP_HOSTS}, so the jump hosts were left out.`,
    );
    return [];
  }
  return hops.map(({ spec, computed }) => {
    const hopWarn = (w: string) => warn(`Jump host ${spec.text}: ${w}`);
    const overrides: { user?: string; port?: number } = {};
    if (spec.user !== undefined) overrides.user = spec.user;
    if (spec.port !== undefined) overrides.port = spec.port;
    // The same connection fields as a profile: host, port, username and (when set) auth.
    return connectionOf(computed, ctx, overrides, hopWarn);
  });
}

type Hop = { spec: HopSpec; computed: ComputedHost };

/** The hops in connection order, or null when they go round in a loop (ssh never gets through). */
function hopChain(
  c: ComputedHost,
  ctx: ConvertContext,
  path: string[],
  prefix: string,
  warn: (w: string) => void,
): Hop[] | null {
  const proxy = c.first.get('proxy');
  const value = proxy?.args[0];
  if (!proxy || value === undefined || value.toLowerCase() === 'none') return [];
  if (proxy.name.toLowerCase() === 'proxycommand') {
    warn(
      `${prefix}ProxyCommand is not supported; use ProxyJump. Burrow would connect to ${c.host} directly.`,
    );
    return [];
  }
  const parsed = parseProxyJump(value);
  if (!parsed.ok) {
    warn(`${prefix}${describe(proxy, ctx)}: ${parsed.reason}; jump hosts left out.`);
    return [];
  }
  const hops = parsed.hops.map((spec) => ({ spec, computed: ctx.compute(spec.host) }));
  const [first] = hops;
  if (!first) return [];
  if (path.includes(first.spec.host)) {
    const loop = [...path, first.spec.host].join(' → ');
    warn(`ProxyJump goes round in a loop (${loop}), so the jump hosts were left out.`);
    return null;
  }
  const nextPrefix = `Jump host ${first.spec.text}: `;
  const before = hopChain(first.computed, ctx, [...path, first.spec.host], nextPrefix, warn);
  return before && [...before, ...hops];
}

const FORWARD_KEYWORDS: [string, ForwardKind][] = [
  ['localforward', 'local'],
  ['remoteforward', 'remote'],
  ['dynamicforward', 'dynamic'],
];
const FORWARD_ID_PREFIX: Record<ForwardKind, string> = { local: 'L', remote: 'R', dynamic: 'D' };

function forwardsOf(
  c: ComputedHost,
  ctx: ConvertContext,
  warn: (w: string) => void,
): ProfileInput['forwards'] {
  const settings = FORWARD_KEYWORDS.flatMap(([keyword, kind]) =>
    (c.lists.get(keyword) ?? []).map((setting) => ({ setting, kind })),
  ).sort((a, b) => a.setting.seq - b.setting.seq);
  if (settings.length > 0 && isYes(c.first.get('clearallforwardings')?.args[0])) return [];
  const gatewayPorts = isYes(c.first.get('gatewayports')?.args[0]);

  const seen = new Set<string>();
  const ids = new Set<string>();
  const forwards: NonNullable<ProfileInput['forwards']> = [];
  for (const { setting, kind } of settings) {
    const parsed = parseForward(kind, setting.args, gatewayPorts);
    if (!parsed.ok) {
      warn(`${describe(setting, ctx)} ${parsed.reason}; skipped.`);
      continue;
    }
    if (parsed.note) warn(`${describe(setting, ctx)} ${parsed.note}.`);
    const key = JSON.stringify(parsed.forward);
    if (seen.has(key)) continue;
    seen.add(key);
    forwards.push({
      ...parsed.forward,
      id: forwardId(parsed.forward, kind, ids),
    } as ForwardDraft & { id: string });
  }
  return forwards;
}

/** Stable ids from type and port (L5432, R8080, D1080), "-2", "-3"… when a port repeats. */
function forwardId(forward: ForwardDraft, kind: ForwardKind, ids: Set<string>): string {
  const base = `${FORWARD_ID_PREFIX[kind]}${forward.bindPort}`;
  let id = base;
  for (let n = 2; ids.has(id); n++) id = `${base}-${n}`;
  ids.add(id);
  return id;
}

function timingOf(
  c: ComputedHost,
  ctx: ConvertContext,
  warn: (w: string) => void,
): Partial<ProfileDraft> {
  const out: Partial<ProfileDraft> = {};
  const keepalive: { intervalSeconds?: number; maxMissed?: number } = {};

  const interval = c.first.get('serveraliveinterval');
  if (interval) {
    const seconds = parseTime(interval.args[0] ?? '');
    if (seconds === undefined)
      warn(`${describe(interval, ctx)} is not a time; Burrow's default is used.`);
    else
      keepalive.intervalSeconds = clamp(seconds, 0, LIMITS.keepaliveInterval, interval, ctx, warn);
  }
  const countMax = c.first.get('serveralivecountmax');
  if (countMax) {
    const n = parseInteger(countMax.args[0] ?? '');
    if (n === undefined)
      warn(`${describe(countMax, ctx)} is not a number; Burrow's default is used.`);
    else keepalive.maxMissed = clamp(n, 1, LIMITS.keepaliveCountMax, countMax, ctx, warn);
  }
  if (Object.keys(keepalive).length > 0) out.keepalive = keepalive;

  const timeout = c.first.get('connecttimeout');
  if (timeout && timeout.args[0]?.toLowerCase() !== 'none') {
    const seconds = parseTime(timeout.args[0] ?? '');
    if (seconds === undefined)
      warn(`${describe(timeout, ctx)} is not a time; Burrow's default is used.`);
    else out.connectTimeoutSeconds = clamp(seconds, 1, LIMITS.connectTimeout, timeout, ctx, warn);
  }
  return out;
}

function clamp(
  value: number,
  min: number,
  max: number,
  setting: Setting,
  ctx: ConvertContext,
  warn: (w: string) => void,
): number {
  if (value < min) {
    warn(`${describe(setting, ctx)} is below Burrow's minimum; ${min} is used.`);
    return min;
  }
  if (value > max) {
    warn(`${describe(setting, ctx)} is above Burrow's maximum; ${max} is used.`);
    return max;
  }
  return value;
}

interface Unsupported {
  keyword: string;
  /** Warn only for these values (lowercased); any value when absent. */
  when?: (value: string) => boolean;
  message: (value: string) => string;
}

const UNSUPPORTED: Unsupported[] = [
  {
    keyword: 'localcommand',
    message: () => 'LocalCommand is not supported: Burrow runs no local commands.',
  },
  {
    keyword: 'remotecommand',
    when: (v) => v !== 'none',
    message: () =>
      'RemoteCommand is not supported: Burrow opens tunnels only and runs no remote command.',
  },
  {
    keyword: 'forwardagent',
    when: (v) => v !== 'no' && v !== 'false',
    message: () => 'ForwardAgent is not carried over: Burrow does not forward the agent.',
  },
  {
    keyword: 'forwardx11',
    when: (v) => v === 'yes' || v === 'true',
    message: () => 'ForwardX11 is not carried over: Burrow does not forward X11.',
  },
  {
    keyword: 'tunnel',
    when: (v) => v !== 'no' && v !== 'false',
    message: () => 'Tunnel (tun/tap device forwarding) is not supported.',
  },
  {
    keyword: 'canonicalizehostname',
    when: (v) => v === 'yes' || v === 'always' || v === 'true',
    message: () => 'CanonicalizeHostname is not applied: the host name is used as written.',
  },
  {
    keyword: 'hostkeyalias',
    message: () => 'HostKeyAlias is not supported: the host key is checked under the host name.',
  },
  {
    keyword: 'stricthostkeychecking',
    when: (v) => v === 'no' || v === 'off' || v === 'false' || v === 'accept-new',
    message: (v) =>
      `StrictHostKeyChecking ${v} is not carried over: Burrow always checks host keys and asks before trusting a new one.`,
  },
  {
    keyword: 'pkcs11provider',
    when: (v) => v !== 'none',
    message: () => 'PKCS11Provider (smart card keys) is not supported.',
  },
  {
    keyword: 'bindaddress',
    message: () => 'BindAddress is not supported: Burrow connects from the default local address.',
  },
  {
    keyword: 'bindinterface',
    message: () =>
      'BindInterface is not supported: Burrow connects from the default local address.',
  },
];

function unsupported(c: ComputedHost, warn: (w: string) => void): void {
  for (const rule of UNSUPPORTED) {
    const setting = c.first.get(rule.keyword);
    const value = setting?.args[0]?.toLowerCase();
    if (value === undefined || (rule.when && !rule.when(value))) continue;
    warn(rule.message(value));
  }
  const certificates = c.lists.get('certificatefile') ?? [];
  if (certificates.length > 0) {
    warn('CertificateFile is not supported: Burrow logs in with plain keys, not SSH certificates.');
  }
}

/** `LocalForward 5432 db:5432 (~/.ssh/config line 12)` */
function describe(setting: Setting, ctx: ConvertContext): string {
  const text = [setting.name, ...setting.args].join(' ');
  return `${text} (${ctx.show(setting.file)} line ${setting.line})`;
}
