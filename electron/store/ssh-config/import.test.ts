import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProfileSchema } from '../../../shared';
import { importSshConfig, readSshConfig } from './import';
import { FIXTURE_FILES, FIXTURE_HOME, FIXTURES, hostOf, importFixture } from './test-support';

const DEFAULT_AUTH = [{ type: 'agent' }, { type: 'keyboard-interactive' }, { type: 'password' }];

describe('every fixture', () => {
  it.each(FIXTURE_FILES)('%s: every profile passes ProfileSchema, ids are unique', (file) => {
    const result = importFixture(file);
    expect(result.hosts.length).toBeGreaterThan(0);
    for (const host of result.hosts) {
      expect(() => ProfileSchema.parse(host.profile), host.alias).not.toThrow();
      expect(host.profile.name).toBe(host.alias);
    }
    const ids = result.hosts.map((h) => h.profile.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('Host * and other patterns, first value wins', () => {
  it('a Host * at the top wins over the specific blocks after it', () => {
    const result = importFixture('defaults-top.conf');
    expect(result.hosts.map((h) => h.alias)).toEqual(['alpha', 'beta']);
    const alpha = hostOf(result, 'alpha').profile;
    expect(alpha).toMatchObject({
      host: 'alpha.example.com',
      port: 2201,
      username: 'everyone', // not alice: Host * came first
      keepalive: { intervalSeconds: 30, maxMissed: 4 },
    });
    // IdentityFile accumulates, in the order ssh meets the lines.
    expect(alpha.auth).toEqual([
      { type: 'key', path: '~/.ssh/id_shared' },
      { type: 'key', path: '~/.ssh/id_alpha' },
      ...DEFAULT_AUTH,
    ]);
    const beta = hostOf(result, 'beta').profile;
    expect(beta).toMatchObject({
      host: '192.0.2.10',
      port: 22,
      username: 'everyone',
      connectTimeoutSeconds: 60,
    });
  });

  it('a Host * at the bottom only fills gaps', () => {
    const result = importFixture('defaults-bottom.conf');
    expect(result.hosts.map((h) => h.alias)).toEqual(['alpha', 'beta', 'gamma']);
    expect(hostOf(result, 'alpha').profile).toMatchObject({
      host: 'alpha.example.com',
      port: 2201,
      username: 'alice',
      keepalive: { intervalSeconds: 30 },
    });
    expect(hostOf(result, 'alpha').profile.auth?.slice(0, 2)).toEqual([
      { type: 'key', path: '~/.ssh/id_alpha' },
      { type: 'key', path: '~/.ssh/id_shared' },
    ]);
    // "Host beta gamma" with HostName %h: each alias fills in its own name.
    expect(hostOf(result, 'beta').profile).toMatchObject({
      host: 'beta.internal.example',
      port: 2200,
      username: 'everyone',
      connectTimeoutSeconds: 15,
    });
    expect(hostOf(result, 'gamma').profile).toMatchObject({
      host: 'gamma.internal.example',
      port: 2203,
      username: 'gus',
    });
  });

  it('applies negated patterns, several aliases per line, and "?" as exactly one character', () => {
    const result = importFixture('negation.conf');
    expect(result.hosts.map((h) => h.alias)).toEqual([
      'bastion',
      'app1',
      'app2',
      'app3',
      'web',
      'web1',
      'lonely',
    ]);
    const bastionHop = { host: 'bastion.example.com', port: 2222, username: 'jump' };
    expect(hostOf(result, 'bastion').profile.jumpHosts).toEqual([]);
    for (const alias of ['app1', 'app2', 'app3']) {
      const { profile, source } = hostOf(result, alias);
      expect(profile).toMatchObject({
        id: alias,
        host: `${alias}.apps.example.com`,
        username: 'deploy',
      });
      expect(profile.jumpHosts).toMatchObject([bastionHop]);
      expect(source).toEqual({ file: join(FIXTURES, 'negation.conf'), line: 12 });
    }
    expect(hostOf(result, 'web').profile).toMatchObject({ host: 'web.example.com', port: 22 });
    expect(hostOf(result, 'web1').profile).toMatchObject({ host: 'web.example.com', port: 8022 });
    expect(hostOf(result, 'lonely').profile.port).toBe(22); // "Host !lonely" alone matches nothing
  });

  it('uses the local user when no User applies', () => {
    const result = importFixture('negation.conf', { localUser: 'someone' });
    expect(hostOf(result, 'web').profile.username).toBe('someone');
  });
});

describe('Include', () => {
  const result = importFixture('home/.ssh/config');

  it('follows globs in lexical order, nested files and Includes inside a Host block', () => {
    expect(result.hosts.map((h) => h.alias)).toEqual(['work', 'lab', 'deeper', 'nested', 'main']);
    expect(hostOf(result, 'work').profile).toMatchObject({
      host: 'work.example.com',
      port: 2210,
      username: 'homeuser',
    });
    expect(hostOf(result, 'lab').source).toEqual({
      file: join(FIXTURE_HOME, '.ssh', 'config.d', '20-lab.conf'),
      line: 1,
    });
    expect(hostOf(result, 'deeper').profile.username).toBe('deepuser');
    // conditional.conf, included inside "Host main": its top applies to main, and main's block
    // goes on after it (Port 2022).
    expect(hostOf(result, 'main').profile).toMatchObject({
      host: 'main.example.com',
      port: 2022,
      username: 'mainuser',
    });
  });

  it('resolves a ProxyJump hop that names an alias from another included file', () => {
    expect(hostOf(result, 'lab').profile.jumpHosts).toEqual([
      {
        host: 'work.example.com',
        port: 2210,
        username: 'homeuser',
        auth: [{ type: 'key', path: '~/.ssh/id_work' }, ...DEFAULT_AUTH],
      },
    ]);
  });

  it('warns about a missing include and a Host that can never apply, at file level', () => {
    expect(result.warnings).toEqual([
      '~/.ssh/config line 3: Include ~/.ssh/missing.conf could not be read (missing or unreadable).',
      expect.stringMatching(/^~\/\.ssh\/conditional\.conf line 4: Host hidden never applies/),
    ]);
  });

  it('stops an Include that includes itself', () => {
    const loop = importFixture('include-loop.conf');
    expect(loop.hosts.map((h) => h.alias)).toEqual(['looped']);
    expect(loop.warnings).toEqual([
      '~/.ssh/loop/self.conf line 2: Include loop/self.conf would include ~/.ssh/loop/self.conf inside itself; skipped.',
    ]);
  });

  it('stops at 16 levels, as ssh does', () => {
    const files = new Map<string, string>();
    for (let i = 0; i < 20; i++) files.set(`/h/.ssh/f${i}`, `Include f${i + 1}\nHost level${i}\n`);
    const deep = importSshConfig('Include f0\n', {
      path: '/h/.ssh/config',
      home: '/h',
      readFile: (p) => files.get(p),
      localUser: 'me',
    });
    expect(deep.hosts).toHaveLength(15);
    expect(deep.warnings).toEqual([
      '~/.ssh/f14 line 1: Include nested more than 16 deep; skipped.',
    ]);
  });

  it('says so when a wildcard cannot be expanded (no glob given)', () => {
    const noGlob = importSshConfig('Include conf.d/*\nHost a\n', {
      path: '/h/.ssh/config',
      home: '/h',
      readFile: () => undefined,
      localUser: 'me',
    });
    expect(noGlob.warnings).toEqual([
      '~/.ssh/config line 1: Include conf.d/* uses a wildcard that cannot be expanded here; skipped.',
    ]);
  });

  it('warns when a glob matches nothing', () => {
    const none = importSshConfig('Include ~/nowhere/*.conf\nHost a\n', {
      path: '/h/.ssh/config',
      home: '/h',
      readFile: () => undefined,
      glob: () => [],
      localUser: 'me',
    });
    expect(none.warnings).toEqual([
      '~/.ssh/config line 1: Include ~/nowhere/*.conf matched no files.',
    ]);
  });
});

describe('ProxyJump', () => {
  const result = importFixture('jumps.conf');
  const bastion = {
    host: 'bastion.example.com',
    port: 2222,
    username: 'jumper',
    // IdentitiesOnly yes: the key, no agent.
    auth: [
      { type: 'key', path: '~/.ssh/id_bastion' },
      { type: 'keyboard-interactive' },
      { type: 'password' },
    ],
  };

  it("resolves a hop through that alias's HostName, Port, User and IdentityFile", () => {
    expect(hostOf(result, 'inner').profile.jumpHosts).toEqual([bastion]);
  });

  it("follows the first hop's own ProxyJump, as ssh -J does", () => {
    expect(hostOf(result, 'deep').profile.jumpHosts).toEqual([
      bastion,
      { host: '10.0.0.5', port: 22, username: 'ops', auth: DEFAULT_AUTH },
    ]);
  });

  it("lets the hop's user@ and :port win, and takes hops that are no alias as written", () => {
    expect(hostOf(result, 'chain').profile.jumpHosts).toEqual([
      { ...bastion, port: 2022, username: 'admin' },
      { host: 'relay.example.net', port: 2200, username: 'fallback', auth: DEFAULT_AUTH },
    ]);
  });

  it('reads bracketed IPv6 hops and ssh:// URIs', () => {
    expect(hostOf(result, 'uri').profile.jumpHosts).toMatchObject([
      { host: '2001:db8::1', port: 2200, username: 'carol' },
      { host: 'relay.example.net', port: 22, username: 'fallback' },
    ]);
  });

  it('keeps ProxyJump none (first value wins)', () => {
    expect(hostOf(result, 'direct').profile.jumpHosts).toEqual([]);
  });

  it('leaves out a loop and a chain longer than 8, with a warning', () => {
    expect(hostOf(result, 'loop-a').profile.jumpHosts).toEqual([]);
    expect(hostOf(result, 'loop-a').warnings).toEqual([
      'ProxyJump goes round in a loop (loop-a → loop-b → loop-a), so the jump hosts were left out.',
    ]);
    expect(hostOf(result, 'far').profile.jumpHosts).toEqual([]);
    expect(hostOf(result, 'far').warnings).toEqual([
      'ProxyJump needs 9 jump hosts; Burrow allows at most 8, so the jump hosts were left out.',
    ]);
  });
});

describe('forwards', () => {
  const result = importFixture('forwards.conf');

  it('reads every TCP syntax, IPv6 brackets included, with stable unique ids', () => {
    const { profile, warnings } = hostOf(result, 'fwd');
    const local = (
      id: string,
      bindHost: string,
      bindPort: number,
      targetHost: string,
      targetPort: number,
    ) => ({
      id,
      type: 'local',
      bindHost,
      bindPort,
      targetHost,
      targetPort,
    });
    expect(profile.forwards).toEqual([
      local('L5432', '127.0.0.1', 5432, 'db.internal', 5432),
      local('L6379', '127.0.0.1', 6379, 'cache.internal', 6379),
      local('L8080', '::1', 8080, '2001:db8::10', 80),
      local('L8081', '192.0.2.1', 8081, 'web.internal', 80),
      local('L8082', '127.0.0.1', 8082, 'web.internal', 80), // localhost: loopback
      local('L8083', '0.0.0.0', 8083, 'web.internal', 80), // "*": every interface
      local('L8084', '0.0.0.0', 8084, 'web.internal', 80), // empty address: every interface
      local('L8085', '127.0.0.1', 8085, 'fe80::1', 443),
      local('L9000', '127.0.0.1', 9000, 'a.internal', 9000),
      local('L9000-2', '::1', 9000, 'b.internal', 9000),
      {
        id: 'R8080',
        type: 'remote',
        bindHost: '127.0.0.1',
        bindPort: 8080,
        targetHost: 'localhost',
        targetPort: 3000,
      },
      {
        id: 'R8443',
        type: 'remote',
        bindHost: '0.0.0.0',
        bindPort: 8443,
        targetHost: '127.0.0.1',
        targetPort: 443,
      },
      {
        id: 'R2222',
        type: 'remote',
        bindHost: '::',
        bindPort: 2222,
        targetHost: '::1',
        targetPort: 22,
      },
      {
        id: 'R0',
        type: 'remote',
        bindHost: '127.0.0.1',
        bindPort: 0,
        targetHost: 'localhost',
        targetPort: 4000,
      },
      { id: 'D1080', type: 'dynamic', bindHost: '127.0.0.1', bindPort: 1080 },
      { id: 'D1082', type: 'dynamic', bindHost: '127.0.0.1', bindPort: 1082 },
      { id: 'D1083', type: 'dynamic', bindHost: '::1', bindPort: 1083 },
    ]);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^RemoteForward 1081 \(.*forwards\.conf line 21\) is a remote SOCKS proxy .*; skipped\.$/,
      ),
    ]);
  });

  it('binds local and dynamic forwards with no address to 0.0.0.0 under GatewayPorts yes', () => {
    expect(hostOf(result, 'gateway').profile.forwards).toEqual([
      {
        id: 'L3000',
        type: 'local',
        bindHost: '0.0.0.0',
        bindPort: 3000,
        targetHost: 'app.internal',
        targetPort: 3000,
      },
      {
        id: 'L3001',
        type: 'local',
        bindHost: '127.0.0.1',
        bindPort: 3001,
        targetHost: 'app.internal',
        targetPort: 3001,
      },
      // GatewayPorts is the server's business for incoming forwards.
      {
        id: 'R3002',
        type: 'remote',
        bindHost: '127.0.0.1',
        bindPort: 3002,
        targetHost: 'localhost',
        targetPort: 3002,
      },
      { id: 'D1090', type: 'dynamic', bindHost: '0.0.0.0', bindPort: 1090 },
    ]);
  });

  it('skips Unix-socket forwards with a warning each', () => {
    const { profile, warnings } = hostOf(result, 'sockets');
    expect(profile.forwards).toEqual([
      {
        id: 'L7000',
        type: 'local',
        bindHost: '127.0.0.1',
        bindPort: 7000,
        targetHost: 'ok.internal',
        targetPort: 7000,
      },
    ]);
    expect(warnings).toHaveLength(3);
    for (const w of warnings)
      expect(w).toMatch(
        /Unix-socket \(StreamLocal\) forward, which Burrow does not support; skipped\.$/,
      );
  });

  it('reads the old "address/port" slash form as TCP, and says so', () => {
    const { profile, warnings } = hostOf(result, 'legacy');
    expect(profile.forwards).toEqual([
      {
        id: 'L7001',
        type: 'local',
        bindHost: '127.0.0.1',
        bindPort: 7001,
        targetHost: 'db.internal',
        targetPort: 5432,
      },
      {
        id: 'L7002',
        type: 'local',
        bindHost: '127.0.0.1',
        bindPort: 7002,
        targetHost: 'db.internal',
        targetPort: 5432,
      },
      { id: 'D7003', type: 'dynamic', bindHost: '127.0.0.1', bindPort: 7003 },
    ]);
    expect(warnings).toHaveLength(3);
    for (const w of warnings)
      expect(w).toMatch(
        /old "address\/port" form; OpenSSH 6\.7 and later read it as a Unix-socket path/,
      );
  });

  it('skips each forward ssh would reject, keeps the rest', () => {
    const bad = hostOf(importFixture('bad-forwards.conf'), 'badfwd');
    expect(bad.profile.forwards).toEqual([
      {
        id: 'L6000',
        type: 'local',
        bindHost: '127.0.0.1',
        bindPort: 6000,
        targetHost: 'good.internal',
        targetPort: 6000,
      },
    ]);
    expect(bad.warnings.map((w) => w.replace(/ \(.*?line \d+\)/, ''))).toEqual([
      'LocalForward 99999 db:5432 has no valid listening port; skipped.',
      'LocalForward 5432 db:0 has no valid destination port; skipped.',
      'LocalForward 5432 names no destination; skipped.',
      'LocalForward 0 db:5432 has no valid listening port; skipped.',
      'LocalForward 1:2:3:4:5 x:1 is not a valid forwarding specification; skipped.',
      'LocalForward [::1:8080 db:80 is not a valid forwarding specification; skipped.',
      'DynamicForward abc has no valid listening port; skipped.',
    ]);
  });
});

describe('login methods', () => {
  const result = importFixture('auth.conf');
  const auth = (alias: string) => hostOf(result, alias).profile.auth;

  it('lists each IdentityFile once, in order, then the agent, keyboard-interactive and password', () => {
    expect(auth('keys')).toEqual([
      { type: 'key', path: '~/.ssh/id_ed25519' },
      { type: 'key', path: '~/.ssh/id_rsa' },
      ...DEFAULT_AUTH,
    ]);
  });

  it('honours IdentitiesOnly, PasswordAuthentication and KbdInteractiveAuthentication', () => {
    expect(auth('only-keys')).toEqual([{ type: 'key', path: '~/.ssh/id_work' }]);
    expect(auth('only-nothing')).toEqual([{ type: 'keyboard-interactive' }, { type: 'password' }]);
    expect(hostOf(result, 'only-nothing').warnings).toEqual([
      expect.stringMatching(/^IdentitiesOnly is yes but no IdentityFile is set/),
    ]);
    // IdentityAgent none; ChallengeResponseAuthentication is the old name of KbdInteractiveAuthentication.
    expect(auth('no-agent')).toEqual([{ type: 'password' }]);
  });

  it('fills in tokens and ${VAR}, keeps ~ as written, and takes IdentityAgent sockets', () => {
    expect(auth('custom-agent')).toEqual([
      { type: 'key', path: '~/.ssh/keys/tester@custom-agent.example.com:22' },
      { type: 'agent', socket: '~/.gnupg/S.gpg-agent.ssh' },
      { type: 'keyboard-interactive' },
      { type: 'password' },
    ]);
    expect(auth('env-agent')).toEqual([
      { type: 'key', path: '/keys/id_env-agent' },
      { type: 'agent', socket: '/run/agent.sock' },
      { type: 'keyboard-interactive' },
      { type: 'password' },
    ]);
    expect(auth('unset-agent')).toEqual(DEFAULT_AUTH);
    expect(hostOf(result, 'unset-agent').warnings).toEqual([
      expect.stringMatching(
        /BURROW_UNSET_VARIABLE is not set; the default agent \(SSH_AUTH_SOCK\) is used\.$/,
      ),
    ]);
  });

  it('orders by PreferredAuthentications', () => {
    expect(auth('preferred')).toEqual([
      { type: 'password' },
      { type: 'key', path: '~/.ssh/id_pref' },
      { type: 'agent' },
    ]);
  });

  it("falls back to Burrow's defaults when nothing usable is left", () => {
    const { profile, warnings } = hostOf(result, 'nothing-left');
    expect(profile.auth).toBeUndefined();
    expect(ProfileSchema.parse(profile).auth).toEqual(DEFAULT_AUTH);
    expect(warnings).toEqual([
      expect.stringMatching(/^None of the login methods Burrow supports is enabled/),
    ]);
  });
});

describe('what cannot be carried over', () => {
  const result = importFixture('unsupported.conf');

  it('warns per host about ProxyCommand and the other unsupported directives', () => {
    expect(hostOf(result, 'legacy-proxy').warnings).toEqual([
      'ProxyCommand is not supported; use ProxyJump. Burrow would connect to legacy-proxy directly.',
    ]);
    expect(hostOf(result, 'everything').warnings).toEqual([
      'LocalCommand is not supported: Burrow runs no local commands.',
      'RemoteCommand is not supported: Burrow opens tunnels only and runs no remote command.',
      'ForwardAgent is not carried over: Burrow does not forward the agent.',
      'ForwardX11 is not carried over: Burrow does not forward X11.',
      'StrictHostKeyChecking no is not carried over: Burrow always checks host keys and asks before trusting a new one.',
      'CertificateFile is not supported: Burrow logs in with plain keys, not SSH certificates.',
    ]);
    expect(hostOf(result, 'everything').profile.forwards).toHaveLength(1);
  });

  it('skips Match blocks with a file-level warning, and goes on with the next Host', () => {
    expect(result.warnings).toEqual([
      expect.stringMatching(
        /unsupported\.conf line 16: Match blocks are not supported; the block "Match host never-matches-anything" was skipped\.$/,
      ),
      expect.stringMatching(
        /unsupported\.conf line 22: Match blocks are not supported; the block "Match all" was skipped\.$/,
      ),
    ]);
    expect(hostOf(result, 'after-match').profile).toMatchObject({
      host: 'after.example.com',
      port: 22,
      username: 'me',
    });
  });
});

describe('values Burrow cannot use', () => {
  const result = importFixture('invalid.conf');

  it('imports the host anyway, leaving the value out with a warning', () => {
    expect(result.hosts.map((h) => h.alias)).toEqual(['badport', 'badtoken', 'broken', 'survivor']);
    const badport = hostOf(result, 'badport');
    expect(badport.profile.port).toBe(22);
    expect(badport.warnings).toEqual([
      expect.stringMatching(/^Port 99999 .* is not a valid port; 22 is used\.$/),
    ]);
    const badtoken = hostOf(result, 'badtoken');
    expect(badtoken.profile).toMatchObject({
      host: 'badtoken',
      keepalive: { maxMissed: 1 },
      connectTimeoutSeconds: 600,
    });
    expect(badtoken.profile.keepalive).not.toHaveProperty('intervalSeconds');
    expect(badtoken.warnings).toHaveLength(4);
  });

  it('skips a line it cannot read, and a Host with no pattern together with its block', () => {
    expect(hostOf(result, 'broken').profile).toMatchObject({ host: 'broken', username: 'fine' });
    // "User orphan" sat under the empty Host line: it must not leak onto "broken".
    expect(hostOf(result, 'survivor').profile.username).toBe('me');
    expect(result.warnings).toEqual([
      expect.stringMatching(/invalid\.conf line 12: could not be read \(.*\); skipped\.$/),
      expect.stringMatching(
        /invalid\.conf line 15: Host names no pattern; it and the block under it were skipped\.$/,
      ),
    ]);
  });
});

describe('the safety net', () => {
  it('gives an alias with a space a usable host, and says so', () => {
    const result = importSshConfig('Host "two words"\n  HostName "a b"\n', {
      path: '/h/.ssh/config',
      home: '/h',
      readFile: () => undefined,
      localUser: 'me',
    });
    const [host] = result.hosts;
    expect(host?.alias).toBe('two words');
    expect(host?.profile).toMatchObject({ id: 'two-words', name: 'two words', host: 'two-words' });
    expect(() => ProfileSchema.parse(host?.profile)).not.toThrow();
    expect(host?.warnings).toEqual([
      'HostName a b (~/.ssh/config line 2) is not a host name; "two words" is used instead.',
      'host must not contain spaces; "two-words" is used instead.',
    ]);
  });
});

describe('ids', () => {
  it('derives ids from aliases: lowercase, other characters to "-", unique', () => {
    const result = importFixture('ids.conf');
    expect(result.hosts.map((h) => [h.alias, h.profile.id])).toEqual([
      ['Prod.DB_1', 'prod.db_1'],
      ['web', 'web'],
      ['WEB', 'web-2'],
      ['über-host', 'uber-host'],
      ['web-', 'web-3'],
      [
        'a-very-long-alias-name-that-keeps-going-and-going-beyond-sixty-four-characters-total',
        'a-very-long-alias-name-that-keeps-going-and-going-beyond-six',
      ],
    ]);
  });
});

describe('readSshConfig', () => {
  const temp = mkdtempSync(join(tmpdir(), 'burrow-ssh-config-'));
  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  it('says so when there is no ~/.ssh/config', async () => {
    await expect(readSshConfig({ home: temp, env: {} })).resolves.toEqual({
      hosts: [],
      warnings: ['No ~/.ssh/config found.'],
    });
  });

  it('reads ~/.ssh/config with its Includes from the home directory', async () => {
    const result = await readSshConfig({ home: FIXTURE_HOME, env: { USER: 'me' } });
    expect(result).toEqual(importFixture('home/.ssh/config'));
  });

  it('takes the default User from USER', async () => {
    const result = await readSshConfig({
      path: join(FIXTURES, 'negation.conf'),
      home: FIXTURE_HOME,
      env: { USER: 'envuser' },
    });
    expect(hostOf(result, 'web').profile.username).toBe('envuser');
  });

  it('reads a path given with ~', async () => {
    mkdirSync(join(temp, 'cfg'));
    writeFileSync(join(temp, 'cfg', 'ssh'), 'Host tilde\n  HostName tilde.example.com\n');
    const result = await readSshConfig({ path: '~/cfg/ssh', home: temp, env: { USER: 'me' } });
    expect(result.hosts.map((h) => [h.alias, h.profile.host, h.source])).toEqual([
      ['tilde', 'tilde.example.com', { file: join(temp, 'cfg', 'ssh'), line: 1 }],
    ]);
  });
});

describe('readSshConfig on something that is not a config file', () => {
  it('refuses a directory or a device without reading it', async () => {
    await expect(readSshConfig({ path: FIXTURES, home: '/nowhere', env: {} })).resolves.toEqual({
      hosts: [],
      warnings: [`${FIXTURES.replace(/\/$/, '')} is not a file.`],
    });
    await expect(readSshConfig({ path: '/dev/zero', home: '/nowhere', env: {} })).resolves.toEqual({
      hosts: [],
      warnings: ['/dev/zero is not a file.'],
    });
  });
});
