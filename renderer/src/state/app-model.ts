import type {
  AppInfo,
  BurrowApi,
  CommandInput,
  CommandOutput,
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

/** A log entry with a number that stays its own while older lines scroll away (a stable key). */
export type LogLine = LogEntry & { seq: number };

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
  private readonly logs = new Map<string, Observable<LogLine[] | null>>();
  private readonly loadingLogs = new Map<string, LogEntry[]>();
  private readonly cleanups: (() => void)[] = [];
  private noticeId = 0;
  private logSeq = 0;

  constructor(
    readonly api: BurrowApi,
    private readonly options: { sampleEveryMs?: number; noticeMs?: number } = {},
  ) {}

  /**
   * Subscribes to main's events first, then loads the first picture. Each reply is applied the
   * moment it arrives (main answers and sends events over one ordered channel, so a later event
   * is newer). Status batches that came before the snapshot are sorted by their sequence number.
   */
  async start(): Promise<void> {
    const { api } = this;
    let early: StatusDelta[] | null = [];
    this.cleanups.push(
      api.on('status', (delta) => {
        if (early) early.push(delta);
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

    const load = async <T>(reply: Promise<IpcResult<T>>, apply: (value: T) => void) => {
      const result = await reply;
      if (result.ok) apply(result.value);
      else this.bridgeError.set(result.error.message);
    };
    await Promise.all([
      load(api.call['profiles.list'](undefined), (profiles) => this.profiles.set(profiles)),
      load(api.call['tunnels.snapshot'](undefined), (snapshot) => {
        this.status.applySnapshot(snapshot);
        // Batches sent before the picture was taken are older than it; later ones are newer.
        const after = (early ?? []).filter((d) => (d.seq ?? 0) > (snapshot.seq ?? Infinity));
        early = null;
        for (const delta of after) this.status.applyDelta(delta);
      }).finally(() => {
        // No picture (main failed to answer): live batches are still better than none.
        const buffered = early ?? [];
        early = null;
        for (const delta of buffered) this.status.applyDelta(delta);
      }),
      load(api.call['settings.get'](undefined), (settings) => this.settings.set(settings)),
      load(api.call['app.info'](undefined), (info) => this.info.set(info)),
      load(api.call['prompts.pending'](undefined), (prompts) => this.prompts.set(prompts)),
    ]);
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
    if (!result.ok && !options.quiet) this.notify('error', result.error.message);
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
  log(profileId: string): Observable<LogLine[] | null> {
    let log = this.logs.get(profileId);
    if (!log) {
      const observable = new Observable<LogLine[] | null>(null);
      this.logs.set(profileId, (log = observable));
      const arrived: LogEntry[] = [];
      this.loadingLogs.set(profileId, arrived);
      void this.api.call['tunnels.log']({ profileId }).then((result) => {
        this.loadingLogs.delete(profileId);
        const loaded = result.ok ? result.value : [];
        // Lines that arrived while loading may or may not be in the reply: add the ones that
        // are not (the same line twice in a row is kept as often as it happened).
        const unmatched = [...loaded];
        const extra = arrived.filter((entry) => {
          const i = unmatched.findIndex(
            (e) => e.at === entry.at && e.level === entry.level && e.message === entry.message,
          );
          if (i < 0) return true;
          unmatched.splice(i, 1);
          return false;
        });
        observable.set(
          [...loaded, ...extra].slice(-LOG_LIMIT).map((entry) => this.numbered(entry)),
        );
      });
    }
    return log;
  }

  private appendLog(entry: LogEntry): void {
    this.loadingLogs.get(entry.profileId)?.push(entry);
    const log = this.logs.get(entry.profileId);
    const lines = log?.get();
    // Not shown yet (main keeps it), or still loading (merged with the reply).
    if (!log || !lines) return;
    log.set([...lines, this.numbered(entry)].slice(-LOG_LIMIT));
  }

  private numbered(entry: LogEntry): LogLine {
    return { ...entry, seq: ++this.logSeq };
  }
}
