import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import ssh2 from 'ssh2';
import type {
  AnyAuthMethod,
  AuthHandlerMiddleware,
  AuthenticationType,
  BaseAgent as BaseAgentType,
  KeyboardInteractiveCallback,
  ParsedKey,
  Prompt,
  SignCallback,
  SigningRequestOptions,
} from 'ssh2';
import type { AuthMethod, PromptContext, PromptHandler } from '../../shared';

// ssh2 is CommonJS and names several exports in ways Node's ESM loader cannot detect, so plain
// `node` (unlike a bundler or vitest) only sees them through the default export.
const { BaseAgent, createAgent, utils } = ssh2;

/**
 * Login for one host: turns a profile's ordered auth list into ssh2's `authHandler`, asking the
 * prompt for passphrases, passwords and keyboard-interactive answers only when the server will
 * actually take that method, and remembering what worked for the next reconnect.
 */

export interface AuthTarget {
  profileId: string;
  host: string;
  port: number;
  username: string;
  methods: AuthMethod[];
}

/** Secrets kept for the life of one profile session, so a reconnect does not ask again. Entries are dropped when they fail. */
export class CredentialCache {
  private readonly values = new Map<string, string>();

  get(key: string): string | undefined {
    return this.values.get(key);
  }

  set(key: string, v: string): void {
    this.values.set(key, v);
  }

  delete(key: string): void {
    this.values.delete(key);
  }

  clear(): void {
    this.values.clear();
  }
}

/** Cache key of the login password for a user on a host (jump hosts of one profile differ). */
export function passwordCacheKey(target: { username: string; host: string; port: number }): string {
  return `password:${target.username}@${target.host}:${target.port}`;
}

/** Cache key of a key file's passphrase: the file, wherever it is used. */
export function passphraseCacheKey(keyPath: string): string {
  return `passphrase:${resolve(expandHome(keyPath))}`;
}

/** `~` and `~/…` mean the home directory, as in ssh_config; `~user` is left alone. */
export function expandHome(path: string, home: string = homedir()): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return home + path.slice(1);
  return path;
}

export interface AuthPlan {
  /** Give to ssh2's `authHandler`; it answers with one method object at a time, then `false`. */
  authHandler: AuthHandlerMiddleware;
  /**
   * Whether the profile lists keyboard-interactive (ssh2's `tryKeyboard`). ssh2 only consults it
   * for method names; this handler hands over method objects, so setting it is harmless either way.
   */
  tryKeyboard: boolean;
  /** After the connection fails with an auth error: a short human detail of what was tried, e.g. "tried key ~/.ssh/id_ed25519, agent (2 keys), password". */
  describeAttempts(): string;
  /** Call on successful login: keeps the secrets that worked in the cache. */
  onAuthenticated(): void;
  /** Set when the user cancelled a prompt (null answer): the caller reports auth-failed without retrying. */
  readonly cancelled: boolean;
  /**
   * The connection is gone (closed, timed out): ask the user nothing more and answer ssh2 no
   * more. ssh2 keeps no handle on a pending authHandler call, so without this a dead login could
   * still pop up prompts.
   */
  dispose(): void;
}

/** Wrong passphrases allowed per key before giving up on it, as ssh's NumberOfPasswordPrompts. */
const PASSPHRASE_TRIES = 3;
/** Key files are small; anything bigger is not one, and is not worth reading into memory. */
const MAX_KEY_FILE_BYTES = 1024 * 1024;
/** A stuck agent socket must not hold the login forever. */
const AGENT_LIST_TIMEOUT_MS = 10_000;

interface Secret {
  cacheKey: string;
  value: string;
  fromCache: boolean;
}

/** One method handed to ssh2, kept until ssh2 tells us how it went. */
interface Attempt {
  method: AuthMethod | { type: 'none' };
  /** Server-checked secrets it sent (passwords); their fate is the attempt's fate. */
  secrets: Secret[];
  /** The user typed something for it, so it counts as their try even if a cached secret failed. */
  userAnswered: boolean;
  /** Already the second go after a cached secret failed. */
  isRetry: boolean;
}

interface Pending {
  method: AuthMethod;
  /** Ask the user even if a secret is cached (the cached one just failed). */
  isRetry: boolean;
}

export function createAuthPlan(
  target: AuthTarget,
  prompt: PromptHandler,
  cache: CredentialCache,
  env: { SSH_AUTH_SOCK?: string } = process.env,
): AuthPlan {
  const context: PromptContext = {
    profileId: target.profileId,
    host: target.host,
    port: target.port,
    username: target.username,
  };
  const { username } = target;
  const passwordKey = passwordCacheKey(target);
  const queue: Pending[] = target.methods.map((method) => ({ method, isRetry: false }));
  /** Secrets known good but kept out of the cache until the whole login succeeds. */
  const worked = new Map<string, string>();
  const tried: string[] = [];
  const notes: string[] = [];
  const notOffered: string[] = [];
  let lastOffered: string[] | null = null;
  let current: Attempt | undefined;
  let started = false;
  let cancelled = false;
  let authenticated = false;
  let disposed = false;

  const note = (text: string): void => {
    if (!notes.includes(text)) notes.push(text);
  };

  /** The user's answer, or null when they cancel; a failing prompt handler counts as a cancel. */
  const ask = async <T>(request: () => Promise<T | null>): Promise<T | null> => {
    if (disposed) return null;
    try {
      const answer = await request();
      if (answer === null || answer === undefined) cancelled = true;
      return answer ?? null;
    } catch {
      cancelled = true;
      return null;
    }
  };

  /** ssh2 calls back here whenever the previous method failed (or partly succeeded). */
  const settle = (partialSuccess: boolean | null): void => {
    const attempt = current;
    current = undefined;
    if (!attempt) return;
    if (partialSuccess === true) {
      // That factor was accepted and the server wants another: its secrets are good.
      for (const s of attempt.secrets) worked.set(s.cacheKey, s.value);
      return;
    }
    const usedCached = attempt.secrets.some((s) => s.fromCache);
    for (const s of attempt.secrets) if (s.fromCache) cache.delete(s.cacheKey);
    // A stale saved password is not the user's try: ask them once, in place, rather than fail
    // the whole login (auth failures are not retried by reconnect).
    if (usedCached && !attempt.userAnswered && !attempt.isRetry && attempt.method.type !== 'none') {
      queue.unshift({ method: attempt.method, isRetry: true });
    }
  };

  const nextMethod = async (
    methodsLeft: AuthenticationType[] | null,
    partialSuccess: boolean | null,
  ): Promise<AnyAuthMethod | false> => {
    if (!started) {
      started = true;
      // Like OpenSSH, ask with "none" first: the failure lists what the server accepts, so
      // nobody is asked for a passphrase or password the server would not take anyway.
      current = { method: { type: 'none' }, secrets: [], userAnswered: false, isRetry: false };
      return { type: 'none', username };
    }
    settle(partialSuccess);
    if (methodsLeft) lastOffered = methodsLeft;
    for (let pending = queue.shift(); pending && !disposed; pending = queue.shift()) {
      const { method } = pending;
      const wire = method.type === 'key' || method.type === 'agent' ? 'publickey' : method.type;
      if (methodsLeft && !methodsLeft.includes(wire)) {
        if (!notOffered.includes(method.type)) notOffered.push(method.type);
        continue;
      }
      const next = await prepare(pending);
      if (disposed) return false;
      if (next) return next;
    }
    return false;
  };

  const prepare = async (pending: Pending): Promise<AnyAuthMethod | undefined> => {
    const { method, isRetry } = pending;
    const attempt: Attempt = { method, secrets: [], userAnswered: false, isRetry };
    switch (method.type) {
      case 'key': {
        const key = await loadKey(method.path);
        if (!key) return undefined;
        tried.push(`key ${method.path}`);
        current = attempt;
        return { type: 'publickey', username, key };
      }
      case 'agent': {
        const found = await openAgent(method.socket);
        if (!found) return undefined;
        tried.push(`agent (${found.count} key${found.count === 1 ? '' : 's'})`);
        current = attempt;
        return { type: 'agent', username, agent: found.agent };
      }
      case 'password': {
        const cached = isRetry ? undefined : cache.get(passwordKey);
        let secret: Secret;
        if (cached !== undefined) {
          secret = { cacheKey: passwordKey, value: cached, fromCache: true };
          tried.push('saved password');
        } else {
          const password = await ask(() => prompt({ kind: 'password', ...context }));
          if (password === null) {
            note('password prompt cancelled');
            return undefined;
          }
          secret = { cacheKey: passwordKey, value: password, fromCache: false };
          attempt.userAnswered = true;
          tried.push('password');
        }
        attempt.secrets.push(secret);
        current = attempt;
        return { type: 'password', username, password: secret.value };
      }
      case 'keyboard-interactive': {
        tried.push('keyboard-interactive');
        current = attempt;
        return {
          type: 'keyboard-interactive',
          username,
          prompt: (name, instructions, _lang, prompts, finish) =>
            void answerRound(attempt, name, instructions, prompts, finish),
        };
      }
    }
  };

  const answerRound = async (
    attempt: Attempt,
    name: string,
    instructions: string,
    prompts: Prompt[],
    finish: KeyboardInteractiveCallback,
  ): Promise<void> => {
    const reply = (answers: string[]): void => {
      // The connection may have closed while the user was typing; a throw from ssh2 here would
      // surface as an unhandled rejection.
      try {
        finish(answers);
      } catch {
        /* nothing left to answer */
      }
    };
    // An empty round is the server saying "continue"; the user has nothing to answer.
    if (prompts.length === 0) return reply([]);
    const passwordRound = isPasswordRound(prompts);
    const cached = attempt.isRetry ? undefined : cache.get(passwordKey);
    const alreadyUsed = attempt.secrets.some((s) => s.fromCache);
    if (passwordRound && cached !== undefined && !alreadyUsed) {
      // What OpenSSH does for PAM: a lone "Password:" prompt gets the password we already have.
      attempt.secrets.push({ cacheKey: passwordKey, value: cached, fromCache: true });
      return reply([cached]);
    }
    const answers = await ask(() =>
      prompt({
        kind: 'keyboard-interactive',
        ...context,
        name,
        instructions,
        prompts: prompts.map((p) => ({ prompt: p.prompt, echo: p.echo === true })),
      }),
    );
    if (answers === null) {
      note('keyboard-interactive prompt cancelled');
      // SSH has no "cancel" message here; empty answers make the server fail this method.
      attempt.userAnswered = true;
      return reply(prompts.map(() => ''));
    }
    attempt.userAnswered = true;
    const fitted = prompts.map((_, i) => answers[i] ?? '');
    if (passwordRound) {
      attempt.secrets.push({ cacheKey: passwordKey, value: fitted[0] ?? '', fromCache: false });
    }
    reply(fitted);
  };

  /** Reads and decrypts a key file; undefined (with a note) when it cannot be used. */
  const loadKey = async (displayPath: string): Promise<ParsedKey | undefined> => {
    const path = resolve(expandHome(displayPath));
    let data: Buffer;
    try {
      const info = await stat(path);
      if (!info.isFile() || info.size > MAX_KEY_FILE_BYTES) {
        note(`not a key file: ${displayPath}`);
        return undefined;
      }
      data = await readFile(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') note(`key file not found: ${displayPath}`);
      else note(`key file not readable: ${displayPath}${code ? ` (${code})` : ''}`);
      return undefined;
    }
    const plain = usableKey(utils.parseKey(data), displayPath);
    if (plain !== 'encrypted') return plain;

    const cacheKey = passphraseCacheKey(displayPath);
    const cached = cache.get(cacheKey);
    if (cached !== undefined) {
      const key = decrypt(data, cached);
      if (key) {
        worked.set(cacheKey, cached);
        return key;
      }
      cache.delete(cacheKey);
    }
    for (let i = 0; i < PASSPHRASE_TRIES; i++) {
      const passphrase = await ask(() => prompt({ kind: 'passphrase', ...context, keyPath: path }));
      if (passphrase === null) {
        note(`passphrase for ${displayPath} cancelled`);
        return undefined;
      }
      const key = decrypt(data, passphrase);
      if (key) {
        // A passphrase that opens the key is right even if the server then refuses the key:
        // keeping it spares the user the same question on every reconnect.
        worked.set(cacheKey, passphrase);
        return key;
      }
    }
    note(`wrong passphrase for ${displayPath}`);
    return undefined;
  };

  const usableKey = (
    parsed: ParsedKey | Error,
    displayPath: string,
  ): ParsedKey | 'encrypted' | undefined => {
    if (parsed instanceof Error) {
      // ssh2 says so in words only; every format it reads uses this phrase.
      if (/no passphrase given/i.test(parsed.message)) return 'encrypted';
      note(`unsupported key file: ${displayPath} (${parsed.message})`);
      return undefined;
    }
    if (!parsed.isPrivateKey()) {
      note(`not a private key: ${displayPath}`);
      return undefined;
    }
    return parsed;
  };

  const decrypt = (data: Buffer, passphrase: string): ParsedKey | undefined => {
    const parsed = utils.parseKey(data, passphrase);
    // Any failure once a passphrase is given means a wrong one: ssh2's messages vary by format.
    return parsed instanceof Error || !parsed.isPrivateKey() ? undefined : parsed;
  };

  const openAgent = async (
    socketOption: string | undefined,
  ): Promise<{ agent: BaseAgentType; count: number } | undefined> => {
    const socket = socketOption ? expandHome(socketOption) : env.SSH_AUTH_SOCK;
    if (!socket) {
      note('agent skipped: no socket (SSH_AUTH_SOCK is not set)');
      return undefined;
    }
    const agent = createAgent(socket);
    const keys = await listAgentKeys(agent);
    if (keys === undefined) {
      note(`agent not reachable at ${socket}`);
      return undefined;
    }
    if (keys.length === 0) {
      note('agent has no keys');
      return undefined;
    }
    return { agent: new ListedAgent(agent, keys), count: keys.length };
  };

  return {
    authHandler: (methodsLeft, partialSuccess, next) => {
      // ssh2 passes null before the first attempt, whatever its types say.
      const left = methodsLeft as AuthenticationType[] | null;
      const partial = partialSuccess as boolean | null;
      const answer = next as (method: AnyAuthMethod | false) => void;
      // After dispose ssh2 gets no answer at all: even `false` would make it emit 'error' on a
      // client whose owner may have stopped listening, and an unheard 'error' crashes Node.
      nextMethod(left, partial).then(
        (method) => disposed || deliver(answer, method),
        () => disposed || deliver(answer, false),
      );
    },
    tryKeyboard: target.methods.some((m) => m.type === 'keyboard-interactive'),
    describeAttempts: () => {
      const parts = [tried.length ? `tried ${tried.join(', ')}` : 'no login method could be tried'];
      parts.push(...notes);
      if (notOffered.length) {
        const offers = lastOffered?.filter((m) => m !== 'none') ?? [];
        parts.push(
          `the server does not accept ${notOffered.join(', ')}` +
            (offers.length ? ` (it accepts ${offers.join(', ')})` : ''),
        );
      }
      return parts.join('; ');
    },
    onAuthenticated: () => {
      if (authenticated) return;
      authenticated = true;
      for (const s of current?.secrets ?? []) worked.set(s.cacheKey, s.value);
      current = undefined;
      for (const [key, value] of worked) cache.set(key, value);
    },
    get cancelled() {
      return cancelled;
    },
    dispose: () => {
      disposed = true;
    },
  };
}

function deliver(
  answer: (method: AnyAuthMethod | false) => void,
  method: AnyAuthMethod | false,
): void {
  // The connection may have died while a prompt was open. ssh2 1.17 quietly drops the request
  // then (measured), but a throw from a later version must not become an unhandled rejection.
  try {
    answer(method);
  } catch {
    /* the client reports its own failure */
  }
}

/**
 * A lone hidden prompt that mentions a password is the server's way of asking for the login
 * password through keyboard-interactive (PAM's "Password: ").
 */
function isPasswordRound(prompts: Prompt[]): boolean {
  const [only] = prompts;
  return prompts.length === 1 && only !== undefined && !only.echo && /password/i.test(only.prompt);
}

/** The agent's usable keys (those ssh2 can parse), or undefined when it cannot be reached. */
function listAgentKeys(agent: BaseAgentType): Promise<ParsedKey[] | undefined> {
  return new Promise((done) => {
    const timer = setTimeout(() => done(undefined), AGENT_LIST_TIMEOUT_MS);
    timer.unref();
    try {
      agent.getIdentities((err, keys) => {
        clearTimeout(timer);
        if (err || !Array.isArray(keys)) return done(undefined);
        const parsed: ParsedKey[] = [];
        for (const key of keys) {
          const k = utils.parseKey(key as Buffer | ParsedKey);
          if (!(k instanceof Error)) parsed.push(k);
        }
        done(parsed);
      });
    } catch {
      clearTimeout(timer);
      done(undefined);
    }
  });
}

/**
 * Hands ssh2 the keys we already listed: it would otherwise list them again, and an agent that
 * vanished in between makes ssh2 emit an 'error' on the client instead of moving on.
 */
class ListedAgent extends BaseAgent {
  constructor(
    private readonly inner: BaseAgentType,
    private readonly keys: ParsedKey[],
  ) {
    super();
  }

  getIdentities(cb: (err: Error | null, keys?: ParsedKey[]) => void): void {
    cb(null, this.keys);
  }

  sign(
    pubKey: string | Buffer | ParsedKey,
    data: Buffer,
    options: SigningRequestOptions | SignCallback,
    cb?: SignCallback,
  ): void {
    if (typeof options === 'function') this.inner.sign(pubKey, data, {}, options);
    else this.inner.sign(pubKey, data, options, cb);
  }
}
