import { z } from 'zod';
import type { ErrorKind } from './errors';
import type { CommandName, EventName } from './ipc-names';
import { ForwardSchema, IdSchema, NewProfileSchema, ProfileSchema, type Profile } from './profile';
import type { ProfileFile } from './profile-file';
import type { HostKeyDecision, PromptRequest } from './prompt';
import { AppSettingsPatchSchema, type AppSettings } from './settings';
import type { EngineSnapshot, LogEntry, StatusDelta } from './status';

/**
 * The one IPC contract (DESIGN.md section 4): every command's input schema and output type, and
 * every event's payload. Main parses each input with its schema; the preload bridge, the main
 * handlers and the renderer client are all typed from this file.
 */

// ---- what crosses the bridge besides profiles -------------------------------------------------

/** Kinds of a failed command: the engine's error kinds, plus what only a request can get wrong. */
export type IpcErrorKind =
  | ErrorKind
  | 'invalid-input'
  | 'not-found'
  | 'conflict'
  | 'forbidden'
  | 'secure-storage-unavailable'
  /** The file system refused (permissions, disk full). */
  | 'io'
  | 'internal';

export interface IpcError {
  kind: IpcErrorKind;
  message: string;
  /** Field-level problems, for inline messages in a form. */
  issues?: { path: string; message: string }[];
}

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

export type SecureStorageStatus = { available: true } | { available: false; reason: string };

/** Something that went wrong when the store was opened, shown to the user once. */
export interface StoreIssueView {
  kind: string;
  message: string;
  backupPath?: string;
  details?: string[];
}

export interface AppInfo {
  version: string;
  platform: string;
  storePath: string;
  secureStorage: SecureStorageStatus;
  storeIssues: StoreIssueView[];
}

/** A saved secret, described without its value: the renderer never sees one. */
export interface SavedSecretView {
  kind: 'password' | 'passphrase';
  target: string;
}

export interface PendingPrompt {
  id: string;
  request: PromptRequest;
  /** Whether a "remember" choice can be offered (secure storage works, and it is a secret). */
  canRemember: boolean;
}

export type ImportAction = 'add' | 'replace' | 'identical' | 'name-conflict';
export type ImportChoice = 'add' | 'replace' | 'skip' | 'keep-both';

export type ImportPreviewView =
  | { ok: false; errors: string[] }
  | {
      ok: true;
      previewId: string;
      items: { profile: Profile; action: ImportAction; existingId?: string }[];
    };

export interface SshConfigPreviewView {
  previewId: string;
  path: string;
  hosts: { alias: string; profile: Profile | null; warnings: string[]; alreadySaved: boolean }[];
  warnings: string[];
}

// ---- commands ---------------------------------------------------------------------------------

interface CommandSpec<I extends z.ZodType, O> {
  input: I;
  /** Never read at run time: carries the output type. */
  output?: O;
}

function command<O>() {
  return <I extends z.ZodType>(input: I): CommandSpec<I, O> => ({ input });
}

const NoInput = z.undefined();
const ProfileRef = z.strictObject({ profileId: IdSchema });
const ForwardRef = z.strictObject({ profileId: IdSchema, forwardId: IdSchema });
const Ids = z.array(IdSchema).max(10_000);
const PromptAnswerSchema = z.union([
  z.enum(['accept-once', 'accept-save', 'reject']),
  z.string().max(10_000),
  z.array(z.string().max(10_000)).max(50),
  z.null(),
]);

export const commands = {
  'app.info': command<AppInfo>()(NoInput),

  'profiles.list': command<Profile[]>()(NoInput),
  'profiles.create': command<Profile>()(z.strictObject({ profile: NewProfileSchema })),
  'profiles.update': command<Profile>()(z.strictObject({ profile: ProfileSchema })),
  'profiles.duplicate': command<Profile>()(ProfileRef),
  'profiles.delete': command<void>()(ProfileRef),
  'profiles.reorder': command<void>()(z.strictObject({ ids: Ids })),

  'forwards.add': command<Profile>()(
    z.strictObject({ profileId: IdSchema, forward: ForwardSchema }),
  ),
  'forwards.update': command<Profile>()(
    z.strictObject({ profileId: IdSchema, forward: ForwardSchema }),
  ),
  'forwards.delete': command<Profile>()(ForwardRef),
  'forwards.reorder': command<Profile>()(z.strictObject({ profileId: IdSchema, ids: Ids })),

  'tunnels.snapshot': command<EngineSnapshot>()(NoInput),
  'tunnels.start': command<void>()(ProfileRef),
  'tunnels.stop': command<void>()(ProfileRef),
  'tunnels.startForward': command<void>()(ForwardRef),
  'tunnels.stopForward': command<void>()(ForwardRef),
  'tunnels.startGroup': command<void>()(z.strictObject({ group: z.string().max(100) })),
  'tunnels.stopGroup': command<void>()(z.strictObject({ group: z.string().max(100) })),
  'tunnels.startAll': command<void>()(NoInput),
  'tunnels.stopAll': command<void>()(NoInput),
  'tunnels.log': command<LogEntry[]>()(ProfileRef),

  'prompts.pending': command<PendingPrompt[]>()(NoInput),
  'prompts.answer': command<void>()(
    z.strictObject({
      id: z.string().min(1).max(100),
      answer: PromptAnswerSchema,
      remember: z.boolean().optional(),
    }),
  ),

  'secrets.list': command<SavedSecretView[]>()(ProfileRef),
  'secrets.delete': command<void>()(
    z.strictObject({
      profileId: IdSchema,
      kind: z.enum(['password', 'passphrase']),
      target: z.string().min(1).max(1000),
    }),
  ),

  /** Where the file went and how many profiles it holds (with the jump hosts they need). */
  'transfer.exportToFile': command<{ path: string; count: number } | null>()(
    z.strictObject({ ids: Ids.optional() }),
  ),
  'transfer.previewImportFile': command<ImportPreviewView | null>()(NoInput),
  'transfer.previewImportText': command<ImportPreviewView>()(
    z.strictObject({ text: z.string().max(10_000_000) }),
  ),
  'transfer.applyImport': command<Profile[]>()(
    z.strictObject({
      previewId: z.string().min(1).max(100),
      choices: z.record(IdSchema, z.enum(['add', 'replace', 'skip', 'keep-both'])),
    }),
  ),
  'transfer.previewSshConfig': command<SshConfigPreviewView>()(NoInput),
  'transfer.applySshConfig': command<Profile[]>()(
    z.strictObject({
      previewId: z.string().min(1).max(100),
      aliases: z.array(z.string().max(255)).max(10_000),
    }),
  ),

  'settings.get': command<AppSettings>()(NoInput),
  'settings.update': command<AppSettings>()(z.strictObject({ settings: AppSettingsPatchSchema })),
} satisfies Record<CommandName, CommandSpec<z.ZodType, unknown>>;

type Commands = typeof commands;
// Both ways: no name in ipc-names.ts without a spec here (satisfies above), and no spec here
// without a name there (this line fails to compile if one is added).
const _everySpecIsNamed: Record<keyof Commands, true> = {} as Record<CommandName, true>;
void _everySpecIsNamed;

export type CommandInput<K extends CommandName> = z.input<Commands[K]['input']>;
export type ParsedInput<K extends CommandName> = z.output<Commands[K]['input']>;
export type CommandOutput<K extends CommandName> = Exclude<Commands[K]['output'], undefined>;

// ---- events -----------------------------------------------------------------------------------

export interface EventPayloads {
  /** Coalesced tunnel state (at most ~10 a second). */
  status: StatusDelta;
  log: LogEntry;
  /** A question from the engine for the user; answer with prompts.answer. */
  prompt: PendingPrompt;
  /** A question that no longer needs an answer (answered elsewhere, or its profile stopped). */
  'prompt-closed': { id: string };
  /** The saved profiles changed (by this window, the CLI or an import). */
  profiles: { profiles: Profile[] };
  settings: AppSettings;
}

const _everyEventHasPayload: Record<EventName, true> = {} as Record<keyof EventPayloads, true>;
void _everyEventHasPayload;

// ---- the API the renderer sees ---------------------------------------------------------------

/** `window.burrow` in the app (and the WebSocket client in the web development mode). */
export interface BurrowApi {
  call: { [K in CommandName]: (input: CommandInput<K>) => Promise<IpcResult<CommandOutput<K>>> };
  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void;
}

export type { HostKeyDecision, ProfileFile };
