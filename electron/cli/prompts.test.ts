import { describe, expect, it, vi } from 'vitest';
import type { PromptRequest } from '../../shared';
import { createPromptHandler, hostKeyDecision, type PromptHandlerOptions } from './prompts';
import type { Terminal } from './terminal';

const where = { profileId: 'db', host: 'bastion', port: 22, username: 'alice' };
const hostKey = {
  ...where,
  kind: 'host-key',
  keyType: 'ssh-ed25519',
  fingerprint: 'SHA256:abc',
} as const satisfies PromptRequest;
const password = { ...where, kind: 'password' } as const satisfies PromptRequest;
const passphrase = { ...where, kind: 'passphrase', keyPath: '/k' } as const satisfies PromptRequest;
const otp = (prompts: { prompt: string; echo: boolean }[]) =>
  ({ ...where, kind: 'keyboard-interactive', name: '', instructions: '', prompts }) as const;

function options(extra: Partial<PromptHandlerOptions> = {}) {
  const notices: string[] = [];
  const opts: PromptHandlerOptions = {
    env: {},
    acceptNewHostKeys: false,
    knownHostsPath: '/home/a/.ssh/known_hosts',
    profileName: (id) => (id === 'db' ? 'Database' : id),
    notice: (line) => notices.push(line),
    ...extra,
  };
  return { opts, notices };
}

/** A terminal that answers from a script and records what was shown. */
function scriptedTerminal(answers: (string | null)[]) {
  const shown: string[] = [];
  const asked: { question: string; secret: boolean }[] = [];
  const terminal: Terminal = {
    say: (text) => shown.push(text),
    ask: async (question, { secret }) => {
      asked.push({ question, secret });
      return answers.shift() ?? null;
    },
  };
  return { terminal, shown, asked };
}

describe('prompt handler without a terminal', () => {
  it('answers passwords and passphrases from the environment', async () => {
    const { opts } = options({ env: { BURROW_PASSWORD: 'pw', BURROW_PASSPHRASE: 'pp' } });
    const prompt = createPromptHandler(opts);
    expect(await prompt(password)).toBe('pw');
    expect(await prompt(passphrase)).toBe('pp');
  });

  it('cancels (null) what nothing can answer', async () => {
    const prompt = createPromptHandler(options().opts);
    expect(await prompt(password)).toBeNull();
    expect(await prompt(passphrase)).toBeNull();
    expect(await prompt(otp([{ prompt: 'Password: ', echo: false }]))).toBeNull();
  });

  it('answers a one-question hidden keyboard-interactive round with BURROW_PASSWORD only', async () => {
    const prompt = createPromptHandler(options({ env: { BURROW_PASSWORD: 'pw' } }).opts);
    expect(await prompt(otp([{ prompt: 'Password: ', echo: false }]))).toEqual(['pw']);
    expect(await prompt(otp([{ prompt: 'User: ', echo: true }]))).toBeNull();
    expect(
      await prompt(
        otp([
          { prompt: 'Password: ', echo: false },
          { prompt: 'Code: ', echo: false },
        ]),
      ),
    ).toBeNull();
    // A round with no questions only needs an empty reply.
    expect(await prompt(otp([]))).toEqual([]);
  });

  it('rejects an unknown host key', async () => {
    const { opts, notices } = options();
    expect(await createPromptHandler(opts)(hostKey)).toBe('reject');
    expect(notices).toEqual([]);
  });

  it('saves an unknown host key with --accept-new-host-keys and says so with the fingerprint', async () => {
    const { opts, notices } = options({ acceptNewHostKeys: true });
    expect(await createPromptHandler(opts)(hostKey)).toBe('accept-save');
    expect(notices).toEqual([
      '[Database] Added the new host key of bastion:22 to /home/a/.ssh/known_hosts: ssh-ed25519 SHA256:abc',
    ]);
  });

  it('cancels everything once shut down', async () => {
    const abort = new AbortController();
    const prompt = createPromptHandler(
      options({ env: { BURROW_PASSWORD: 'pw' }, signal: abort.signal }).opts,
    );
    abort.abort();
    expect(await prompt(password)).toBeNull();
    expect(await prompt(hostKey)).toBe('reject');
  });
});

describe('prompt handler on a terminal', () => {
  it('asks for secrets hidden, and prefers the terminal over the environment', async () => {
    const { terminal, asked } = scriptedTerminal(['typed', 'phrase']);
    const prompt = createPromptHandler(options({ terminal, env: { BURROW_PASSWORD: 'env' } }).opts);
    expect(await prompt(password)).toBe('typed');
    expect(await prompt(passphrase)).toBe('phrase');
    expect(asked).toEqual([
      { question: "[Database] alice@bastion:22's password: ", secret: true },
      { question: "[Database] Enter passphrase for key '/k': ", secret: true },
    ]);
  });

  it('shows keyboard-interactive instructions and echoes only echo prompts', async () => {
    const { terminal, asked, shown } = scriptedTerminal(['alice', '123456']);
    const prompt = createPromptHandler(options({ terminal }).opts);
    const answer = await prompt({
      ...otp([
        { prompt: 'User: ', echo: true },
        { prompt: 'Code: ', echo: false },
      ]),
      name: 'Two-factor',
      instructions: 'Open your app.',
    });
    expect(answer).toEqual(['alice', '123456']);
    expect(shown[0]).toBe('[Database] alice@bastion:22 asks:\nTwo-factor\nOpen your app.');
    expect(asked.map((a) => a.secret)).toEqual([false, true]);
  });

  it('cancels the whole round when one answer is cancelled', async () => {
    const { terminal } = scriptedTerminal([null]);
    const prompt = createPromptHandler(options({ terminal }).opts);
    expect(await prompt(otp([{ prompt: 'Code: ', echo: false }]))).toBeNull();
  });

  it('asks about a host key with its fingerprint and reads once / always / reject', async () => {
    const { terminal, shown, asked } = scriptedTerminal(['maybe', 'a']);
    const prompt = createPromptHandler(options({ terminal }).opts);
    expect(await prompt(hostKey)).toBe('accept-save');
    expect(shown[0]).toContain(
      "[Database] The authenticity of host bastion:22 can't be established.",
    );
    expect(shown[0]).toContain('ssh-ed25519 key fingerprint is SHA256:abc.');
    expect(shown[1]).toMatch(/Please answer/);
    expect(asked[0]?.question).toMatch(/\[o\]nce, \[a\]lways .*known_hosts.*\[r\]eject/);
    expect(
      await createPromptHandler(options({ terminal: scriptedTerminal([null]).terminal }).opts)(
        hostKey,
      ),
    ).toBe('reject');
  });

  it('pauses the live output around each question', async () => {
    const calls: string[] = [];
    const { terminal } = scriptedTerminal(['pw']);
    const prompt = createPromptHandler(
      options({
        terminal,
        beforeAsk: () => calls.push('before'),
        afterAsk: () => calls.push('after'),
      }).opts,
    );
    await prompt(password);
    expect(calls).toEqual(['before', 'after']);
  });

  it('asks one question at a time when several profiles ask at once', async () => {
    let open = 0;
    let most = 0;
    const terminal: Terminal = {
      say: vi.fn(),
      ask: async (question) => {
        open++;
        most = Math.max(most, open);
        await new Promise((r) => setTimeout(r, 5));
        open--;
        return question.includes('web') ? 'w' : 'd';
      },
    };
    const prompt = createPromptHandler(options({ terminal, profileName: (id) => id }).opts);
    const answers = await Promise.all([
      prompt(password),
      prompt({ ...password, profileId: 'web' }),
      prompt(passphrase),
    ]);
    expect(answers).toEqual(['d', 'w', 'd']);
    expect(most).toBe(1);
  });
});

describe('hostKeyDecision', () => {
  it('understands the usual words and nothing else', () => {
    expect(['o', 'ONCE', ' a ', 'always', 'yes', 'r', 'no', '', 'x'].map(hostKeyDecision)).toEqual([
      'accept-once',
      'accept-once',
      'accept-save',
      'accept-save',
      'accept-save',
      'reject',
      'reject',
      undefined,
      undefined,
    ]);
  });
});
