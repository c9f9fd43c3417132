import type {
  AppInfo,
  BurrowApi,
  CommandInput,
  CommandOutput,
  IpcError,
  IpcResult,
  PendingPrompt,
} from '../../../shared/ipc';
import type { CommandName } from '../../../shared/ipc-names';
import type { Profile } from '../../../shared/profile';
import type { AppSettings } from '../../../shared/settings';
import type { LogEntry, StatusDelta } from '../../../shared/status';
import { StatusStore } from './status-store';

/** Lines kept per profile log in the window (main keeps its own, longer history). */
export const LOG_LIMIT = 1000;

export interface Notice {
  id: number;
  tone: 'info' | 'error';
  text: string;
}

/** A small observable value: what useSyncExternalStore needs, nothing more. */
export class Observable<T> {
  private readonly listeners = new Set<() => void>();
  constructor(private value: T) {}
  get = (): T => this.value;
  set(value: T): void {
    if (Object.is(value, this.value)) return;
    this.value = value;
    this.listeners.forEach((listener) => listener());
  }
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}

/**
 * Everything the window knows, fed by main's events: saved profiles, live status, settings,
 * open questions and logs. React components read it through hooks (hooks.ts); commands go
 * through `run`, which turns a failed command into a notice the user sees.
 */
export class AppModel {
  readonly status = new StatusStore();
  readonly profiles = new Observable<Profile[] | null>(null);
  readonly settings = new Observable<AppSettings | null>(null);
  readonly info = new Observable<AppInfo | null>(null);
  readonly prompts = new Observable<PendingPrompt[]>([]);
  readonly notices = new Observable<Notice[]>([]);
  /** A connection problem with main itself (the bridge), shown as a banner. */
  readonly bridgeError = new Observable<string | null>(null);
  private readonly logs = new Map<string, Observable<LogEntry[] | null>>();
  private readonly cleanups: (() => void)[] = [];
  private noticeId = 0;

  constructor(
    readonly api: BurrowApi,
    private readonly options: { sampleEveryMs?: number; noticeMs?: number } = {},
  ) {}

  /** Subscribes to main's events first, then loads the first picture, so nothing is missed. */
  async start(): Promise<void> {
    const { api } = this;
    let pendingDeltas: StatusDelta[] | null = [];
    this.cleanups.push(
      api.on('status', (delta) => {
        if (pendingDeltas) pendingDeltas.push(delta);
        else this.status.applyDelta(delta);
      }),
      api.on('profiles', ({ profiles }) => this.profiles.set(profiles)),
      api.on('settings', (settings) => this.settings.set(settings)),
      api.on('prompt', (prompt) =>
        this.prompts.set([...this.prompts.get().filter((p) => p.id !== prompt.id), prompt]),
      ),
      api.on('prompt-closed', ({ id }) =>
        this.prompts.set(this.prompts.get().filter((p) => p.id !== id)),
      ),
      api.on('log', (entry) => this.appendLog(entry)),
    );
    const timer = setInterval(() => this.status.sample(), this.options.sampleEveryMs ?? 1000);
    this.cleanups.push(() => clearInterval(timer));

    const [profiles, snapshot, settings, info, prompts] = await Promise.all([
      api.call['profiles.list'](undefined),
      api.call['tunnels.snapshot'](undefined),
      api.call['settings.get'](undefined),
      api.call['app.info'](undefined),
      api.call['prompts.pending'](undefined),
    ]);
    if (snapshot.ok) this.status.applySnapshot(snapshot.value);
    for (const delta of pendingDeltas) this.status.applyDelta(delta);
    pendingDeltas = null;
    const failed = [profiles, snapshot, settings, info, prompts].find((r) => !r.ok);
    if (failed && !failed.ok) this.bridgeError.set(failed.error.message);
    if (profiles.ok) this.profiles.set(profiles.value);
    if (settings.ok) this.settings.set(settings.value);
    if (info.ok) this.info.set(info.value);
    if (prompts.ok) {
      const known = new Set(this.prompts.get().map((p) => p.id));
      this.prompts.set([...this.prompts.get(), ...prompts.value.filter((p) => !known.has(p.id))]);
    }
  }

  dispose(): void {
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }

  /**
   * Runs a command; a failure becomes a notice (unless `quiet`) and the result is still returned,
   * so a form can show field issues inline.
   */
  async run<K extends CommandName>(
    name: K,
    input: CommandInput<K>,
    options: { quiet?: boolean } = {},
  ): Promise<IpcResult<CommandOutput<K>>> {
    const call = this.api.call[name] as (
      input: CommandInput<K>,
    ) => Promise<IpcResult<CommandOutput<K>>>;
    const result = await call(input);
    if (!result.ok && !options.quiet) this.notify('error', describeError(result.error));
    return result;
  }

  notify(tone: Notice['tone'], text: string): void {
    const notice = { id: ++this.noticeId, tone, text };
    this.notices.set([...this.notices.get().slice(-4), notice]);
    const ms = this.options.noticeMs ?? (tone === 'error' ? 10_000 : 4000);
    setTimeout(() => this.dismiss(notice.id), ms);
  }

  dismiss(id: number): void {
    this.notices.set(this.notices.get().filter((n) => n.id !== id));
  }

  /** One profile's log: loaded from main the first time it is shown, then kept up by events. */
  log(profileId: string): Observable<LogEntry[] | null> {
    let log = this.logs.get(profileId);
    if (!log) {
      const observable = new Observable<LogEntry[] | null>(null);
      this.logs.set(profileId, (log = observable));
      void this.api.call['tunnels.log']({ profileId }).then((result) => {
        const loaded = result.ok ? result.value : [];
        // Events that arrived while loading are newer than anything main returned.
        const arrived = observable.get() ?? [];
        const last = loaded.at(-1)?.at ?? -Infinity;
        observable.set([...loaded, ...arrived.filter((e) => e.at >= last)].slice(-LOG_LIMIT));
      });
    }
    return log;
  }

  private appendLog(entry: LogEntry): void {
    const log = this.logs.get(entry.profileId);
    if (!log) return; // Not shown yet: main has it when the log is first opened.
    log.set([...(log.get() ?? []), entry].slice(-LOG_LIMIT));
  }
}

/** A failed command as one sentence for a notice. */
export function describeError(error: IpcError): string {
  return error.message;
}
