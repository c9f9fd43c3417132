import { parseArgs as parseNodeArgs } from 'node:util';
import { UsageError, type CommandName } from './cli-error';

export interface UpCommand {
  name: 'up';
  /** Profiles file; without it, the app's saved profiles (the store) are used. */
  file?: string;
  /** The store's folder (default: the app's, or BURROW_STORE_DIR). */
  store?: string;
  /** Ids or names chosen with --profile; empty means every profile. */
  profiles: string[];
  knownHosts?: string;
  acceptNewHostKeys: boolean;
  json: boolean;
}

export interface ValidateCommand {
  name: 'validate';
  file: string;
  json: boolean;
}

export type ConflictChoice = 'skip' | 'replace' | 'keep-both';

export interface ListCommand {
  name: 'list';
  store?: string;
  json: boolean;
}

export interface ExportCommand {
  name: 'export';
  store?: string;
  profiles: string[];
  /** Where to write; standard output when absent. */
  out?: string;
}

export interface ImportCommand {
  name: 'import';
  store?: string;
  file: string;
  onConflict: ConflictChoice;
  dryRun: boolean;
}

export interface ImportSshConfigCommand {
  name: 'import-ssh-config';
  store?: string;
  /** ssh_config file; default ~/.ssh/config. */
  sshConfig?: string;
  /** Host aliases to import; all when empty. */
  hosts: string[];
  onConflict: ConflictChoice;
  dryRun: boolean;
}

export interface HelpCommand {
  name: 'help';
  topic?: CommandName;
}

export interface VersionCommand {
  name: 'version';
}

export type Command =
  | UpCommand
  | ValidateCommand
  | ListCommand
  | ExportCommand
  | ImportCommand
  | ImportSshConfigCommand
  | HelpCommand
  | VersionCommand;

const OPTIONS = {
  file: { type: 'string', short: 'f' },
  profile: { type: 'string', short: 'p', multiple: true },
  'known-hosts': { type: 'string' },
  'accept-new-host-keys': { type: 'boolean' },
  json: { type: 'boolean' },
  store: { type: 'string' },
  out: { type: 'string', short: 'o' },
  'on-conflict': { type: 'string' },
  'dry-run': { type: 'boolean' },
  'ssh-config': { type: 'string' },
  host: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

type OptionName = keyof typeof OPTIONS;

/** Which options each command takes; anything else is a usage error rather than ignored. */
const ALLOWED: Record<CommandName, readonly OptionName[]> = {
  up: ['file', 'store', 'profile', 'known-hosts', 'accept-new-host-keys', 'json', 'help'],
  validate: ['file', 'json', 'help'],
  list: ['store', 'json', 'help'],
  export: ['store', 'profile', 'out', 'help'],
  import: ['store', 'file', 'on-conflict', 'dry-run', 'help'],
  'import-ssh-config': ['store', 'ssh-config', 'host', 'on-conflict', 'dry-run', 'help'],
};

const COMMAND_NAMES: readonly CommandName[] = [
  'up',
  'validate',
  'list',
  'export',
  'import',
  'import-ssh-config',
];
const COMMANDS: readonly string[] = [...COMMAND_NAMES, 'help'];

export function isCommandName(word: string | undefined): word is CommandName {
  return COMMAND_NAMES.includes(word as CommandName);
}

/** Turns argv (without node and script) into one command, or throws UsageError. */
export function parseCommandLine(argv: readonly string[]): Command {
  const { values, positionals } = parseRaw(argv);
  const [word, ...rest] = positionals;

  if (word !== undefined && !COMMANDS.includes(word)) {
    throw new UsageError(`unknown command "${word}"`);
  }
  if (word === 'help' || word === undefined) {
    if (word === undefined && values.version) return { name: 'version' };
    if (word === undefined && !values.help) throw new UsageError('missing command');
    const topic = word === 'help' ? rest.shift() : undefined;
    if (topic !== undefined && !isCommandName(topic)) {
      throw new UsageError(`unknown command "${topic}"`);
    }
    if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
    return topic ? { name: 'help', topic } : { name: 'help' };
  }

  const name = word as CommandName;
  if (values.help) return { name: 'help', topic: name };
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`, name);
  for (const option of Object.keys(values) as OptionName[]) {
    if (!ALLOWED[name].includes(option)) {
      throw new UsageError(`--${option} is not an option of "burrow ${name}"`, name);
    }
  }
  const file = nonEmpty(values.file, '--file', name);
  const json = values.json ?? false;
  const store = nonEmpty(values.store, '--store', name);
  const withStore = store !== undefined ? { store } : {};
  const profiles = (values.profile ?? []).map((p) => nonEmpty(p, '--profile', name) as string);

  switch (name) {
    case 'validate':
      if (file === undefined) throw new UsageError('--file is required', name);
      return { name, file, json };
    case 'list':
      return { name, ...withStore, json };
    case 'export': {
      const out = nonEmpty(values.out, '--out', name);
      return { name, ...withStore, profiles, ...(out !== undefined && { out }) };
    }
    case 'import':
      if (file === undefined) throw new UsageError('--file is required', name);
      return {
        name,
        ...withStore,
        file,
        onConflict: conflictChoice(values['on-conflict'], name),
        dryRun: values['dry-run'] ?? false,
      };
    case 'import-ssh-config': {
      const sshConfig = nonEmpty(values['ssh-config'], '--ssh-config', name);
      return {
        name,
        ...withStore,
        ...(sshConfig !== undefined && { sshConfig }),
        hosts: (values.host ?? []).map((h) => nonEmpty(h, '--host', name) as string),
        onConflict: conflictChoice(values['on-conflict'], name),
        dryRun: values['dry-run'] ?? false,
      };
    }
    case 'up':
      break;
  }
  const knownHosts = nonEmpty(values['known-hosts'], '--known-hosts', name);
  return {
    name,
    ...(file !== undefined && { file }),
    ...withStore,
    profiles,
    ...(knownHosts !== undefined && { knownHosts }),
    acceptNewHostKeys: values['accept-new-host-keys'] ?? false,
    json,
  };
}

function parseRaw(argv: readonly string[]) {
  try {
    return parseNodeArgs({
      args: [...argv],
      options: OPTIONS,
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    // Node's messages end in advice about "--" that does not apply here; the first sentence is
    // the useful part ("Unknown option '--nope'").
    const message = err instanceof Error ? err.message : String(err);
    throw new UsageError(message.split('. ')[0]!.replace(/\.$/, ''), commandIn(argv));
  }
}

function commandIn(argv: readonly string[]): CommandName | undefined {
  const word = argv.find((a) => !a.startsWith('-'));
  return isCommandName(word) ? word : undefined;
}

function conflictChoice(value: string | undefined, topic: CommandName): ConflictChoice {
  if (value === undefined) return 'skip';
  if (value === 'skip' || value === 'replace' || value === 'keep-both') return value;
  throw new UsageError(`--on-conflict must be skip, replace or keep-both, not "${value}"`, topic);
}

function nonEmpty(
  value: string | undefined,
  option: string,
  topic: CommandName,
): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new UsageError(`${option} needs a value`, topic);
  return value;
}
