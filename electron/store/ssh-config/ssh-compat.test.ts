import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProfileSchema, type Forward, type Profile } from '../../../shared';
import { importSshConfig, type SshConfigImport } from './import';
import { globPaths, readTextFile } from './node-fs';
import { FIXTURES, FIXTURE_HOME, TEST_ENV } from './test-support';

/**
 * Checks the import against OpenSSH itself: `ssh -G -F file alias` prints the options ssh computes
 * for an alias without connecting. For each alias the HostName, Port, User, IdentityFile list,
 * forwards, keepalive, ConnectTimeout and the whole ProxyJump chain must agree.
 *
 * Not compared, on purpose (each is covered by import.test.ts): Match blocks (ssh applies them,
 * Burrow skips them), Unix-socket and old "address/port" forwards (ssh reads both as socket
 * paths), remote SOCKS forwards (Burrow has none), and files ssh refuses outright.
 */

const SSH = '/usr/bin/ssh';
const haveSsh = existsSync(SSH);
if (!haveSsh)
  console.warn(
    `ssh-compat tests skipped: ${SSH} is missing, so there is no OpenSSH to compare with.`,
  );

const LOCAL_USER = userInfo().username;
/** Aliases whose ProxyJump loops or is too long: ssh -G prints them fine but never connects. */
const NO_CHAIN = new Set(['loop-a', 'loop-b', 'far']);

const temp = mkdtempSync(join(tmpdir(), 'burrow-ssh-g-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

type SshOptions = Map<string, string[]>;

function sshG(config: string, host: string, extra: string[] = []): SshOptions {
  const out = execFileSync(SSH, ['-G', '-F', config, ...extra, '--', host], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 10_000,
  });
  const options: SshOptions = new Map();
  for (const line of out.split('\n')) {
    const space = line.indexOf(' ');
    if (space < 0) continue;
    const key = line.slice(0, space);
    options.set(key, [...(options.get(key) ?? []), line.slice(space + 1)]);
  }
  return options;
}

const one = (o: SshOptions, key: string) => o.get(key)?.[0];

/** A private copy ssh accepts (it refuses group-writable configs, and needs absolute Includes). */
function sshCopy(file: string): string {
  const path = join(temp, file.replace(/[/\\]/g, '_'));
  writeFileSync(path, readFileSync(join(FIXTURES, file)), { mode: 0o600 });
  return path;
}

function ours(path: string, home = FIXTURE_HOME): SshConfigImport {
  return importSshConfig(readFileSync(path, 'utf8'), {
    path,
    home,
    readFile: readTextFile,
    glob: globPaths,
    localUser: LOCAL_USER,
    env: TEST_ENV,
  });
}

/** The hops ssh would go through, asking ssh about each hop the way `ssh -J` does. */
function sshChain(
  config: string,
  host: string,
  depth = 0,
): { host: string; port: number; username: string }[] {
  if (depth > 10) throw new Error(`ProxyJump chain of ${host} does not end`);
  const spec = one(sshG(config, host), 'proxyjump');
  if (!spec) return [];
  const hops = spec.split(',').map((text) => {
    const m = /^(?:(.*)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(text);
    if (!m?.[2]) throw new Error(`unexpected ProxyJump hop from ssh: ${text}`);
    return { user: m[1], host: m[2].replace(/^\[|\]$/g, ''), port: m[3] };
  });
  const [first] = hops;
  const before = first ? sshChain(config, first.host, depth + 1) : [];
  return [
    ...before,
    ...hops.map((hop) => {
      const extra = [...(hop.user ? ['-l', hop.user] : []), ...(hop.port ? ['-p', hop.port] : [])];
      const o = sshG(config, hop.host, extra);
      return {
        host: one(o, 'hostname') ?? '',
        port: Number(one(o, 'port')),
        username: one(o, 'user') ?? '',
      };
    }),
  ];
}

interface SshForward {
  type: Forward['type'];
  bindHost: string | undefined;
  bindPort: number;
  targetHost?: string;
  targetPort?: number;
}

/** ssh -G prints "localforward [bind]:port [host]:port" (no brackets when no bind was given). */
function sshForwards(o: SshOptions): SshForward[] {
  const parseEnd = (s: string) => {
    const m = /^(?:\[(.*)\]:)?(\d+)$/.exec(s);
    if (!m) throw new Error(`unexpected forward from ssh: ${s}`);
    return { host: m[1], port: Number(m[2]) };
  };
  const list: SshForward[] = [];
  for (const [key, type] of [
    ['localforward', 'local'],
    ['remoteforward', 'remote'],
    ['dynamicforward', 'dynamic'],
  ] as const) {
    for (const value of o.get(key) ?? []) {
      const [listen = '', target] = value.split(' ');
      const l = parseEnd(listen);
      if (!target) {
        list.push({ type, bindHost: l.host, bindPort: l.port });
        continue;
      }
      const t = parseEnd(target);
      if (t.host === 'socks' && t.port === 0) continue; // remote SOCKS: Burrow has none (warned)
      list.push({
        type,
        bindHost: l.host,
        bindPort: l.port,
        targetHost: t.host,
        targetPort: t.port,
      });
    }
  }
  return list;
}

/** Where ssh binds (channels.c): the same rule the import applies, checked here on ssh's own reading. */
function sshBind(f: SshForward, gatewayPorts: boolean): string {
  if (f.bindHost === undefined)
    return f.type !== 'remote' && gatewayPorts ? '0.0.0.0' : '127.0.0.1';
  if (f.bindHost === '' || f.bindHost === '*') return '0.0.0.0';
  if (f.bindHost === 'localhost') return '127.0.0.1';
  return f.bindHost;
}

const DEFAULT_IDENTITY_FILES = [
  '~/.ssh/id_rsa',
  '~/.ssh/id_ecdsa',
  '~/.ssh/id_ecdsa_sk',
  '~/.ssh/id_ed25519',
  '~/.ssh/id_ed25519_sk',
  '~/.ssh/id_xmss',
  '~/.ssh/id_dsa',
];

function compareHost(config: string, alias: string, mine: Profile, home: string): void {
  const o = sshG(config, alias);
  const label = `${alias} in ${config}`;
  expect(mine.host, label).toBe(one(o, 'hostname'));
  expect(mine.port, label).toBe(Number(one(o, 'port')));
  expect(mine.username, label).toBe(one(o, 'user'));

  // ssh prints IdentityFile unexpanded; fill in the tokens from ssh's own answers.
  const fill = (raw: string) =>
    raw
      .replace(/\$\{(\w+)\}/g, (_, name: string) => TEST_ENV[name as keyof typeof TEST_ENV] ?? '')
      .replace(/%([hprnd%])/g, (_, t: string) =>
        t === 'h'
          ? (one(o, 'hostname') ?? '')
          : t === 'p'
            ? (one(o, 'port') ?? '')
            : t === 'r'
              ? (one(o, 'user') ?? '')
              : t === 'n'
                ? alias
                : t === 'd'
                  ? home
                  : '%',
      );
  const keys = mine.auth.flatMap((a) => (a.type === 'key' ? [a.path] : []));
  const pubkeyOff = one(o, 'pubkeyauthentication') === 'no';
  if (!pubkeyOff) {
    expect(keys, label).toEqual(keys.length === 0 ? [] : (o.get('identityfile') ?? []).map(fill));
    if (keys.length === 0) expect(o.get('identityfile'), label).toEqual(DEFAULT_IDENTITY_FILES);
  }
  const agentAllowed =
    one(o, 'identitiesonly') !== 'yes' && one(o, 'identityagent') !== 'none' && !pubkeyOff;
  expect(
    mine.auth.some((a) => a.type === 'agent'),
    label,
  ).toBe(agentAllowed);

  const gatewayPorts = one(o, 'gatewayports') === 'yes';
  const expected = sshForwards(o).map((f) => ({ ...f, bindHost: sshBind(f, gatewayPorts) }));
  const byType = (list: { type: string }[], type: string) => list.filter((f) => f.type === type);
  const mineForwards = mine.forwards.map((f) => {
    const { id: _id, enabled: _enabled, name: _name, ...rest } = f;
    return rest;
  });
  for (const type of ['local', 'remote', 'dynamic']) {
    expect(byType(mineForwards, type), `${label} ${type} forwards`).toEqual(byType(expected, type));
  }

  const interval = Number(one(o, 'serveraliveinterval'));
  if (interval > 0) expect(mine.keepalive.intervalSeconds, label).toBe(interval);
  expect(mine.keepalive.maxMissed, label).toBe(Number(one(o, 'serveralivecountmax')));
  const timeout = one(o, 'connecttimeout');
  if (timeout !== 'none') expect(mine.connectTimeoutSeconds, label).toBe(Number(timeout));

  if (!NO_CHAIN.has(alias)) {
    expect(
      mine.jumpHosts.map((h) =>
        'host' in h ? { host: h.host, port: h.port, username: h.username } : h,
      ),
      label,
    ).toEqual(sshChain(config, alias));
  }
}

/** Files and the aliases in them that ssh reads the same way Burrow does. */
const COMPARED: Record<string, string[] | 'all'> = {
  'defaults-top.conf': 'all',
  'defaults-bottom.conf': 'all',
  'negation.conf': 'all',
  'jumps.conf': 'all',
  'forwards.conf': ['fwd', 'gateway'],
  'auth.conf': 'all',
  'ids.conf': 'all',
};

describe.skipIf(!haveSsh)('agrees with ssh -G', () => {
  describe.each(Object.entries(COMPARED))('%s', (file, aliases) => {
    const config = sshCopy(file);
    const result = ours(config);
    const hosts = result.hosts.filter((h) => aliases === 'all' || aliases.includes(h.alias));

    it.each(hosts.map((h) => [h.alias, h] as const))('%s', (alias, host) => {
      compareHost(config, alias, ProfileSchema.parse(host.profile), FIXTURE_HOME);
    });
  });

  describe('~/.ssh/config with Includes', () => {
    // ssh resolves relative Includes against the real ~/.ssh of the account running it, so both
    // sides read a copy of the pretend home whose Include lines are made absolute.
    const home = join(temp, 'home');
    cpSync(FIXTURE_HOME, home, { recursive: true });
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) =>
        statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)],
      );
    for (const f of files(home)) {
      const text = readFileSync(f, 'utf8').replace(
        /^(\s*Include\s+)(.*)$/gim,
        (_, lead: string, args: string) =>
          lead +
          args
            .split(/\s+/)
            .map((a) =>
              a.startsWith('~/')
                ? join(home, a.slice(2))
                : a.startsWith('/')
                  ? a
                  : join(home, '.ssh', a),
            )
            .join(' '),
      );
      writeFileSync(f, text);
      chmodSync(f, 0o600);
    }
    const config = join(home, '.ssh', 'config');
    const result = ours(config, home);

    it('imports the same hosts as from the relative original', () => {
      const original = ours(join(FIXTURE_HOME, '.ssh', 'config'));
      expect(result.hosts.map((h) => h.profile)).toEqual(original.hosts.map((h) => h.profile));
    });

    it.each(result.hosts.map((h) => [h.alias, h] as const))('%s', (alias, host) => {
      compareHost(config, alias, ProfileSchema.parse(host.profile), home);
    });

    it('ssh never applies the Host inside the conditional Include either', () => {
      expect(one(sshG(config, 'hidden'), 'hostname')).toBe('hidden');
    });
  });
});
