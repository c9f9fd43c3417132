import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ProfileSchema,
  zeroCounters,
  type EngineSnapshot,
  type ProfileStatus,
  type SessionState,
} from '../../shared';
import { TrayController } from './tray-controller';
import { buildTrayMenu, trayState, trayTooltip, type TrayMenuItem } from './tray-model';

const profile = (id: string, group?: string) =>
  ProfileSchema.parse({
    id,
    name: id.toUpperCase(),
    host: `${id}.example`,
    username: 'me',
    ...(group ? { group } : {}),
    forwards: [
      { id: 'pg', type: 'local', bindPort: 0, targetHost: 'db', targetPort: 5432 },
      { id: 'socks', type: 'dynamic', bindPort: 1080 },
    ],
  });

function status(
  id: string,
  session: SessionState,
  active: Record<string, number> = {},
): ProfileStatus {
  return {
    profileId: id,
    session,
    forwards: Object.fromEntries(
      Object.entries(active).map(([fid, port]) => [
        fid,
        {
          forwardId: fid,
          state: { state: 'active', bindHost: '127.0.0.1', bindPort: port },
          counters: zeroCounters(),
        },
      ]),
    ),
  };
}

const snapshot = (...statuses: ProfileStatus[]): EngineSnapshot => ({
  profiles: Object.fromEntries(statuses.map((s) => [s.profileId, s])),
});

describe('tray state and tooltip', () => {
  it('shows the worst news: error, then reconnecting, then up, else idle', () => {
    expect(trayState(snapshot())).toBe('idle');
    expect(trayState(snapshot(status('a', { state: 'stopped' })))).toBe('idle');
    expect(trayState(snapshot(status('a', { state: 'connected' })))).toBe('up');
    const reconnecting: SessionState = {
      state: 'reconnecting',
      attempt: 1,
      retryAt: 0,
      lastError: { kind: 'connection-lost', message: '' },
    };
    expect(
      trayState(snapshot(status('a', { state: 'connected' }), status('b', reconnecting))),
    ).toBe('reconnecting');
    const failed: SessionState = { state: 'error', error: { kind: 'auth-failed', message: '' } };
    expect(trayState(snapshot(status('a', failed), status('b', reconnecting)))).toBe('error');
  });

  it('counts running tunnels in the tooltip', () => {
    expect(trayTooltip(snapshot())).toBe('Burrow: no tunnels running');
    expect(
      trayTooltip(snapshot(status('a', { state: 'connected' }, { pg: 5432, socks: 1080 }))),
    ).toBe('Burrow: 2 tunnels running (1 profile)');
  });
});

describe('tray menu', () => {
  const labels = (items: TrayMenuItem[]): unknown[] =>
    items.map((i) =>
      i.type === 'submenu'
        ? { [i.label]: labels(i.items) }
        : i.type === 'separator'
          ? '---'
          : i.label,
    );

  it('lists groups, then profiles, each with a toggle and its forwards, then the app actions', () => {
    const menu = buildTrayMenu(
      [profile('web', 'Work'), profile('db', 'Work'), profile('home')],
      snapshot(status('web', { state: 'connected' }, { pg: 40001 })),
    );
    expect(labels(menu)).toEqual([
      {
        Work: [
          'Stop all in Work',
          '---',
          { 'WEB — on': ['Stop WEB', '---', '127.0.0.1:40001 → db:5432', 'SOCKS 127.0.0.1:1080'] },
          { 'DB — off': ['Start DB', '---', '127.0.0.1:any → db:5432', 'SOCKS 127.0.0.1:1080'] },
        ],
      },
      { 'HOME — off': ['Start HOME', '---', '127.0.0.1:any → db:5432', 'SOCKS 127.0.0.1:1080'] },
      '---',
      'Start all',
      'Stop all',
      '---',
      'Open Burrow',
      'Quit Burrow',
    ]);
    const web = (menu[0] as { items: TrayMenuItem[] }).items[2] as { items: TrayMenuItem[] };
    expect(web.items[0]).toMatchObject({
      type: 'checkbox',
      checked: true,
      action: { kind: 'toggle-profile', profileId: 'web', on: false },
    });
    expect(web.items[2]).toMatchObject({
      checked: true,
      action: { kind: 'toggle-forward', forwardId: 'pg', on: false },
    });
    expect(web.items[3]).toMatchObject({
      checked: false,
      action: { kind: 'toggle-forward', forwardId: 'socks', on: true },
    });
  });

  it('offers to create a first profile when there is none, and no "Stop all" when nothing runs', () => {
    const menu = buildTrayMenu([], snapshot());
    expect(menu[0]).toMatchObject({ label: 'No profiles yet', enabled: false });
    expect(menu.find((i) => i.type === 'normal' && i.label === 'Stop all')).toMatchObject({
      enabled: false,
    });
  });
});

describe('TrayController', () => {
  afterEach(() => vi.useRealTimers());

  it('renders once per change that shows, coalesced, and not for counter-only updates', () => {
    vi.useFakeTimers();
    let current = snapshot(status('web', { state: 'connected' }, { pg: 40001 }));
    const renders: unknown[] = [];
    const controller = new TrayController(
      { profiles: () => [profile('web')], snapshot: () => current },
      (view) => renders.push(view),
      250,
    );
    controller.refresh();
    expect(renders).toHaveLength(1);
    // A storm of counter updates: nothing in the menu changes.
    for (let i = 0; i < 100; i++) {
      current = structuredClone(current);
      current.profiles.web!.forwards.pg!.counters.bytesIn += 1000;
      controller.changed();
      vi.advanceTimersByTime(10);
    }
    vi.advanceTimersByTime(500);
    expect(renders).toHaveLength(1);
    current = snapshot(status('web', { state: 'stopped' }));
    controller.changed();
    controller.changed();
    vi.advanceTimersByTime(300);
    expect(renders).toHaveLength(2);
    expect(renders[1]).toMatchObject({ state: 'idle' });
    controller.dispose();
  });
});
