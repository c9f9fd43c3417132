import type {
  HostKeyDecision,
  PromptAnswer,
  PromptAnswers,
  PromptHandler,
  PromptRequest,
} from '../../shared';
import { hostPort } from './format';
import { createSerialQueue } from './serial-queue';
import type { Terminal } from './terminal';

type Request<K extends PromptRequest['kind']> = Extract<PromptRequest, { kind: K }>;

export interface PromptHandlerOptions {
  /** Present only when stdin and stderr are both terminals. */
  terminal?: Terminal;
  /** BURROW_PASSWORD and BURROW_PASSPHRASE are read from here when there is no terminal. */
  env: Record<string, string | undefined>;
  acceptNewHostKeys: boolean;
  knownHostsPath: string;
  profileName(profileId: string): string;
  /** Tells the user something happened on their behalf (a host key saved). */
  notice(line: string): void;
  /** Around each terminal question, so a live table does not redraw over it. */
  beforeAsk?(): void;
  afterAsk?(): void;
  /** Aborted on shutdown: pending questions are cancelled (answered null / reject). */
  signal?: AbortSignal;
}

/**
 * Answers the engine's questions for the CLI: on the terminal when there is one, else from the
 * environment, else cancelled. Never logs an answer.
 */
export function createPromptHandler(options: PromptHandlerOptions): PromptHandler {
  const serial = createSerialQueue();
  const answer = (request: PromptRequest): Promise<PromptAnswers[PromptRequest['kind']]> => {
    if (options.signal?.aborted) return Promise.resolve(cancelled(request));
    switch (request.kind) {
      case 'host-key':
        return hostKey(request, options);
      case 'password':
        return secret(options, 'BURROW_PASSWORD', passwordQuestion(request, options));
      case 'passphrase':
        return secret(
          options,
          'BURROW_PASSPHRASE',
          `${tag(request, options)}Enter passphrase for key '${request.keyPath}': `,
        );
      case 'keyboard-interactive':
        return keyboardInteractive(request, options);
    }
  };
  return <R extends PromptRequest>(request: R) =>
    serial(() => answer(request)) as Promise<PromptAnswer<R>>;
}

function cancelled(request: PromptRequest): PromptAnswers[PromptRequest['kind']] {
  return request.kind === 'host-key' ? 'reject' : null;
}

/** `[profile] ` in front of every question: several profiles may be connecting at once. */
function tag(request: PromptRequest, options: PromptHandlerOptions): string {
  return `[${options.profileName(request.profileId)}] `;
}

function passwordQuestion(request: Request<'password'>, options: PromptHandlerOptions): string {
  const who = request.username ? `${request.username}@` : '';
  return `${tag(request, options)}${who}${hostPort(request.host, request.port)}'s password: `;
}

async function secret(
  options: PromptHandlerOptions,
  envName: 'BURROW_PASSWORD' | 'BURROW_PASSPHRASE',
  question: string,
): Promise<string | null> {
  if (!options.terminal) return options.env[envName] ?? null;
  return withTerminal(options.terminal, options, (terminal) =>
    terminal.ask(question, { secret: true, ...signalOf(options) }),
  );
}

async function keyboardInteractive(
  request: Request<'keyboard-interactive'>,
  options: PromptHandlerOptions,
): Promise<string[] | null> {
  if (!options.terminal) {
    // Servers may send a round with no questions (just instructions); it needs an empty reply.
    if (request.prompts.length === 0) return [];
    // Without a terminal only the common shape is answerable: one hidden question, the password.
    const password = options.env.BURROW_PASSWORD;
    const only = request.prompts.length === 1 ? request.prompts[0] : undefined;
    return only && !only.echo && password !== undefined ? [password] : null;
  }
  return withTerminal(options.terminal, options, async (terminal) => {
    terminal.say(context(request, options));
    const answers: string[] = [];
    for (const { prompt, echo } of request.prompts) {
      const reply = await terminal.ask(prompt || 'Response: ', {
        secret: !echo,
        ...signalOf(options),
      });
      if (reply === null) return null;
      answers.push(reply);
    }
    return answers;
  });
}

function context(request: Request<'keyboard-interactive'>, options: PromptHandlerOptions): string {
  const lines = [
    `${tag(request, options)}${request.username ? `${request.username}@` : ''}${hostPort(request.host, request.port)} asks:`,
  ];
  if (request.name.trim()) lines.push(request.name.trim());
  if (request.instructions.trim()) lines.push(request.instructions.trim());
  return lines.join('\n');
}

async function hostKey(
  request: Request<'host-key'>,
  options: PromptHandlerOptions,
): Promise<HostKeyDecision> {
  const where = hostPort(request.host, request.port);
  const key = `${request.keyType} ${request.fingerprint}`;
  if (options.acceptNewHostKeys) {
    options.notice(
      `${tag(request, options)}Added the new host key of ${where} to ${options.knownHostsPath}: ${key}`,
    );
    return 'accept-save';
  }
  if (!options.terminal) return 'reject';
  return withTerminal(options.terminal, options, async (terminal) => {
    terminal.say(
      [
        `${tag(request, options)}The authenticity of host ${where} can't be established.`,
        `${request.keyType} key fingerprint is ${request.fingerprint}.`,
        "Compare it with the fingerprint from the server's admin before you accept it.",
      ].join('\n'),
    );
    for (;;) {
      const reply = await terminal.ask(
        `Accept [o]nce, [a]lways (save to ${options.knownHostsPath}), or [r]eject? `,
        { secret: false, ...signalOf(options) },
      );
      if (reply === null) return 'reject';
      const decision = hostKeyDecision(reply);
      if (decision) return decision;
      terminal.say('Please answer o (once), a (always) or r (reject).');
    }
  });
}

/** Reads an answer to the host key question; undefined when it is none of the choices. */
export function hostKeyDecision(reply: string): HostKeyDecision | undefined {
  const word = reply.trim().toLowerCase();
  if (['o', 'once'].includes(word)) return 'accept-once';
  // "yes" saves the key in OpenSSH's own question, so it does here too.
  if (['a', 'always', 's', 'save', 'y', 'yes'].includes(word)) return 'accept-save';
  if (['r', 'reject', 'n', 'no'].includes(word)) return 'reject';
  return undefined;
}

function signalOf(options: PromptHandlerOptions): { signal?: AbortSignal } {
  return options.signal ? { signal: options.signal } : {};
}

async function withTerminal<T>(
  terminal: Terminal,
  options: PromptHandlerOptions,
  conversation: (terminal: Terminal) => Promise<T>,
): Promise<T> {
  options.beforeAsk?.();
  try {
    return await conversation(terminal);
  } finally {
    options.afterAsk?.();
  }
}
