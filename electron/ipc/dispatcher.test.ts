import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, commands, createBurrowClient, type IpcResult } from '../../shared';
import { EngineError } from '../engine/errors';
import { createDispatcher, type CommandHandlers } from './dispatcher';

/** Handlers that record what reached them; each command's behaviour can be overridden. */
function recordingHandlers(overrides: Partial<Record<string, (input: unknown) => unknown>> = {}) {
  const calls: { name: string; input: unknown }[] = [];
  const handlers = Object.fromEntries(
    COMMAND_NAMES.map((name) => [
      name,
      (input: unknown) => {
        calls.push({ name, input });
        return overrides[name] ? overrides[name](input) : undefined;
      },
    ]),
  ) as unknown as CommandHandlers;
  return { handlers, calls };
}

const trusted = { trustedSender: true };

describe('createDispatcher', () => {
  it('passes a valid, parsed input to its handler and wraps the value', async () => {
    const { handlers, calls } = recordingHandlers({ 'tunnels.log': () => [{ message: 'hi' }] });
    const dispatch = createDispatcher(handlers);
    expect(await dispatch('tunnels.log', { profileId: 'p1' }, trusted)).toEqual({
      ok: true,
      value: [{ message: 'hi' }],
    });
    expect(calls).toEqual([{ name: 'tunnels.log', input: { profileId: 'p1' } }]);
  });

  it('refuses a foreign sender before looking at anything', async () => {
    const { handlers, calls } = recordingHandlers();
    const result = await createDispatcher(handlers)('tunnels.stopAll', undefined, {
      trustedSender: false,
    });
    expect(result).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    expect(calls).toEqual([]);
  });

  it('answers an unknown command and a malformed payload with invalid-input and field paths', async () => {
    const { handlers, calls } = recordingHandlers();
    const dispatch = createDispatcher(handlers);
    expect(await dispatch('shell.exec', 'rm -rf /', trusted)).toMatchObject({
      ok: false,
      error: { kind: 'invalid-input', message: 'There is no command "shell.exec".' },
    });
    const bad = await dispatch(
      'forwards.add',
      { profileId: 'p', forward: { id: 'f', type: 'local', bindPort: 70000 } },
      trusted,
    );
    expect(bad).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
    const paths = (bad as { error: { issues: { path: string }[] } }).error.issues.map(
      (i) => i.path,
    );
    expect(paths).toEqual(expect.arrayContaining(['forward.bindPort', 'forward.targetHost']));
    expect(calls).toEqual([]);
  });

  it('passes engine and store errors through with their kind; hides anything else', async () => {
    const internal: unknown[] = [];
    const { handlers } = recordingHandlers({
      'tunnels.start': () => {
        throw new EngineError('port-in-use', '127.0.0.1:5432 is already in use.');
      },
      'profiles.delete': () => {
        throw Object.assign(new Error('"db" is a jump host of "web".'), { kind: 'conflict' });
      },
      'tunnels.stopAll': () => {
        throw new TypeError(
          "Cannot read properties of undefined (reading 'x') at /secret/path.js:1",
        );
      },
    });
    const dispatch = createDispatcher(handlers, { onInternalError: (_c, e) => internal.push(e) });
    expect(await dispatch('tunnels.start', { profileId: 'p' }, trusted)).toEqual({
      ok: false,
      error: { kind: 'port-in-use', message: expect.stringContaining('already in use') },
    });
    expect(await dispatch('profiles.delete', { profileId: 'p' }, trusted)).toMatchObject({
      ok: false,
      error: { kind: 'conflict' },
    });
    const hidden = await dispatch('tunnels.stopAll', undefined, trusted);
    expect(hidden).toMatchObject({ ok: false, error: { kind: 'internal' } });
    expect(JSON.stringify(hidden)).not.toContain('/secret/path');
    expect(internal).toHaveLength(1);
  });

  it('never throws and never hands a handler input its schema rejects (fuzzed)', async () => {
    const { handlers, calls } = recordingHandlers();
    const dispatch = createDispatcher(handlers);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constantFrom(...COMMAND_NAMES), fc.string()),
        fc.anything({
          withBigInt: true,
          withDate: true,
          withMap: true,
          withSet: true,
          withTypedArray: true,
          withNullPrototype: true,
        }),
        fc.boolean(),
        async (name, payload, trustedSender) => {
          calls.length = 0;
          const result: IpcResult<unknown> = await dispatch(name, payload, { trustedSender });
          expect(typeof result.ok).toBe('boolean');
          if (!result.ok) expect(typeof result.error.message).toBe('string');
          for (const call of calls) {
            expect(trustedSender).toBe(true);
            expect(
              commands[call.name as keyof typeof commands].input.safeParse(payload).success,
            ).toBe(true);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('works end to end through a client built from the contract over an in-memory pair', async () => {
    const { handlers } = recordingHandlers({ 'profiles.list': () => [] });
    const dispatch = createDispatcher(handlers);
    const client = createBurrowClient({
      invoke: (channel, payload) =>
        dispatch(channel.replace(/^burrow:/, ''), structuredClone(payload), trusted),
      subscribe: () => () => {},
    });
    expect(await client.call['profiles.list'](undefined)).toEqual({ ok: true, value: [] });
    expect(await client.call['tunnels.start']({ profileId: 'bad id' })).toMatchObject({
      ok: false,
    });
    expect(() => client.on('nope' as 'status', () => {})).toThrow(/no event/);
  });
});
