import { randomUUID } from 'node:crypto';
import {
  makeProfileFile,
  NewProfileSchema,
  type AppInfo,
  type AppSettings,
  type ImportPreviewView,
  type Profile,
  type PromptHandler,
  type PromptRequest,
  type SshConfigPreviewView,
} from '../../shared';
import type { TunnelEngine } from '../engine/api';
import type { CommandHandlers } from '../ipc/dispatcher';
import {
  applyImport,
  exportProfiles,
  previewImport,
  secretRefFor,
  StoreError,
  withSavedSecrets,
  type ImportPreview,
  type ProfileRepository,
  type SecretStore,
  type SettingsStore,
} from '../store';
import type { SshConfigImport } from '../store/ssh-config';
import type { EventSink } from './events';
import { LogBook } from './log-book';
import { PromptBroker } from './prompt-broker';

/** Files the user picks: a native dialog in the app, something else in tests or web mode. */
export interface FileDialogs {
  /** Asks where to save `text`; resolves with the path written, or null if cancelled. */
  saveText(suggestedName: string, text: string): Promise<string | null>;
  /** Asks for a file to read; null if cancelled. */
  openText(): Promise<{ path: string; text: string } | null>;
}

export interface ServiceDeps {
  repo: ProfileRepository;
  secrets: SecretStore;
  settings: SettingsStore;
  events: EventSink;
  dialogs: FileDialogs;
  /** Builds the engine around the service's prompt handler (which routes questions to the UI). */
  createEngine(options: {
    prompt: PromptHandler;
    resolveProfile: (id: string) => Profile | undefined;
  }): TunnelEngine;
  readSshConfig(): Promise<SshConfigImport>;
  info: { version: string; platform: string; storePath: string };
}

/**
 * Everything the window can ask for, over the store, the secrets and the engine, as the IPC
 * contract's handlers. Electron-free: the app's main process and the web development mode both
 * serve it; tests drive it through the dispatcher.
 */
export class BurrowService {
  readonly engine: TunnelEngine;
  readonly prompts: PromptBroker;
  readonly handlers: CommandHandlers;
  private readonly logs = new LogBook();
  private readonly importPreviews = new Map<string, ImportPreview & { ok: true }>();
  private readonly sshPreviews = new Map<string, SshConfigImport>();
  private readonly subscriptions: (() => void)[] = [];
  private readonly settingsListeners = new Set<(settings: AppSettings) => void>();

  constructor(private readonly deps: ServiceDeps) {
    const { repo, secrets, events } = deps;
    this.prompts = new PromptBroker(events, {
      canRemember: (request) => secrets.status().available && secretRefFor(request) !== undefined,
      remember: (request, secret) => this.remember(request, secret),
    });
    this.engine = deps.createEngine({
      prompt: withSavedSecrets(this.prompts.handler, secrets),
      resolveProfile: (id) => repo.get(id),
    });
    const status = this.engine.onDidChangeStatus((delta) => events.send('status', delta));
    const log = this.engine.onDidLog((entry) => {
      this.logs.add(entry);
      events.send('log', entry);
    });
    this.subscriptions.push(
      () => status.dispose(),
      () => log.dispose(),
      repo.onDidChange(() => events.send('profiles', { profiles: repo.list() })),
    );
    this.handlers = this.createHandlers();
  }

  /** The saved profiles, in the user's order (for the tray and auto-start in main). */
  profiles(): Profile[] {
    return this.deps.repo.list();
  }

  /** Main rebuilds the tray when saved profiles change (here, in the CLI, by an import). */
  onDidChangeProfiles(listener: () => void): () => void {
    return this.deps.repo.onDidChange(listener);
  }

  /** Main reacts to settings the window changes (open at login, close to tray). */
  onDidChangeSettings(listener: (settings: AppSettings) => void): () => void {
    this.settingsListeners.add(listener);
    return () => this.settingsListeners.delete(listener);
  }

  /** Stops every tunnel (releasing every port) and answers open questions with "cancel". */
  async dispose(): Promise<void> {
    this.prompts.cancelAll();
    for (const unsubscribe of this.subscriptions) unsubscribe();
    await this.engine.dispose();
  }

  private createHandlers(): CommandHandlers {
    const { repo, secrets, dialogs } = this.deps;
    return {
      'app.info': (): AppInfo => ({
        ...this.deps.info,
        secureStorage: secrets.status(),
        storeIssues: repo.loadIssues(),
      }),

      'profiles.list': () => repo.list(),
      'profiles.create': ({ profile }) => repo.create(profile),
      'profiles.update': async ({ profile }) => this.applyToEngine(repo.update(profile)),
      'profiles.duplicate': ({ profileId }) => repo.duplicate(profileId),
      'profiles.delete': async ({ profileId }) => {
        const profile = this.requireProfile(profileId);
        // Refused deletes must not stop the tunnel first (the store would refuse too, later).
        const users = repo
          .list()
          .filter((p) => p.jumpHosts.some((h) => 'profileId' in h && h.profileId === profileId));
        if (users.length)
          throw new StoreError(
            'conflict',
            `"${profile.name}" is the jump host of ${users.map((p) => `"${p.name}"`).join(', ')}; change those first.`,
          );
        await this.engine.stop(profileId);
        repo.delete(profileId);
        this.logs.forget(profileId);
      },
      'profiles.reorder': ({ ids }) => repo.reorder(ids),

      'forwards.add': async ({ profileId, forward }) => {
        repo.addForward(profileId, forward);
        return this.applyToEngine(this.requireProfile(profileId));
      },
      'forwards.update': async ({ profileId, forward }) => {
        repo.updateForward(profileId, forward);
        return this.applyToEngine(this.requireProfile(profileId));
      },
      'forwards.delete': async ({ profileId, forwardId }) => {
        repo.deleteForward(profileId, forwardId);
        return this.applyToEngine(this.requireProfile(profileId));
      },
      'forwards.reorder': ({ profileId, ids }) => {
        repo.reorderForwards(profileId, ids);
        return this.requireProfile(profileId);
      },

      'tunnels.snapshot': () => this.engine.snapshot(),
      'tunnels.start': ({ profileId }) => this.engine.start(this.requireProfile(profileId)),
      'tunnels.stop': ({ profileId }) => this.engine.stop(profileId),
      'tunnels.startForward': async ({ profileId, forwardId }) => {
        const profile = this.requireProfile(profileId);
        if (!profile.forwards.some((f) => f.id === forwardId))
          throw new StoreError(
            'not-found',
            `Profile "${profile.name}" has no forward "${forwardId}".`,
          );
        if (this.isRunning(profileId)) return this.engine.startForward(profileId, forwardId);
        // A stopped (or failed) profile starts with just this forward: the user asked for one
        // tunnel. Later edits of the profile keep it that way (the engine keeps the choice).
        return this.engine.start(profile, { onlyForwards: [forwardId] });
      },
      'tunnels.stopForward': async ({ profileId, forwardId }) => {
        if (this.isRunning(profileId)) await this.engine.stopForward(profileId, forwardId);
      },
      'tunnels.startGroup': async ({ group }) => {
        await Promise.all(
          repo
            .list()
            .filter((p) => p.group === group)
            .map((p) => this.engine.start(p)),
        );
      },
      'tunnels.stopGroup': async ({ group }) => {
        await Promise.all(
          repo
            .list()
            .filter((p) => p.group === group)
            .map((p) => this.engine.stop(p.id)),
        );
      },
      'tunnels.startAll': async () => {
        await Promise.all(repo.list().map((p) => this.engine.start(p)));
      },
      'tunnels.stopAll': async () => {
        await Promise.all(
          Object.keys(this.engine.snapshot().profiles).map((id) => this.engine.stop(id)),
        );
      },
      'tunnels.log': ({ profileId }) => this.logs.of(profileId),

      'prompts.pending': () => this.prompts.pending(),
      'prompts.answer': ({ id, answer, remember }) => this.prompts.answer(id, answer, remember),

      'secrets.list': ({ profileId }) => secrets.list(profileId),
      'secrets.delete': ({ profileId, kind, target }) =>
        secrets.delete({ profileId, kind, target }),

      'transfer.exportToFile': async ({ ids }) => {
        const file = exportProfiles(repo, ids);
        const text = `${JSON.stringify(file, null, 2)}\n`;
        const path = await dialogs.saveText('burrow-profiles.json', text);
        return path === null ? null : { path, count: file.profiles.length };
      },
      'transfer.previewImportFile': async () => {
        const file = await dialogs.openText();
        return file === null ? null : this.previewImportText(file.text);
      },
      'transfer.previewImportText': ({ text }) => this.previewImportText(text),
      'transfer.applyImport': ({ previewId, choices }) => {
        const preview = this.importPreviews.get(previewId);
        if (!preview)
          throw new StoreError(
            'not-found',
            'That import preview has expired; open the file again.',
          );
        applyImport(repo, preview, choices);
        this.importPreviews.delete(previewId);
        return repo.list();
      },
      'transfer.previewSshConfig': async () =>
        this.previewSshConfig(await this.deps.readSshConfig()),
      'transfer.applySshConfig': ({ previewId, aliases }) =>
        this.applySshConfig(previewId, aliases),

      'settings.get': () => this.deps.settings.get(),
      'settings.update': ({ settings }) => {
        const updated = this.deps.settings.update(settings);
        this.deps.events.send('settings', updated);
        this.settingsListeners.forEach((listener) => listener(updated));
        return updated;
      },
    };
  }

  private previewImportText(text: string): ImportPreviewView {
    const preview = previewImport(this.deps.repo, text);
    if (!preview.ok) return preview;
    const previewId = randomUUID();
    // Only the latest preview is kept: a window that keeps opening files cannot grow memory.
    this.importPreviews.clear();
    this.importPreviews.set(previewId, preview);
    return { ok: true, previewId, items: preview.items };
  }

  private previewSshConfig(config: SshConfigImport): SshConfigPreviewView {
    const previewId = randomUUID();
    this.sshPreviews.clear();
    this.sshPreviews.set(previewId, config);
    const saved = this.deps.repo.list();
    return {
      previewId,
      path: config.hosts[0]?.source.file ?? '~/.ssh/config',
      warnings: config.warnings,
      hosts: config.hosts.map((host) => {
        const parsed = NewProfileSchema.safeParse(host.profile);
        const profile = parsed.success
          ? ({ ...parsed.data, id: parsed.data.id ?? host.alias } as Profile)
          : null;
        return {
          alias: host.alias,
          profile,
          warnings: parsed.success
            ? host.warnings
            : [...host.warnings, 'Some of its settings are not valid for Burrow.'],
          alreadySaved: saved.some(
            (p) => p.name.toLowerCase() === host.alias.toLowerCase() || p.id === profile?.id,
          ),
        };
      }),
    };
  }

  /** Imports the chosen hosts through the same checked, all-or-nothing path as a file import. */
  private applySshConfig(previewId: string, aliases: string[]): Profile[] {
    const config = this.sshPreviews.get(previewId);
    if (!config)
      throw new StoreError('not-found', 'That ~/.ssh/config preview has expired; read it again.');
    const chosen = config.hosts.filter((h) => aliases.includes(h.alias));
    const file = makeProfileFile(chosen.map((h) => h.profile as Profile));
    const preview = previewImport(this.deps.repo, JSON.stringify(file));
    if (!preview.ok)
      throw new StoreError(
        'invalid-config',
        `These hosts cannot be imported: ${preview.errors.join('; ')}`,
      );
    // The user ticked these hosts: anything that clashes is added beside what is saved.
    const choices = Object.fromEntries(
      preview.items.map(
        (item) => [item.profile.id, item.action === 'add' ? 'add' : 'keep-both'] as const,
      ),
    );
    applyImport(this.deps.repo, preview, choices);
    this.sshPreviews.delete(previewId);
    return this.deps.repo.list();
  }

  private remember(request: PromptRequest, secret: string): void {
    const ref = secretRefFor(request);
    if (ref) this.deps.secrets.set(ref, secret);
  }

  private requireProfile(profileId: string): Profile {
    const profile = this.deps.repo.get(profileId);
    if (!profile) throw new StoreError('not-found', `There is no saved profile "${profileId}".`);
    return profile;
  }

  /** A session that is on (connected or trying); a failed one runs nothing. */
  private isRunning(profileId: string): boolean {
    const state = this.engine.snapshot().profiles[profileId]?.session.state;
    return state !== undefined && state !== 'stopped' && state !== 'error';
  }

  /** A saved edit reaches a running tunnel at once (added, removed or changed forwards). */
  private async applyToEngine(profile: Profile): Promise<Profile> {
    if (this.isRunning(profile.id)) await this.engine.update(profile);
    return profile;
  }
}
