/**
 * A stand-in for main's side of the bridge, run INSIDE the page (Playwright's addInitScript): the
 * benchmark measures what the renderer costs per status batch, so the batches must arrive at a
 * known rate with a known size, without an engine or IPC in the same measurement. The profiles
 * and deltas have exactly the shapes main sends (shared/ipc.ts, shared/status.ts).
 *
 * This function is serialised into the page: it must not close over anything.
 */
export function installSyntheticApi(config: {
  profiles: number;
  forwardsPerProfile: number;
}): void {
  type Listener = (payload: unknown) => void;
  const listeners = new Map<string, Set<Listener>>();
  const profiles = Array.from({ length: config.profiles }, (_, p) => ({
    id: `p${p}`,
    name: p === 0 ? 'Big profile' : `Server ${p}`,
    host: `server${p}.example`,
    port: 22,
    username: 'me',
    auth: [{ type: 'agent' }],
    jumpHosts: [],
    forwards: Array.from({ length: p === 0 ? config.forwardsPerProfile : 2 }, (_, f) => ({
      id: `f${f}`,
      name: `service ${f}`,
      enabled: true,
      type: 'local',
      bindHost: '127.0.0.1',
      bindPort: 20000 + f,
      targetHost: `10.0.${Math.floor(f / 250)}.${f % 250}`,
      targetPort: 5432,
    })),
    keepalive: { intervalSeconds: 15, maxMissed: 3 },
    reconnect: { enabled: true, initialDelayMs: 1000, maxDelayMs: 60000, jitter: 0.2 },
    connectTimeoutSeconds: 20,
    group: p % 3 === 0 ? 'Production' : p % 3 === 1 ? 'Staging' : undefined,
    tags: ['bench'],
    autoStart: false,
  }));
  const counters = new Map<string, { bytesIn: number; bytesOut: number; total: number }>();
  const statusOf = (profile: (typeof profiles)[number]) => ({
    profileId: profile.id,
    session: { state: 'connected' },
    forwards: Object.fromEntries(
      profile.forwards.map((forward) => {
        const key = `${profile.id}/${forward.id}`;
        const c = counters.get(key) ?? { bytesIn: 0, bytesOut: 0, total: 0 };
        return [
          forward.id,
          {
            forwardId: forward.id,
            state: { state: 'active', bindHost: '127.0.0.1', bindPort: forward.bindPort },
            counters: {
              activeConnections: c.total % 4,
              totalConnections: c.total,
              bytesIn: c.bytesIn,
              bytesOut: c.bytesOut,
            },
          },
        ];
      }),
    ),
  });
  const ok = (value: unknown) => Promise.resolve({ ok: true, value });
  const answers: Record<string, () => Promise<unknown>> = {
    'profiles.list': () => ok(profiles),
    'tunnels.snapshot': () =>
      ok({ profiles: Object.fromEntries(profiles.map((p) => [p.id, statusOf(p)])) }),
    'settings.get': () =>
      ok({
        theme: 'light',
        closeToTray: true,
        startMinimized: false,
        openAtLogin: false,
        notifications: true,
        reconnectDefaults: { enabled: true, initialDelayMs: 1000, maxDelayMs: 60000, jitter: 0.2 },
      }),
    'app.info': () =>
      ok({
        version: 'bench',
        platform: 'linux',
        storePath: '/dev/null',
        secureStorage: { available: false, reason: 'bench' },
        storeIssues: [],
      }),
    'prompts.pending': () => ok([]),
    'tunnels.log': () => ok([]),
    'secrets.list': () => ok([]),
  };
  const call = new Proxy(
    {},
    {
      get: (_target, name: string) => () => (answers[name] ?? (() => ok(undefined)))(),
    },
  );
  const api = {
    call,
    on(event: string, listener: Listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
  };
  /** One status batch in which every forward of the big profile moved (the worst case). */
  const emitBatch = (): void => {
    const big = profiles[0]!;
    for (const forward of big.forwards) {
      const key = `${big.id}/${forward.id}`;
      const c = counters.get(key) ?? { bytesIn: 0, bytesOut: 0, total: 0 };
      counters.set(key, {
        bytesIn: c.bytesIn + 1000 + Math.floor(Math.random() * 50_000),
        bytesOut: c.bytesOut + 500 + Math.floor(Math.random() * 5_000),
        total: c.total + 1,
      });
    }
    const delta = { changed: [statusOf(big)], removed: [] };
    listeners.get('status')?.forEach((listener) => listener(delta));
  };
  Object.assign(window, { burrow: api, __benchEmitBatch: emitBatch });
}
