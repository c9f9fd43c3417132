import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ssh2 from 'ssh2';
import type { AuthContext, AuthenticationType, ParsedKey, Prompt } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthMethod, PromptHandler, PromptRequest } from '../../shared';
import {
  CredentialCache,
  createAuthPlan,
  expandHome,
  passphraseCacheKey,
  passwordCacheKey,
  type AuthPlan,
} from './auth';

const { Client, Server, utils } = ssh2;
const run = promisify(execFile);
const SSH_KEYGEN = '/usr/bin/ssh-keygen';

let dir: string;
let hostKey: Buffer;
/** Private key files made by the real ssh-keygen, and the public halves the server accepts. */
const files = {} as Record<'ed' | 'edPw' | 'rsaPemPw' | 'ecdsa' | 'other', string>;
const pubs = {} as Record<keyof typeof files, ParsedKey>;
const PASSPHRASE = 'correct horse';

async function keygen(name: keyof typeof files, args: string[], passphrase = ''): Promise<void> {
  const file = join(dir, name);
  await run(SSH_KEYGEN, ['-q', ...args, '-N', passphrase, '-C', name, '-f', file]);
  files[name] = file;
  const pub = utils.parseKey(await readFile(`${file}.pub`));
  if (pub instanceof Error) throw pub;
  pubs[name] = pub;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'burrow-auth-'));
  await Promise.all([
    keygen('ed', ['-t', 'ed25519']),
    keygen('edPw', ['-t', 'ed25519'], PASSPHRASE),
    keygen('rsaPemPw', ['-t', 'rsa', '-b', '2048', '-m', 'PEM'], PASSPHRASE),
    keygen('ecdsa', ['-t', 'ecdsa', '-b', '256']),
    keygen('other', ['-t', 'ed25519']),
    run(SSH_KEYGEN, ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host')]),
  ]);
  hostKey = await readFile(join(dir, 'host'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// A small in-process SSH server whose login rules each test sets.

interface ServerRules {
  /** Methods announced after "none" and after each failure. */
  methods: AuthenticationType[];
  keys?: ParsedKey[];
  password?: string;
  /** keyboard-interactive rounds: the prompts sent and the answers required. */
  rounds?: { prompts: Prompt[]; expect: string[] }[];
  /** Accept a method only as the first factor; the second must be one of `then`. */
  twoFactor?: { first: AuthenticationType; then: AuthenticationType[] };
}

interface TestServer {
  port: number;
  /** Every request the server saw, e.g. "none", "publickey ssh-ed25519", "password x". */
  seen: string[];
  kbdAnswers: string[][];
  close(): Promise<void>;
}

async function startServer(rules: ServerRules): Promise<TestServer> {
  const seen: string[] = [];
  const kbdAnswers: string[][] = [];
  const server = new Server({ hostKeys: [hostKey] }, (client) => {
    client.on('error', () => {});
    let firstFactorDone = false;
    client.on('authentication', (ctx: AuthContext) => {
      const left = (): AuthenticationType[] =>
        firstFactorDone && rules.twoFactor ? rules.twoFactor.then : rules.methods;
      const succeed = (): void => {
        if (rules.twoFactor && !firstFactorDone && ctx.method === rules.twoFactor.first) {
          firstFactorDone = true;
          ctx.reject(rules.twoFactor.then, true);
        } else {
          ctx.accept();
        }
      };
      if (!left().includes(ctx.method)) {
        seen.push(`${ctx.method} (not offered)`);
        return ctx.reject(left());
      }
      switch (ctx.method) {
        case 'publickey': {
          const key = (rules.keys ?? []).find((k) => k.getPublicSSH().equals(ctx.key.data));
          if (!ctx.signature) seen.push(`publickey ${ctx.key.algo}`);
          if (!key) return ctx.reject(left());
          if (!ctx.signature) return ctx.accept(); // "this key would do": PK_OK
          if (key.verify(ctx.blob ?? Buffer.alloc(0), ctx.signature, ctx.hashAlgo) !== true) {
            return ctx.reject(left());
          }
          return succeed();
        }
        case 'password':
          seen.push(`password ${ctx.password}`);
          return ctx.password === rules.password ? succeed() : ctx.reject(left());
        case 'keyboard-interactive': {
          seen.push('keyboard-interactive');
          const rounds = [...(rules.rounds ?? [])];
          const nextRound = (): void => {
            const round = rounds.shift();
            if (!round) return succeed();
            ctx.prompt(round.prompts, 'Login', 'Answer these', (answers) => {
              kbdAnswers.push(answers);
              if (JSON.stringify(answers) === JSON.stringify(round.expect)) nextRound();
              else ctx.reject(left());
            });
          };
          return nextRound();
        }
        default:
          seen.push(ctx.method);
          return ctx.reject(left());
      }
    });
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    seen,
    kbdAnswers,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// ---------------------------------------------------------------------------------------------
// The client side: a real ssh2 Client logging in with the plan.

type LoginResult = { ok: true } | { ok: false; error: Error & { level?: string } };

function login(port: number, plan: AuthPlan, readyTimeout = 20_000): Promise<LoginResult> {
  return new Promise((resolve) => {
    const client = new Client();
    let done = false;
    const finish = (result: LoginResult): void => {
      if (done) return;
      done = true;
      client.end();
      resolve(result);
    };
    client.on('ready', () => {
      plan.onAuthenticated();
      finish({ ok: true });
    });
    client.on('error', (error) => finish({ ok: false, error }));
    client.connect({
      host: '127.0.0.1',
      port,
      username: 'alice',
      authHandler: plan.authHandler,
      tryKeyboard: plan.tryKeyboard,
      hostVerifier: () => true,
      readyTimeout,
    });
  });
}

/** A prompt that answers from a script, in order, and records every question. */
function scripted(...answers: unknown[]): PromptHandler & { requests: PromptRequest[] } {
  const requests: PromptRequest[] = [];
  const handler = (async (request: PromptRequest) => {
    requests.push(request);
    if (answers.length === 0) throw new Error(`unexpected prompt: ${JSON.stringify(request)}`);
    const next = answers.shift();
    return typeof next === 'function' ? (next as (r: PromptRequest) => unknown)(request) : next;
  }) as PromptHandler;
  return Object.assign(handler, { requests });
}

function target(port: number, methods: AuthMethod[]) {
  return { profileId: 'p1', host: '127.0.0.1', port, username: 'alice', methods };
}

async function withServer(rules: ServerRules, body: (s: TestServer) => Promise<void>) {
  const server = await startServer(rules);
  try {
    await body(server);
  } finally {
    await server.close();
  }
}

// ---------------------------------------------------------------------------------------------

describe('key files', () => {
  it('logs in with an unencrypted OpenSSH ed25519 key without asking anything', async () => {
    await withServer({ methods: ['publickey'], keys: [pubs.ed] }, async (server) => {
      const prompt = scripted();
      const plan = createAuthPlan(
        target(server.port, [{ type: 'key', path: files.ed }]),
        prompt,
        new CredentialCache(),
        {},
      );
      expect(await login(server.port, plan)).toEqual({ ok: true });
      expect(prompt.requests).toEqual([]);
      expect(server.seen).toEqual(['none (not offered)', 'publickey ssh-ed25519']);
      expect(plan.describeAttempts()).toBe(`tried key ${files.ed}`);
    });
  });

  it('asks for a passphrase once, then reuses it from the cache on the next connect', async () => {
    await withServer({ methods: ['publickey'], keys: [pubs.edPw] }, async (server) => {
      const cache = new CredentialCache();
      const methods: AuthMethod[] = [{ type: 'key', path: files.edPw }];
      const prompt = scripted(PASSPHRASE);
      const plan = createAuthPlan(target(server.port, methods), prompt, cache, {});
      expect(await login(server.port, plan)).toEqual({ ok: true });
      expect(prompt.requests).toEqual([
        {
          kind: 'passphrase',
          keyPath: files.edPw,
          profileId: 'p1',
          host: '127.0.0.1',
          port: server.port,
          username: 'alice',
        },
      ]);
      expect(cache.get(passphraseCacheKey(files.edPw))).toBe(PASSPHRASE);

      const again = scripted();
      expect(
        await login(server.port, createAuthPlan(target(server.port, methods), again, cache, {})),
      ).toEqual({ ok: true });
      expect(again.requests).toEqual([]);
    });
  });

  it('reads an encrypted RSA PEM key', async () => {
    await withServer({ methods: ['publickey'], keys: [pubs.rsaPemPw] }, async (server) => {
      const prompt = scripted(PASSPHRASE);
      const plan = createAuthPlan(
        target(server.port, [{ type: 'key', path: files.rsaPemPw }]),
        prompt,
        new CredentialCache(),
        {},
      );
      expect(await login(server.port, plan)).toEqual({ ok: true });
      expect(prompt.requests).toHaveLength(1);
      // ssh2 picks SHA-2 only from the server's server-sig-algs, which OpenSSH sends and ssh2's
      // Server does not; either way it is the RSA key that was used.
      expect(server.seen.at(-1)).toMatch(/^publickey (ssh-rsa|rsa-sha2-(256|512))$/);
    });
  });

  it('asks again after a wrong passphrase, and gives up on the key after three', async () => {
    await withServer({ methods: ['publickey'], keys: [pubs.edPw] }, async (server) => {
      const cache = new CredentialCache();
      const methods: AuthMethod[] = [{ type: 'key', path: files.edPw }];
      const prompt = scripted('nope', PASSPHRASE);
      expect(
        await login(server.port, createAuthPlan(target(server.port, methods), prompt, cache, {})),
      ).toEqual({ ok: true });
      expect(prompt.requests.map((r) => r.kind)).toEqual(['passphrase', 'passphrase']);
      expect(cache.get(passphraseCacheKey(files.edPw))).toBe(PASSPHRASE);

      const wrong = scripted('a', 'b', 'c');
      const plan = createAuthPlan(target(server.port, methods), wrong, new CredentialCache(), {});
      const result = await login(server.port, plan);
      expect(result.ok).toBe(false);
      expect(wrong.requests).toHaveLength(3);
      expect(plan.cancelled).toBe(false);
      expect(plan.describeAttempts()).toBe(
        `no login method could be tried; wrong passphrase for ${files.edPw}`,
      );
    });
  });

  it('drops a cached passphrase that no longer opens the key and asks instead', async () => {
    await withServer({ methods: ['publickey'], keys: [pubs.edPw] }, async (server) => {
      const cache = new CredentialCache();
      cache.set(passphraseCacheKey(files.edPw), 'stale');
      const prompt = scripted(PASSPHRASE);
      const plan = createAuthPlan(
        target(server.port, [{ type: 'key', path: files.edPw }]),
        prompt,
        cache,
        {},
      );
      expect(await login(server.port, plan)).toEqual({ ok: true });
      expect(prompt.requests).toHaveLength(1);
      expect(cache.get(passphraseCacheKey(files.edPw))).toBe(PASSPHRASE);
    });
  });

  it('stops asking when the user cancels, and says so', async () => {
    await withServer({ methods: ['publickey'], keys: [pubs.edPw] }, async (server) => {
      const prompt = scripted(null);
      const plan = createAuthPlan(
        target(server.port, [{ type: 'key', path: files.edPw }]),
        prompt,
        new CredentialCache(),
        {},
      );
      const result = await login(server.port, plan);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.error.level).toBe('client-authentication');
      expect(plan.cancelled).toBe(true);
      expect(prompt.requests).toHaveLength(1);
      expect(plan.describeAttempts()).toContain(`passphrase for ${files.edPw} cancelled`);
    });
  });

  it('skips a missing key file and goes on to the password', async () => {
    await withServer({ methods: ['publickey', 'password'], password: 'pw' }, async (server) => {
      const prompt = scripted('pw');
      const missing = join(dir, 'no-such-key');
      const plan = createAuthPlan(
        target(server.port, [
          { type: 'key', path: missing },
          { type: 'key', path: `${files.ed}.pub` },
          { type: 'password' },
        ]),
        prompt,
        new CredentialCache(),
        {},
      );
      expect(await login(server.port, plan)).toEqual({ ok: true });
      expect(plan.describeAttempts()).toBe(
        `tried password; key file not found: ${missing}; not a private key: ${files.ed}.pub`,
      );
    });
  });

  it('expands ~ to the home directory', async () => {
    expect(expandHome('~/.ssh/id_ed25519', '/home/u')).toBe('/home/u/.ssh/id_ed25519');
    expect(expandHome('~', '/home/u')).toBe('/home/u');
    expect(expandHome('~bob/key', '/home/u')).toBe('~bob/key');
    expect(expandHome('/abs/~/key', '/home/u')).toBe('/abs/~/key');

    await withServer({ methods: ['publickey'], keys: [pubs.ed] }, async (server) => {
      const home = process.env.HOME;
      process.env.HOME = dir; // os.homedir() follows $HOME on POSIX
      try {
        const plan = createAuthPlan(
          target(server.port, [{ type: 'key', path: '~/ed' }]),
          scripted(),
          new CredentialCache(),
          {},
        );
        expect(await login(server.port, plan)).toEqual({ ok: true });
        expect(plan.describeAttempts()).toBe('tried key ~/ed');
      } finally {
        process.env.HOME = home;
      }
    });
  });
});

describe('ssh-agent', () => {
  let agent: ChildProcess | undefined;
  let socket: string;

  beforeAll(async () => {
    socket = join(dir, 'agent.sock');
    agent = spawn('/usr/bin/ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !existsSync(socket); i++)
      await new Promise((r) => setTimeout(r, 50));
    // Two keys, and the server only takes the second: ssh2 must walk the agent's list.
    const env = { ...process.env, SSH_AUTH_SOCK: socket };
    await run('/usr/bin/ssh-add', [files.other], { env });
    await run('/usr/bin/ssh-add', [files.ecdsa], { env });
  });

  afterAll(() => {
    agent?.kill();
  });

  it('logs in with the second of two agent keys, from SSH_AUTH_SOCK', async () => {
    await withServer({ methods: ['publickey'], keys: [pubs.ecdsa] }, async (server) => {
      const plan = createAuthPlan(
        target(server.port, [{ type: 'agent' }]),
        scripted(),
        new CredentialCache(),
        {
          SSH_AUTH_SOCK: socket,
        },
      );
      expect(await login(server.port, plan)).toEqual({ ok: true });
      expect(plan.describeAttempts()).toBe('tried agent (2 keys)');
      expect(server.seen.filter((s) => s.startsWith('publickey'))).toEqual([
        'publickey ssh-ed25519',
        'publickey ecdsa-sha2-nistp256',
      ]);
    });
  });

  it("uses the method's own socket, and skips an agent that is absent or unreachable", async () => {
    await withServer(
      { methods: ['publickey', 'password'], keys: [pubs.ecdsa], password: 'pw' },
      async (server) => {
        const viaMethod = createAuthPlan(
          target(server.port, [{ type: 'agent', socket }]),
          scripted(),
          new CredentialCache(),
          {},
        );
        expect(await login(server.port, viaMethod)).toEqual({ ok: true });

        const gone = join(dir, 'gone.sock');
        const plan = createAuthPlan(
          target(server.port, [
            { type: 'agent' },
            { type: 'agent', socket: gone },
            { type: 'password' },
          ]),
          scripted('pw'),
          new CredentialCache(),
          {},
        );
        expect(await login(server.port, plan)).toEqual({ ok: true });
        expect(plan.describeAttempts()).toBe(
          `tried password; agent skipped: no socket (SSH_AUTH_SOCK is not set); agent not reachable at ${gone}`,
        );
      },
    );
  });
});

describe('passwords', () => {
  it('asks once, then the next connect uses the cached password', async () => {
    await withServer({ methods: ['password'], password: 's3cret' }, async (server) => {
      const cache = new CredentialCache();
      const prompt = scripted('s3cret');
      const plan = createAuthPlan(target(server.port, [{ type: 'password' }]), prompt, cache, {});
      // Nothing is kept before the login is known to have worked.
      expect(await login(server.port, plan)).toEqual({ ok: true });
      expect(prompt.requests).toEqual([
        {
          kind: 'password',
          profileId: 'p1',
          host: '127.0.0.1',
          port: server.port,
          username: 'alice',
        },
      ]);
      expect(cache.get(passwordCacheKey(target(server.port, [])))).toBe('s3cret');

      const again = scripted();
      const second = createAuthPlan(target(server.port, [{ type: 'password' }]), again, cache, {});
      expect(await login(server.port, second)).toEqual({ ok: true });
      expect(again.requests).toEqual([]);
      expect(server.seen).toEqual([
        'none (not offered)',
        'password s3cret',
        'none (not offered)',
        'password s3cret',
      ]);
    });
  });

  it('does not cache a password that failed', async () => {
    await withServer({ methods: ['password'], password: 'right' }, async (server) => {
      const cache = new CredentialCache();
      const plan = createAuthPlan(
        target(server.port, [{ type: 'password' }]),
        scripted('wrong'),
        cache,
        {},
      );
      const result = await login(server.port, plan);
      expect(!result.ok && result.error.level).toBe('client-authentication');
      plan.onAuthenticated(); // even a confused caller cannot cache a failed secret
      expect(cache.get(passwordCacheKey(target(server.port, [])))).toBeUndefined();
      expect(plan.describeAttempts()).toBe('tried password');
    });
  });

  it('removes a wrong cached password and asks the user in the same login', async () => {
    await withServer({ methods: ['password'], password: 'new' }, async (server) => {
      const cache = new CredentialCache();
      const key = passwordCacheKey(target(server.port, []));
      cache.set(key, 'old');
      const prompt = scripted('new');
      const plan = createAuthPlan(target(server.port, [{ type: 'password' }]), prompt, cache, {});
      expect(await login(server.port, plan)).toEqual({ ok: true });
      expect(prompt.requests.map((r) => r.kind)).toEqual(['password']);
      expect(server.seen).toEqual(['none (not offered)', 'password old', 'password new']);
      expect(cache.get(key)).toBe('new');

      // Cancelling the re-ask leaves no stale password behind for the next reconnect.
      cache.set(key, 'old');
      const cancelling = createAuthPlan(
        target(server.port, [{ type: 'password' }]),
        scripted(null),
        cache,
        {},
      );
      expect((await login(server.port, cancelling)).ok).toBe(false);
      expect(cache.get(key)).toBeUndefined();
      expect(cancelling.cancelled).toBe(true);
      expect(cancelling.describeAttempts()).toBe('tried saved password; password prompt cancelled');
    });
  });

  it('keeps the secrets of a partial success (key, then password)', async () => {
    const rules: ServerRules = {
      methods: ['publickey'],
      keys: [pubs.edPw],
      password: 'pw',
      twoFactor: { first: 'publickey', then: ['password'] },
    };
    await withServer(rules, async (server) => {
      const cache = new CredentialCache();
      const methods: AuthMethod[] = [{ type: 'key', path: files.edPw }, { type: 'password' }];
      const plan = createAuthPlan(
        target(server.port, methods),
        scripted(PASSPHRASE, 'pw'),
        cache,
        {},
      );
      expect(await login(server.port, plan)).toEqual({ ok: true });
      expect(plan.describeAttempts()).toBe(`tried key ${files.edPw}, password`);
      expect(cache.get(passphraseCacheKey(files.edPw))).toBe(PASSPHRASE);
      expect(cache.get(passwordCacheKey(target(server.port, [])))).toBe('pw');
    });
  });
});

describe('keyboard-interactive', () => {
  const threePrompts: Prompt[] = [
    { prompt: 'Password: ', echo: false },
    { prompt: 'Verification code: ', echo: true },
    { prompt: 'PIN: ', echo: false },
  ];

  it('forwards three prompts of one round with their echo flags, after an empty round', async () => {
    const rules: ServerRules = {
      methods: ['keyboard-interactive'],
      rounds: [
        { prompts: [], expect: [] },
        { prompts: threePrompts, expect: ['pw', '123456', '0000'] },
      ],
    };
    await withServer(rules, async (server) => {
      const prompt = scripted(['pw', '123456', '0000']);
      const plan = createAuthPlan(
        target(server.port, [{ type: 'keyboard-interactive' }]),
        prompt,
        new CredentialCache(),
        {},
      );
      expect(plan.tryKeyboard).toBe(true);
      expect(await login(server.port, plan)).toEqual({ ok: true });
      expect(prompt.requests).toEqual([
        {
          kind: 'keyboard-interactive',
          profileId: 'p1',
          host: '127.0.0.1',
          port: server.port,
          username: 'alice',
          name: 'Login',
          instructions: 'Answer these',
          prompts: [
            { prompt: 'Password: ', echo: false },
            { prompt: 'Verification code: ', echo: true },
            { prompt: 'PIN: ', echo: false },
          ],
        },
      ]);
      expect(server.kbdAnswers).toEqual([[], ['pw', '123456', '0000']]);
    });
  });

  it('answers a lone password prompt with the cached password, and asks for the code', async () => {
    const rules: ServerRules = {
      methods: ['keyboard-interactive'],
      rounds: [
        { prompts: [{ prompt: 'Password: ', echo: false }], expect: ['pw'] },
        { prompts: [{ prompt: 'Verification code: ', echo: true }], expect: ['42'] },
      ],
    };
    await withServer(rules, async (server) => {
      const cache = new CredentialCache();
      cache.set(passwordCacheKey(target(server.port, [])), 'pw');
      const prompt = scripted(['42']);
      const plan = createAuthPlan(
        target(server.port, [{ type: 'keyboard-interactive' }]),
        prompt,
        cache,
        {},
      );
      expect(await login(server.port, plan)).toEqual({ ok: true });
      expect(prompt.requests).toHaveLength(1);
      expect(prompt.requests[0]).toMatchObject({
        prompts: [{ prompt: 'Verification code: ', echo: true }],
      });
    });
  });

  it('learns the password typed at a lone password prompt, and re-asks when it goes stale', async () => {
    const rules: ServerRules = {
      methods: ['keyboard-interactive'],
      rounds: [{ prompts: [{ prompt: 'Password for alice: ', echo: false }], expect: ['pw'] }],
    };
    await withServer(rules, async (server) => {
      const cache = new CredentialCache();
      const key = passwordCacheKey(target(server.port, []));
      const methods: AuthMethod[] = [{ type: 'keyboard-interactive' }];
      expect(
        await login(
          server.port,
          createAuthPlan(target(server.port, methods), scripted(['pw']), cache, {}),
        ),
      ).toEqual({ ok: true });
      expect(cache.get(key)).toBe('pw');

      cache.set(key, 'stale');
      const prompt = scripted(['pw']);
      expect(
        await login(server.port, createAuthPlan(target(server.port, methods), prompt, cache, {})),
      ).toEqual({ ok: true });
      expect(prompt.requests).toHaveLength(1);
      expect(server.kbdAnswers.slice(1)).toEqual([['stale'], ['pw']]);
      expect(cache.get(key)).toBe('pw');
    });
  });

  it('answers a cancelled round with blanks so the server moves on', async () => {
    const rules: ServerRules = {
      methods: ['keyboard-interactive', 'password'],
      password: 'pw',
      rounds: [{ prompts: threePrompts, expect: ['a', 'b', 'c'] }],
    };
    await withServer(rules, async (server) => {
      const plan = createAuthPlan(
        target(server.port, [{ type: 'keyboard-interactive' }, { type: 'password' }]),
        scripted(null, 'pw'),
        new CredentialCache(),
        {},
      );
      expect(await login(server.port, plan)).toEqual({ ok: true });
      expect(server.kbdAnswers).toEqual([['', '', '']]);
      expect(plan.cancelled).toBe(true);
    });
  });
});

describe('method selection and failure', () => {
  it('tries only what the server offers, without prompting for the rest', async () => {
    await withServer({ methods: ['password'], password: 'pw' }, async (server) => {
      const prompt = scripted('pw');
      const plan = createAuthPlan(
        target(server.port, [
          { type: 'key', path: files.edPw },
          { type: 'agent', socket: join(dir, 'never-contacted.sock') },
          { type: 'keyboard-interactive' },
          { type: 'password' },
        ]),
        prompt,
        new CredentialCache(),
        {},
      );
      expect(await login(server.port, plan)).toEqual({ ok: true });
      expect(prompt.requests.map((r) => r.kind)).toEqual(['password']);
      expect(server.seen).toEqual(['none (not offered)', 'password pw']);
      expect(plan.describeAttempts()).toBe(
        'tried password; the server does not accept key, agent, keyboard-interactive (it accepts password)',
      );
    });
  });

  it('fails with level client-authentication and says what was tried', async () => {
    await withServer(
      {
        methods: ['publickey', 'password', 'keyboard-interactive'],
        keys: [pubs.ecdsa],
        password: 'pw',
        rounds: [],
      },
      async (server) => {
        const plan = createAuthPlan(
          target(server.port, [
            { type: 'key', path: files.ed },
            { type: 'key', path: files.rsaPemPw },
            { type: 'password' },
          ]),
          scripted(PASSPHRASE, 'wrong'),
          new CredentialCache(),
          {},
        );
        const result = await login(server.port, plan);
        expect(result.ok).toBe(false);
        expect(!result.ok && result.error.level).toBe('client-authentication');
        expect(plan.cancelled).toBe(false);
        expect(plan.describeAttempts()).toBe(
          `tried key ${files.ed}, key ${files.rsaPemPw}, password`,
        );
      },
    );
  });

  it('asks nothing more once disposed, and leaves ssh2 alone', async () => {
    await withServer({ methods: ['publickey', 'password'], keys: [] }, async (server) => {
      const holder: { plan?: AuthPlan } = {};
      const prompt = scripted(() => {
        holder.plan?.dispose(); // the connection died while this passphrase dialog was open
        return PASSPHRASE;
      });
      const plan = createAuthPlan(
        target(server.port, [{ type: 'key', path: files.edPw }, { type: 'password' }]),
        prompt,
        new CredentialCache(),
        {},
      );
      holder.plan = plan;
      // No answer goes back to ssh2 (not even "no more methods"), so only its timer ends this.
      const result = await login(server.port, plan, 2000);
      expect(!result.ok && result.error.level).toBe('client-timeout');
      expect(prompt.requests.map((r) => r.kind)).toEqual(['passphrase']);
    });
  });

  it('survives a prompt answered after the connection gave up', async () => {
    await withServer({ methods: ['password'], password: 'pw' }, async (server) => {
      let answered!: () => void;
      const late = new Promise<void>((resolve) => (answered = resolve));
      const prompt = scripted(
        () =>
          new Promise((resolve) =>
            setTimeout(() => {
              resolve('pw');
              setTimeout(answered, 100);
            }, 700),
          ),
      );
      const plan = createAuthPlan(
        target(server.port, [{ type: 'password' }]),
        prompt,
        new CredentialCache(),
        {},
      );
      const result = await login(server.port, plan, 300);
      expect(!result.ok && result.error.level).toBe('client-timeout');
      await late; // an unhandled error here would fail the run
    });
  });
});
