import { describe, expect, it } from 'vitest';
import type { StatusDelta } from '../../shared';
import { StatusHub } from './status-hub';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('StatusHub', () => {
  it('coalesces a flood of counter updates into a few batches', async () => {
    const hub = new StatusHub(50);
    const batches: StatusDelta[] = [];
    hub.onDidChange((d) => batches.push(d));
    const counters = hub.trackForward('p', 'f');
    const until = Date.now() + 300;
    let bumps = 0;
    while (Date.now() < until) {
      counters.bytesIn += 10;
      hub.touch('p');
      bumps++;
      if (bumps % 1000 === 0) await sleep(1);
    }
    await sleep(120);
    expect(bumps).toBeGreaterThan(1000);
    // ~300 ms at one batch per 50 ms, plus the leading batch and the trailing one.
    expect(batches.length).toBeLessThanOrEqual(10);
    const last = batches.at(-1)!.changed[0]!;
    expect(last.forwards.f!.counters.bytesIn).toBe(bumps * 10);
    hub.dispose();
  });

  it('sends copies, so listeners never see later mutation', async () => {
    const hub = new StatusHub(10);
    const batches: StatusDelta[] = [];
    hub.onDidChange((d) => batches.push(d));
    hub.setForward('p', 'f', { state: 'active', bindHost: '127.0.0.1', bindPort: 1 });
    hub.flush();
    hub.setForward('p', 'f', { state: 'stopped' });
    hub.flush();
    expect(batches[0]!.changed[0]!.forwards.f!.state).toEqual({
      state: 'active',
      bindHost: '127.0.0.1',
      bindPort: 1,
    });
    expect(batches[1]!.changed[0]!.forwards.f!.state).toEqual({ state: 'stopped' });
    expect(hub.snapshot().profiles.p!.forwards.f!.state.state).toBe('stopped');
    hub.dispose();
  });

  it('reports untracked profiles as removed, and survives a throwing listener', async () => {
    const hub = new StatusHub(10);
    const batches: StatusDelta[] = [];
    hub.onDidChange(() => {
      throw new Error('listener bug');
    });
    hub.onDidChange((d) => batches.push(d));
    hub.setSession('p', { state: 'connecting' });
    hub.flush();
    hub.untrack('p');
    hub.flush();
    expect(batches.at(-1)).toEqual({ changed: [], removed: ['p'], seq: 2 });
    hub.dispose();
  });

  it('numbers its batches, and a snapshot names the last one sent before it', () => {
    const hub = new StatusHub(50);
    const batches: StatusDelta[] = [];
    hub.onDidChange((d) => batches.push(d));
    hub.trackForward('p', 'f');
    hub.touch('p');
    hub.flush();
    expect(hub.snapshot().seq).toBe(1);
    hub.touch('p');
    hub.flush();
    expect(batches.map((b) => b.seq)).toEqual([1, 2]);
    expect(hub.snapshot().seq).toBe(2);
    hub.dispose();
  });
});
