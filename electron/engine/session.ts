import type { Client, ClientChannel, TcpConnectionDetails } from 'ssh2';
import { isFatalKind, type Forward, type Profile } from '../../shared';
import { CredentialCache } from './auth';
import { backoffDelay } from './backoff';
import { EngineError, classifyConnectError, classifyOpenError } from './errors';
import { describeForward, type Endpoint, type ForwardRunner } from './forwards/forward';
import { DynamicForwardRunner } from './forwards/dynamic';
import { LocalForwardRunner } from './forwards/local';
import {
  RemoteForwardRunner,
  type IncomingHandler,
  type RemoteForwardHost,
} from './forwards/remote';
import {
  connectChain,
  hopLabel,
  negotiatedCipher,
  type ConnectContext,
  type HopSpec,
} from './ssh-connection';
import type { StatusHub } from './status-hub';
import { connectionKey } from './connection-key';
import type { LogLevel } from './api';
import type { PromptHandler } from '../../shared';

export interface SessionDeps {
  prompt: PromptHandler;
  knownHostsPath: string;
  hub: StatusHub;
  log(profileId: string, level: LogLevel, message: string): void;
}

/** How long a connection must stay up before the reconnect backoff starts over. */
const STABLE_MS = 30_000;

interface UpWaiter {
  resolve(): void;
  reject(err: EngineError): void;
}

/**
 * One running profile: a single SSH session (through its jump hosts) that carries every forward
 * of the profile, and brings them back after a drop. It owns its clients, its forwards and its
 * reconnect timer; stop() releases all of them.
 */
export class ProfileSession implements RemoteForwardHost {
  private clients: Client[] | undefined;
  private readonly runners = new Map<string, ForwardRunner>();
  private readonly incoming = new Map<string, IncomingHandler>();
  private readonly upWaiters = new Set<UpWaiter>();
  private readonly credentials = new CredentialCache();
  private readonly acceptedOnce = new Set<string>();
  /** The user's start/stop of single forwards in this session (see wanted()). */
  private readonly overrides = new Map<string, boolean>();
  /** Ends a login in progress (and any open question) the moment stop() is called. */
  private readonly stopping = new AbortController();
  private retryTimer: NodeJS.Timeout | undefined;
  /** Counts failed attempts since the connection was last up for a while (see STABLE_MS). */
  private attempt = 0;
  private stableTimer: NodeJS.Timeout | undefined;
  private gaveUp = false;
  private givingUp: Promise<void> | undefined;
  private hasConnected = false;
  private stopped = false;
  private connecting: Promise<void> | undefined;

  constructor(
    private profile: Profile,
    private readonly hops: HopSpec[],
    private readonly deps: SessionDeps,
  ) {}

  get profileId(): string {
    return this.profile.id;
  }

  get hub(): StatusHub {
    return this.deps.hub;
  }

  /** True once the session gave up (a refused login, a changed host key): it will not retry. */
  get failed(): boolean {
    return this.gaveUp;
  }

  get currentProfile(): Profile {
    return this.profile;
  }

  /** Identifies the route and settings this session logs in with (see manager's update()). */
  get connectionKey(): string {
    return connectionKey(this.profile, this.hops);
  }

  /** Connects and starts every enabled forward; resolves after the first attempt either way. */
  /** Connects and starts every forward that is wanted (`onlyForwards`: just those). */
  async start(options: { onlyForwards?: readonly string[] } = {}): Promise<void> {
    if (this.stopped) return;
    if (options.onlyForwards) {
      for (const forward of this.profile.forwards)
        this.overrides.set(forward.id, options.onlyForwards.includes(forward.id));
    }
    for (const forward of this.profile.forwards) {
      if (this.wanted(forward))
        this.hub.setForward(this.profileId, forward.id, { state: 'starting' });
    }
    await this.connect();
  }

  /**
   * Whether a forward should run: the user's own start/stop of it in this session, else the
   * profile's `enabled` ("starts with the profile"). Kept apart, so an unrelated edit of the
   * profile does not swap which forwards run.
   */
  private wanted(forward: Forward): boolean {
    return this.overrides.get(forward.id) ?? forward.enabled;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopping.abort();
    clearTimeout(this.retryTimer);
    clearTimeout(this.stableTimer);
    await this.givingUp;
    this.rejectWaiters(new EngineError('connection-lost', 'The profile was stopped.'));
    // Forwards go first, while the session can still cancel server-side listeners.
    await Promise.all([...this.runners.values()].map((runner) => runner.dispose()));
    this.runners.clear();
    await this.closeClients();
    await this.connecting?.catch(() => {});
    // Forwards still waiting for a first login have no runner; they stop with the session too.
    for (const [forwardId, status] of Object.entries(
      this.hub.get(this.profileId)?.forwards ?? {},
    )) {
      if (status.state.state !== 'stopped')
        this.hub.setForward(this.profileId, forwardId, { state: 'stopped' });
    }
    this.hub.setSession(this.profileId, { state: 'stopped' });
    this.log('info', 'Stopped.');
  }

  async startForward(forwardId: string): Promise<void> {
    const spec = this.profile.forwards.find((f) => f.id === forwardId);
    if (!spec)
      throw new EngineError('invalid-config', `This profile has no forward "${forwardId}".`);
    this.overrides.set(forwardId, true);
    if (this.stopped || this.gaveUp) return;
    const existing = this.runners.get(forwardId);
    if (existing) {
      // A forward that failed (busy port, refused) is started afresh; a running one is left be.
      if (this.hub.get(this.profileId)?.forwards[forwardId]?.state.state !== 'error') return;
      this.runners.delete(forwardId);
      await existing.dispose();
    }
    this.hub.setForward(this.profileId, forwardId, { state: 'starting' });
    // Before the first login the forward starts with the session; afterwards at once (a local
    // listener binds even mid-reconnect; a remote one waits for the session).
    if (this.hasConnected) await this.launch(spec);
  }

  async stopForward(forwardId: string): Promise<void> {
    this.overrides.set(forwardId, false);
    const runner = this.runners.get(forwardId);
    this.runners.delete(forwardId);
    if (runner) await runner.dispose();
    else this.hub.setForward(this.profileId, forwardId, { state: 'stopped' });
  }

  /** Takes an edited profile: forwards added, removed or changed are applied live. */
  async update(profile: Profile): Promise<void> {
    const before = new Map(this.profile.forwards.map((f) => [f.id, f]));
    this.profile = profile;
    // A session that gave up serves nothing: binding ports for it would only make them hang.
    if (this.gaveUp || this.stopped) return;
    const after = new Map(profile.forwards.map((f) => [f.id, f]));
    const settingsOf = (f: Forward): string => JSON.stringify({ ...f, enabled: undefined });
    for (const [id, old] of before) {
      const now = after.get(id);
      // A changed "starts with the profile" is the user's new word on this forward.
      if (now && now.enabled !== old.enabled) this.overrides.delete(id);
      const changed = !now || settingsOf(now) !== settingsOf(old);
      if (changed || !this.wanted(now)) {
        const runner = this.runners.get(id);
        this.runners.delete(id);
        if (runner) await runner.dispose();
        if (!now) {
          this.overrides.delete(id);
          this.hub.untrackForward(this.profileId, id);
        } else if (!this.wanted(now)) this.hub.setForward(this.profileId, id, { state: 'stopped' });
      }
    }
    for (const forward of profile.forwards) {
      if (this.wanted(forward) && !this.runners.has(forward.id))
        await this.startForward(forward.id);
    }
  }

  /** Skips the backoff wait; with `evenIfConnected`, renews a connected session at once too. */
  reconnectNow(evenIfConnected = false): void {
    if (this.stopped || this.gaveUp) return;
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      void this.connect();
    } else if (evenIfConnected && this.clients) {
      // Destroyed, not ended: after a sleep the socket may be dead, and a polite close would
      // wait for a peer that is not there. The drop handler then reconnects without delay.
      this.renewing = true;
      for (const client of [...this.clients].reverse()) client.destroy();
    }
  }

  // ---- RemoteForwardHost -------------------------------------------------------------------

  currentClient(): Client | undefined {
    return this.clients?.at(-1);
  }

  claimIncoming(bindHost: string, port: number, handler: IncomingHandler): void {
    this.incoming.set(`${bindHost}:${port}`, handler);
  }

  releaseIncoming(bindHost: string, port: number): void {
    this.incoming.delete(`${bindHost}:${port}`);
  }

  async openChannel(target: Endpoint, origin: Endpoint): Promise<ClientChannel> {
    if (!this.currentClient()) await this.waitUntilUp();
    const client = this.currentClient();
    const label = `${target.host}:${target.port}`;
    if (!client) throw new EngineError('connection-lost', `No connection to open ${label}.`);
    return new Promise((resolve, reject) => {
      try {
        client.forwardOut(origin.host, origin.port, target.host, target.port, (err, channel) => {
          if (err) reject(classifyOpenError(err, label));
          else resolve(channel);
        });
      } catch (err) {
        reject(
          new EngineError('connection-lost', `The connection closed while opening ${label}.`, {
            cause: err,
          }),
        );
      }
    });
  }

  log(level: LogLevel, message: string): void {
    this.deps.log(this.profileId, level, message);
  }

  // ---- connection life -----------------------------------------------------------------------

  private connect(): Promise<void> {
    this.connecting ??= this.connectOnce().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connectOnce(): Promise<void> {
    if (this.stopped) return;
    const target = this.hops.at(-1)!;
    const firstAttempt = !this.hasConnected && this.attempt === 0;
    this.hub.setSession(
      this.profileId,
      firstAttempt ? { state: 'connecting' } : this.reconnectingState(),
    );
    if (firstAttempt) this.log('info', `Connecting to ${this.route()}.`);
    let clients: Client[];
    try {
      clients = await connectChain(this.hops, this.connectContext());
    } catch (err) {
      this.onConnectFailure(
        err instanceof EngineError ? err : classifyConnectError(err, hopLabel(target)),
      );
      return;
    }
    if (this.stopped) {
      for (const client of clients.reverse()) client.end();
      return;
    }
    this.clients = clients;
    this.watch(clients);
    const final = clients.at(-1)!;
    // The backoff starts over only once the connection has proved itself: a server that accepts
    // the login and drops it at once must not be hammered at the initial delay forever.
    clearTimeout(this.stableTimer);
    this.stableTimer = setTimeout(() => (this.attempt = 0), STABLE_MS);
    this.stableTimer.unref();
    this.hub.setSession(this.profileId, {
      state: 'connected',
      cipher: negotiatedCipher.get(final),
    });
    this.log('info', `Connected to ${hopLabel(target)} as ${target.username}.`);
    const firstTime = !this.hasConnected;
    this.hasConnected = true;
    for (const waiter of this.upWaiters) waiter.resolve();
    this.upWaiters.clear();
    if (firstTime) {
      await Promise.all(
        this.profile.forwards
          .filter((f) => this.wanted(f) && !this.runners.has(f.id))
          .map((f) => this.launch(f)),
      );
    } else {
      await Promise.all([...this.runners.values()].map((runner) => runner.onSessionUp()));
    }
  }

  private watch(clients: Client[]): void {
    const final = clients.at(-1)!;
    let lastError: EngineError | undefined;
    final.on(
      'error',
      (err) => (lastError = classifyConnectError(err, hopLabel(this.hops.at(-1)!))),
    );
    final.on('tcp connection', (details: TcpConnectionDetails, accept, reject) => {
      const handler = this.incoming.get(`${details.destIP}:${details.destPort}`);
      if (handler) handler(details, accept, reject);
      else reject();
    });
    let dropped = false;
    const onClose = (): void => {
      if (dropped || this.clients !== clients) return;
      dropped = true;
      const error = this.renewing
        ? new EngineError(
            'connection-lost',
            'Renewing the connection after sleep or a network change.',
          )
        : lastError?.kind === 'keepalive-timeout'
          ? lastError
          : new EngineError(
              'connection-lost',
              `The connection to ${hopLabel(this.hops.at(-1)!)} was lost.`,
            );
      this.onDrop(error);
    };
    // Any hop closing takes the whole chain with it.
    for (const client of clients) client.once('close', onClose);
  }

  private onDrop(error: EngineError): void {
    clearTimeout(this.stableTimer);
    const clients = this.clients ?? [];
    this.clients = undefined;
    for (const client of [...clients].reverse()) client.end();
    if (this.stopped) return;
    this.log('warn', error.message);
    for (const runner of this.runners.values()) runner.onSessionDown();
    this.scheduleRetry(error);
  }

  private onConnectFailure(error: EngineError): void {
    if (this.stopped) return;
    this.log('error', error.message);
    if (isFatalKind(error.kind) || !this.profile.reconnect.enabled) {
      // Retrying would only repeat the refusal (or lock the account): give up and free ports.
      this.givingUp = this.giveUp(error);
      return;
    }
    this.scheduleRetry(error);
  }

  private async giveUp(error: EngineError): Promise<void> {
    if (this.stopped) return;
    this.gaveUp = true;
    this.rejectWaiters(error);
    const runners = [...this.runners.values()];
    this.runners.clear();
    await Promise.all(runners.map((runner) => runner.dispose()));
    for (const forward of this.profile.forwards) {
      if (this.hub.get(this.profileId)?.forwards[forward.id]?.state.state === 'starting')
        this.hub.setForward(this.profileId, forward.id, { state: 'stopped' });
    }
    if (!this.stopped)
      this.hub.setSession(this.profileId, { state: 'error', error: error.toInfo() });
  }

  private scheduleRetry(error: EngineError): void {
    if (!this.profile.reconnect.enabled) {
      this.givingUp = this.giveUp(error);
      return;
    }
    this.attempt += 1;
    const delay = this.renewing ? 0 : backoffDelay(this.attempt, this.profile.reconnect);
    this.renewing = false;
    this.lastRetry = { error, retryAt: Date.now() + delay };
    this.hub.setSession(this.profileId, this.reconnectingState());
    this.log('info', `Reconnecting in ${(delay / 1000).toFixed(1)} s (attempt ${this.attempt}).`);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, delay);
  }

  private lastRetry: { error: EngineError; retryAt: number } | undefined;
  /** Set while reconnectNow({ evenIfConnected }) renews the connection: no backoff, own reason. */
  private renewing = false;

  private reconnectingState() {
    return {
      state: 'reconnecting' as const,
      attempt: this.attempt,
      retryAt: this.lastRetry?.retryAt ?? Date.now(),
      lastError: (this.lastRetry?.error ?? new EngineError('connection-lost')).toInfo(),
    };
  }

  private async launch(spec: Forward): Promise<void> {
    const runner = this.createRunner(spec);
    this.runners.set(spec.id, runner);
    this.log('info', `Starting ${describeForward(spec)}.`);
    await runner.start();
  }

  private createRunner(spec: Forward): ForwardRunner {
    switch (spec.type) {
      case 'local':
        return new LocalForwardRunner(spec, this);
      case 'remote':
        return new RemoteForwardRunner(spec, this);
      case 'dynamic':
        return new DynamicForwardRunner(spec, this);
    }
  }

  private waitUntilUp(): Promise<void> {
    if (this.stopped)
      return Promise.reject(new EngineError('connection-lost', 'The profile is stopped.'));
    return new Promise((resolve, reject) => {
      const waiter: UpWaiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      const timer = setTimeout(() => {
        this.upWaiters.delete(waiter);
        reject(
          new EngineError(
            'connection-lost',
            'The tunnel is reconnecting and did not come back in time.',
          ),
        );
      }, this.profile.connectTimeoutSeconds * 1000);
      this.upWaiters.add(waiter);
    });
  }

  private rejectWaiters(error: EngineError): void {
    for (const waiter of this.upWaiters) waiter.reject(error);
    this.upWaiters.clear();
  }

  private closeClients(): Promise<void> {
    const clients = this.clients ?? [];
    this.clients = undefined;
    const final = clients.at(-1);
    const closed = final
      ? new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 2000);
          final.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
        })
      : Promise.resolve();
    for (const client of [...clients].reverse()) client.end();
    return closed;
  }

  private connectContext(): ConnectContext {
    return {
      profileId: this.profileId,
      prompt: this.deps.prompt,
      knownHostsPath: this.deps.knownHostsPath,
      credentials: this.credentials,
      acceptedOnce: this.acceptedOnce,
      keepalive: this.profile.keepalive,
      signal: this.stopping.signal,
      timeoutMs: this.profile.connectTimeoutSeconds * 1000,
      log: (level, message) => this.log(level, message),
    };
  }

  private route(): string {
    return this.hops.map(hopLabel).join(' → ');
  }
}
