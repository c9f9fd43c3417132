import { describe, expect, it, vi } from 'vitest';
import type { PromptHandler, PromptRequest } from '../../shared';
import { withSavedSecrets } from './secret-prompt';
import { MemorySecretStore } from './secrets';

const context = { profileId: 'p1', host: 'bastion.example', port: 22, username: 'deploy' };
const password: PromptRequest = { kind: 'password', ...context };
const passphrase: PromptRequest = { kind: 'passphrase', ...context, keyPath: '/home/me/.ssh/id' };

function setup() {
  const secrets = new MemorySecretStore();
  const asked: PromptRequest[] = [];
  const prompt = vi.fn(async (request: PromptRequest) => {
    asked.push(request);
    return request.kind === 'host-key' ? 'reject' : 'typed';
  }) as unknown as PromptHandler;
  let now = 1_000_000;
  const handler = withSavedSecrets(prompt, secrets, { now: () => now });
  return { secrets, prompt, asked, handler, advance: (ms: number) => (now += ms) };
}

describe('withSavedSecrets', () => {
  it('answers a password from the store by user@host:port, a passphrase by key path', async () => {
    const { secrets, handler, asked } = setup();
    secrets.set(
      { profileId: 'p1', kind: 'password', target: 'deploy@bastion.example:22' },
      'saved-pw',
    );
    secrets.set({ profileId: 'p1', kind: 'passphrase', target: '/home/me/.ssh/id' }, 'saved-pp');
    expect(await handler(password)).toBe('saved-pw');
    expect(await handler(passphrase)).toBe('saved-pp');
    expect(asked).toEqual([]);
  });

  it('asks when nothing is saved for exactly this account or profile', async () => {
    const { secrets, handler, asked } = setup();
    secrets.set({ profileId: 'p1', kind: 'password', target: 'deploy@bastion.example:2222' }, 'x');
    secrets.set({ profileId: 'p2', kind: 'password', target: 'deploy@bastion.example:22' }, 'y');
    expect(await handler(password)).toBe('typed');
    expect(asked).toEqual([password]);
  });

  it('asks the user when the same question comes back within a minute (the saved value failed)', async () => {
    const { secrets, handler, asked, advance } = setup();
    secrets.set(
      { profileId: 'p1', kind: 'password', target: 'deploy@bastion.example:22' },
      'wrong',
    );
    expect(await handler(password)).toBe('wrong');
    advance(2_000);
    expect(await handler(password)).toBe('typed');
    advance(10_000);
    expect(await handler(password)).toBe('typed');
    expect(asked).toHaveLength(2);
    advance(60_000);
    // A minute on (a reconnect later), the saved value is tried again.
    expect(await handler(password)).toBe('wrong');
  });

  it('passes other questions and the abort signal straight through', async () => {
    const { handler, prompt } = setup();
    const signal = new AbortController().signal;
    const hostKey: PromptRequest = {
      kind: 'host-key',
      ...context,
      keyType: 'ssh-ed25519',
      fingerprint: 'SHA256:abc',
    };
    expect(await handler(hostKey, { signal })).toBe('reject');
    await handler(password, { signal });
    expect(prompt).toHaveBeenNthCalledWith(1, hostKey, { signal });
    expect(prompt).toHaveBeenNthCalledWith(2, password, { signal });
  });
});
