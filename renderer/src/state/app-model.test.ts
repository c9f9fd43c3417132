import { describe, expect, it } from 'vitest';
import type { BurrowApi, EventPayloads } from '../../../shared/ipc';
import type { EventName } from '../../../shared/ipc-names';
import type { LogEntry, ProfileStatus } from '../../../shared/status';
import { AppModel } from './app-model';

/**
 * A bridge whose replies the test releases by hand, so that events can be sent while a reply is
 * still on its way: the orderings a real window meets at start-up, made deterministic.
 */
function gatedBridge() {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const gates = new Map<string, (value: unknown) => void>();
  const replies = new Map<string, unknown>([
    ['profiles.list', []],
    ['settings.get', null],
    ['app.info', null],
    ['prompts.pending', []],
  ]);
  const api = {
    call: new Proxy(
      {},
      {
        get: (_t, name: string) => () =>
          replies.has(name)
            ? Promise.resolve({ ok: true, value: replies.get(name) })
            : new Promise((resolve) => gates.set(name, (value) => resolve({ ok: true, value }))),
      },
    ),
    on(event: string, listener: (payload: unknown) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
  } as unknown as BurrowApi;
  return {
    api,
    emit<E extends EventName>(event: E, payload: EventPayloads[E]) {
      listeners.get(event)?.forEach((l) => l(payload));
    },
    release(name: string, value: unknown) {
      gates.get(name)!(value);
    },
  };
}

const status = (state: 'connecting' | 'connected'): ProfileStatus => ({
  profileId: 'p',
  session: { state },
  forwards: {},
});

describe('AppModel at start-up', () => {
  it('drops status batches older than the snapshot and applies newer ones', async () => {
    const bridge = gatedBridge();
    const model = new AppModel(bridge.api, { sampleEveryMs: 60_000 });
    const started = model.start();
    bridge.emit('status', { changed: [status('connecting')], removed: [], seq: 4 });
    bridge.emit('status', { changed: [status('connected')], removed: [], seq: 6 });
    // The snapshot was taken after batch 5: batch 4 is older, batch 6 newer.
    bridge.release('tunnels.snapshot', { profiles: { p: status('connecting') }, seq: 5 });
    await started;
    expect(model.status.session('p')).toEqual({ state: 'connected' });
    model.dispose();
  });

  it('keeps the snapshot when every early batch is older', async () => {
    const bridge = gatedBridge();
    const model = new AppModel(bridge.api, { sampleEveryMs: 60_000 });
    const started = model.start();
    bridge.emit('status', { changed: [status('connecting')], removed: [], seq: 4 });
    bridge.release('tunnels.snapshot', { profiles: { p: status('connected') }, seq: 4 });
    await started;
    expect(model.status.session('p')).toEqual({ state: 'connected' });
    model.dispose();
  });

  it('merges log lines that arrive while the log loads, without doubles', async () => {
    const bridge = gatedBridge();
    const model = new AppModel(bridge.api, { sampleEveryMs: 60_000 });
    const started = model.start();
    bridge.release('tunnels.snapshot', { profiles: {} });
    await started;
    const line = (at: number, message: string): LogEntry => ({
      at,
      profileId: 'p',
      level: 'info',
      message,
    });
    const log = model.log('p');
    bridge.emit('log', line(2, 'in the reply too'));
    bridge.emit('log', line(3, 'only as an event'));
    bridge.release('tunnels.log', [line(1, 'old'), line(2, 'in the reply too')]);
    await Promise.resolve();
    await Promise.resolve();
    expect(log.get()?.map((l) => l.message)).toEqual([
      'old',
      'in the reply too',
      'only as an event',
    ]);
    bridge.emit('log', line(4, 'later'));
    expect(log.get()?.map((l) => l.seq)).toEqual([1, 2, 3, 4]);
    model.dispose();
  });
});
