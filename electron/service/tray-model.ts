import type { EngineSnapshot, Forward, Profile, SessionState } from '../../shared';

/**
 * What the tray shows, as plain data computed from the profiles and the live state: the Electron
 * side only turns it into a Menu and an icon. Tested without Electron.
 */

export type TrayState = 'idle' | 'up' | 'reconnecting' | 'error';

export type TrayAction =
  | { kind: 'toggle-profile'; profileId: string; on: boolean }
  | { kind: 'toggle-forward'; profileId: string; forwardId: string; on: boolean }
  | { kind: 'start-group'; group: string }
  | { kind: 'stop-group'; group: string }
  | { kind: 'start-all' }
  | { kind: 'stop-all' }
  | { kind: 'open' }
  | { kind: 'quit' };

export type TrayMenuItem =
  | { type: 'normal'; label: string; enabled: boolean; action: TrayAction }
  | { type: 'checkbox'; label: string; checked: boolean; enabled: boolean; action: TrayAction }
  | { type: 'submenu'; label: string; items: TrayMenuItem[] }
  | { type: 'separator' };

/** A session that is on: running, or trying to be. */
function isOn(session: SessionState | undefined): boolean {
  return session !== undefined && session.state !== 'stopped' && session.state !== 'error';
}

/** The worst news wins: a failing tunnel, then one reconnecting, then all up, else idle. */
export function trayState(snapshot: EngineSnapshot): TrayState {
  const sessions = Object.values(snapshot.profiles).map((p) => p.session);
  const forwards = Object.values(snapshot.profiles).flatMap((p) => Object.values(p.forwards));
  if (sessions.some((s) => s.state === 'error') || forwards.some((f) => f.state.state === 'error'))
    return 'error';
  if (sessions.some((s) => s.state === 'reconnecting' || s.state === 'connecting'))
    return 'reconnecting';
  if (sessions.some((s) => s.state === 'connected')) return 'up';
  return 'idle';
}

export function trayTooltip(snapshot: EngineSnapshot): string {
  const profiles = Object.values(snapshot.profiles);
  const active = profiles
    .flatMap((p) => Object.values(p.forwards))
    .filter((f) => f.state.state === 'active').length;
  const running = profiles.filter((p) => isOn(p.session)).length;
  const problems = profiles.filter(
    (p) => p.session.state === 'error' || p.session.state === 'reconnecting',
  ).length;
  if (running === 0 && problems === 0) return 'Burrow: no tunnels running';
  const tunnels = `${active} tunnel${active === 1 ? '' : 's'} running`;
  const across = `${running} profile${running === 1 ? '' : 's'}`;
  return problems
    ? `Burrow: ${tunnels} (${across}), ${problems} with problems`
    : `Burrow: ${tunnels} (${across})`;
}

const SESSION_WORDS: Record<SessionState['state'], string> = {
  stopped: 'off',
  connecting: 'connecting…',
  connected: 'on',
  reconnecting: 'reconnecting…',
  error: 'failed',
};

/** `127.0.0.1:5432 → db:5432`, or `SOCKS 127.0.0.1:1080`, with the bound port once known. */
export function forwardLabel(forward: Forward, boundPort?: number): string {
  const port = boundPort ?? forward.bindPort;
  const bind = `${forward.bindHost}:${port === 0 ? 'any' : port}`;
  switch (forward.type) {
    case 'local':
      return `${bind} → ${forward.targetHost}:${forward.targetPort}`;
    case 'remote':
      return `server ${bind} → ${forward.targetHost}:${forward.targetPort}`;
    case 'dynamic':
      return `SOCKS ${bind}`;
  }
}

function profileMenu(profile: Profile, snapshot: EngineSnapshot): TrayMenuItem {
  const status = snapshot.profiles[profile.id];
  const on = isOn(status?.session);
  const word = SESSION_WORDS[status?.session.state ?? 'stopped'];
  const forwards: TrayMenuItem[] = profile.forwards.map((forward) => {
    const state = on ? status?.forwards[forward.id]?.state : undefined;
    const active = state?.state === 'active';
    return {
      type: 'checkbox',
      label:
        forwardLabel(forward, active ? state.bindPort : undefined) +
        (state?.state === 'error' ? ' (failed)' : ''),
      checked: active || state?.state === 'starting',
      enabled: true,
      action: {
        kind: 'toggle-forward',
        profileId: profile.id,
        forwardId: forward.id,
        on: !(active || state?.state === 'starting'),
      },
    };
  });
  return {
    type: 'submenu',
    label: `${profile.name} — ${word}`,
    items: [
      {
        type: 'checkbox',
        label: on ? `Stop ${profile.name}` : `Start ${profile.name}`,
        checked: on,
        enabled: true,
        action: { kind: 'toggle-profile', profileId: profile.id, on: !on },
      },
      ...(forwards.length ? [{ type: 'separator' } as const, ...forwards] : []),
    ],
  };
}

export function buildTrayMenu(
  profiles: readonly Profile[],
  snapshot: EngineSnapshot,
): TrayMenuItem[] {
  const items: TrayMenuItem[] = [];
  const groups = [...new Set(profiles.map((p) => p.group).filter((g): g is string => Boolean(g)))];
  for (const group of groups) {
    const members = profiles.filter((p) => p.group === group);
    const anyOn = members.some((p) => isOn(snapshot.profiles[p.id]?.session));
    items.push({
      type: 'submenu',
      label: group,
      items: [
        anyOn
          ? {
              type: 'normal',
              label: `Stop all in ${group}`,
              enabled: true,
              action: { kind: 'stop-group', group },
            }
          : {
              type: 'normal',
              label: `Start all in ${group}`,
              enabled: true,
              action: { kind: 'start-group', group },
            },
        { type: 'separator' },
        ...members.map((p) => profileMenu(p, snapshot)),
      ],
    });
  }
  items.push(...profiles.filter((p) => !p.group).map((p) => profileMenu(p, snapshot)));
  if (profiles.length === 0)
    items.push({
      type: 'normal',
      label: 'No profiles yet',
      enabled: false,
      action: { kind: 'open' },
    });
  const anyOn = Object.values(snapshot.profiles).some((p) => isOn(p.session));
  items.push(
    { type: 'separator' },
    {
      type: 'normal',
      label: 'Start all',
      enabled: profiles.length > 0,
      action: { kind: 'start-all' },
    },
    { type: 'normal', label: 'Stop all', enabled: anyOn, action: { kind: 'stop-all' } },
    { type: 'separator' },
    { type: 'normal', label: 'Open Burrow', enabled: true, action: { kind: 'open' } },
    { type: 'normal', label: 'Quit Burrow', enabled: true, action: { kind: 'quit' } },
  );
  return items;
}
