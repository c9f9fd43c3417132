import { randomUUID } from 'node:crypto';
import type { PendingPrompt, PromptAnswer, PromptHandler, PromptRequest } from '../../shared';
import type { EventSink } from './events';

type Answer = string | string[] | null;

interface Waiting {
  prompt: PendingPrompt;
  resolve(answer: unknown): void;
}

export class PromptAnswerError extends Error {
  readonly kind = 'invalid-input';
}

/**
 * Carries the engine's questions to the window and the answers back. A question waits until it is
 * answered, or until the engine no longer needs it (its profile stopped), and a window that opens
 * later asks for what is pending; so closing the window to the tray never loses a question.
 */
export class PromptBroker {
  private readonly waiting = new Map<string, Waiting>();

  constructor(
    private readonly events: EventSink,
    private readonly options: {
      canRemember(request: PromptRequest): boolean;
      /** Called with a secret the user asked to remember, after the question is answered. */
      remember(request: PromptRequest, secret: string): void;
    },
  ) {}

  readonly handler: PromptHandler = (request, options) =>
    new Promise((resolve, reject) => {
      const id = randomUUID();
      const prompt: PendingPrompt = { id, request, canRemember: this.options.canRemember(request) };
      const signal = options?.signal;
      const close = (): void => {
        this.waiting.delete(id);
        signal?.removeEventListener('abort', onAbort);
        this.events.send('prompt-closed', { id });
      };
      const onAbort = (): void => {
        close();
        reject(signal?.reason ?? new Error('The question is no longer needed.'));
      };
      if (signal?.aborted) return reject(signal.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.set(id, {
        prompt,
        resolve: (answer) => {
          close();
          resolve(answer as PromptAnswer<typeof request>);
        },
      });
      this.events.send('prompt', prompt);
    });

  pending(): PendingPrompt[] {
    return [...this.waiting.values()].map((w) => w.prompt);
  }

  /** The user's answer; checked against the question's kind, since the renderer is untrusted. */
  answer(id: string, answer: Answer, remember = false): void {
    const waiting = this.waiting.get(id);
    if (!waiting)
      throw Object.assign(new PromptAnswerError('That question is no longer open.'), {
        kind: 'not-found',
      });
    const { request } = waiting.prompt;
    if (!fits(request, answer))
      throw new PromptAnswerError(`That is not an answer to a ${request.kind} question.`);
    if (remember && waiting.prompt.canRemember && typeof answer === 'string')
      this.options.remember(request, answer);
    waiting.resolve(answer);
  }

  /** Answers every open question with "cancel" (the app is quitting). */
  cancelAll(): void {
    for (const [id, waiting] of this.waiting) {
      this.waiting.delete(id);
      waiting.resolve(waiting.prompt.request.kind === 'host-key' ? 'reject' : null);
    }
  }
}

function fits(request: PromptRequest, answer: Answer): boolean {
  switch (request.kind) {
    case 'host-key':
      return answer === 'accept-once' || answer === 'accept-save' || answer === 'reject';
    case 'password':
    case 'passphrase':
      return answer === null || typeof answer === 'string';
    case 'keyboard-interactive':
      return answer === null || (Array.isArray(answer) && answer.length === request.prompts.length);
  }
}
