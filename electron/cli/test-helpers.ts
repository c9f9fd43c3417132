// Fakes for the CLI's unit tests (not bundled: only *.test.ts files import this).
import { PassThrough } from 'node:stream';
import {
  ProfileSchema,
  zeroCounters,
  type EngineSnapshot,
  type ForwardStatus,
  type Profile,
  type ProfileInput,
  type ProfileStatus,
  type PromptHandler,
  type StatusDelta,
} from '../../shared';
import type { Disposable, EngineOptions, LogEntry, TunnelEngine } from '../engine/api';
import type { CliIo, OutputStream } from './io';

export function profile(input: Partial<ProfileInput> & { id: string }): Profile {
  return ProfileSchema.parse({ name: input.id, host: 'ssh.example', username: 'alice', ...input });
}

export function forwardStatus(
  forwardId: string,
  state: ForwardStatus['state'] = { state: 'stopped' },
  extra: Partial<ForwardStatus> = {},
): ForwardStatus {
  return { forwardId, state, counters: zeroCounters(), ...extra };
}

export function profileStatus(
  profileId: string,
  session: ProfileStatus['session'],
  forwards: ForwardStatus[] = [],
): ProfileStatus {
  return {
    profileId,
    session,
    forwards: Object.fromEntries(forwards.map((f) => [f.forwardId, f])),
  };
}

export class CapturedOutput implements OutputStream {
  text = '';
  constructor(
    public isTTY = false,
    public columns?: number,
  ) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
  lines(): string[] {
    return this.text.split('\n').filter((l) => l !== '');
  }
  json(): Record<string, unknown>[] {
    return this.lines().map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

export function fakeIo(env: Record<string, string | undefined> = {}, tty = false) {
  const stdout = new CapturedOutput(tty, 100);
  const stderr = new CapturedOutput(tty, 100);
  const stdin = Object.assign(new PassThrough(), { isTTY: tty });
  const io: CliIo = { stdout, stderr, stdin, env };
  return { io, stdout, stderr };
}

/** A scriptable engine: tests decide what `start` does and push statuses by hand. */
export class FakeEngine implements TunnelEngine {
  readonly statuses = new Map<string, ProfileStatus>();
  readonly started: Profile[] = [];
  disposed = false;
  private readonly listeners = new Set<(delta: StatusDelta) => void>();
  private readonly logListeners = new Set<(entry: LogEntry) => void>();
  /** What start does; by default the session connects. */
  onStart: (profile: Profile, engine: FakeEngine) => Promise<void> | void = (p, engine) =>
    engine.push(profileStatus(p.id, { state: 'connected' }));

  constructor(readonly options: EngineOptions) {}

  get prompt(): PromptHandler {
    return this.options.prompt;
  }

  /** Changes a profile's status and tells listeners, as the engine's coalesced batch would. */
  push(...statuses: ProfileStatus[]): void {
    for (const s of statuses) this.statuses.set(s.profileId, s);
    for (const l of this.listeners) l({ changed: statuses, removed: [] });
  }

  /** Changes a status without telling anyone yet (a batch still inside the coalescing window). */
  set(status: ProfileStatus): void {
    this.statuses.set(status.profileId, status);
  }

  log(entry: LogEntry): void {
    for (const l of this.logListeners) l(entry);
  }

  async start(profile: Profile): Promise<void> {
    this.started.push(profile);
    await this.onStart(profile, this);
  }
  async stop(): Promise<void> {}
  async startForward(): Promise<void> {}
  async stopForward(): Promise<void> {}
  async update(): Promise<void> {}
  reconnectNow(): void {}
  snapshot(): EngineSnapshot {
    return { profiles: Object.fromEntries(this.statuses) };
  }
  onDidChangeStatus(listener: (delta: StatusDelta) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
  onDidLog(listener: (entry: LogEntry) => void): Disposable {
    this.logListeners.add(listener);
    return { dispose: () => this.logListeners.delete(listener) };
  }
  async dispose(): Promise<void> {
    this.disposed = true;
    for (const [id, s] of this.statuses) {
      this.statuses.set(id, { ...s, session: { state: 'stopped' } });
    }
  }
}
