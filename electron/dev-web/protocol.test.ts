import { describe, expect, it } from 'vitest';
import { parseClientMessage, parseServerMessage } from './protocol';

describe('the web bridge wire format', () => {
  it('accepts exactly a call with an id and a channel', () => {
    expect(
      parseClientMessage(
        JSON.stringify({ type: 'call', id: 7, channel: 'burrow:profiles.list', payload: { a: 1 } }),
      ),
    ).toEqual({
      ok: true,
      message: { type: 'call', id: 7, channel: 'burrow:profiles.list', payload: { a: 1 } },
    });
    // A command without input sends no payload at all (JSON drops undefined).
    expect(parseClientMessage('{"type":"call","id":0,"channel":"burrow:tunnels.stopAll"}')).toEqual(
      {
        ok: true,
        message: { type: 'call', id: 0, channel: 'burrow:tunnels.stopAll', payload: undefined },
      },
    );
  });

  it.each([
    ['not JSON', '{', undefined],
    ['JSON that is not an object', '[1,2]', undefined],
    ['null', 'null', undefined],
    ['another type', '{"type":"event","id":1,"channel":"burrow:x"}', undefined],
    ['no id', '{"type":"call","channel":"burrow:x"}', undefined],
    ['a fractional id', '{"type":"call","id":1.5,"channel":"burrow:x"}', undefined],
    ['a negative id', '{"type":"call","id":-1,"channel":"burrow:x"}', undefined],
    ['a string id', '{"type":"call","id":"1","channel":"burrow:x"}', undefined],
    ['no channel', '{"type":"call","id":3}', 3],
    ['an empty channel', '{"type":"call","id":4,"channel":""}', 4],
    ['a channel that is not a string', '{"type":"call","id":5,"channel":{}}', 5],
    ['a huge channel', JSON.stringify({ type: 'call', id: 6, channel: 'x'.repeat(1000) }), 6],
  ])('refuses %s, keeping the id when it can still be answered', (_what, text, id) => {
    const parsed = parseClientMessage(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.reason).toEqual(expect.any(String));
      expect(parsed.id).toBe(id);
    }
  });

  it('reads results and events from the server and drops anything else', () => {
    expect(parseServerMessage('{"type":"result","id":1,"result":{"ok":true,"value":[]}}')).toEqual({
      type: 'result',
      id: 1,
      result: { ok: true, value: [] },
    });
    const failure = { ok: false, error: { kind: 'internal', message: 'no' } };
    expect(parseServerMessage(JSON.stringify({ type: 'result', id: 2, result: failure }))).toEqual({
      type: 'result',
      id: 2,
      result: failure,
    });
    expect(
      parseServerMessage('{"type":"event","channel":"burrow:settings","payload":{"theme":"dark"}}'),
    ).toEqual({ type: 'event', channel: 'burrow:settings', payload: { theme: 'dark' } });
    for (const text of [
      'nope',
      'null',
      '{"type":"result","id":1}',
      '{"type":"result","id":1,"result":{"ok":false}}',
      '{"type":"result","id":"1","result":{"ok":true}}',
      '{"type":"event"}',
      '{"type":"call","id":1,"channel":"burrow:x"}',
    ])
      expect(parseServerMessage(text)).toBeUndefined();
  });
});
