import { describe, expect, it } from 'vitest';
import type { EventName, EventPayloads, PromptRequest } from '../../shared';
import type { EventSink } from './events';
import { PromptBroker } from './prompt-broker';

function recordingSink() {
  const sent: { event: EventName; payload: unknown }[] = [];
  const sink: EventSink = {
    send<E extends EventName>(event: E, payload: EventPayloads[E]) {
      sent.push({ event, payload });
    },
  };
  return { sink, sent };
}

const context = { profileId: 'p', host: 'h', port: 22, username: 'u' };
const password: PromptRequest = { kind: 'password', ...context };
const kbd: PromptRequest = {
  kind: 'keyboard-interactive',
  ...context,
  name: '',
  instructions: '',
  prompts: [
    { prompt: 'Password: ', echo: false },
    { prompt: 'Code: ', echo: true },
  ],
};

describe('PromptBroker', () => {
  it('sends the question out, resolves with the answer, and closes it', async () => {
    const { sink, sent } = recordingSink();
    const remembered: string[] = [];
    const broker = new PromptBroker(sink, {
      canRemember: (r) => r.kind === 'password',
      remember: (_r, s) => remembered.push(s),
    });
    const answer = broker.handler(password);
    const [pending] = broker.pending();
    expect(pending).toMatchObject({ request: password, canRemember: true });
    expect(sent[0]).toEqual({ event: 'prompt', payload: pending });
    broker.answer(pending!.id, 'hunter2', true);
    expect(await answer).toBe('hunter2');
    expect(remembered).toEqual(['hunter2']);
    expect(broker.pending()).toEqual([]);
    expect(sent.at(-1)).toEqual({ event: 'prompt-closed', payload: { id: pending!.id } });
  });

  it('refuses an answer of the wrong shape, and one for a question that is gone', async () => {
    const { sink } = recordingSink();
    const broker = new PromptBroker(sink, { canRemember: () => false, remember: () => {} });
    const answer = broker.handler(kbd);
    const { id } = broker.pending()[0]!;
    expect(() => broker.answer(id, 'accept-save')).toThrow(
      /not an answer to a keyboard-interactive/,
    );
    expect(() => broker.answer(id, ['only one'])).toThrow();
    broker.answer(id, ['pw', '123456'], true);
    expect(await answer).toEqual(['pw', '123456']);
    expect(() => broker.answer(id, ['pw', '1'])).toThrow(/no longer open/);
  });

  it('closes a question whose answer is no longer needed', async () => {
    const { sink, sent } = recordingSink();
    const broker = new PromptBroker(sink, { canRemember: () => false, remember: () => {} });
    const controller = new AbortController();
    const answer = broker.handler(password, { signal: controller.signal });
    const { id } = broker.pending()[0]!;
    controller.abort(new Error('stopped'));
    await expect(answer).rejects.toThrow('stopped');
    expect(broker.pending()).toEqual([]);
    expect(sent.at(-1)).toEqual({ event: 'prompt-closed', payload: { id } });
  });

  it('cancels everything on quit: host keys rejected, secrets withheld', async () => {
    const { sink } = recordingSink();
    const broker = new PromptBroker(sink, { canRemember: () => false, remember: () => {} });
    const hostKey = broker.handler({
      kind: 'host-key',
      ...context,
      keyType: 'ssh-ed25519',
      fingerprint: 'SHA256:x',
    });
    const secret = broker.handler(password);
    broker.cancelAll();
    expect(await hostKey).toBe('reject');
    expect(await secret).toBeNull();
  });
});
