import { parseArgs as parseNodeArgs } from 'node:util';
import { UsageError, type CommandName } from './cli-error';

export interface UpCommand {
  name: 'up';
  /** Profiles file; absent once a store-backed source exists (see profile-source.ts). */
  file?: string;
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

export interface HelpCommand {
  name: 'help';
  topic?: CommandName;
}

export interface VersionCommand {
  name: 'version';
}

export type Command = UpCommand | ValidateCommand | HelpCommand | VersionCommand;

const OPTIONS = {
  file: { type: 'string', short: 'f' },
  profile: { type: 'string', short: 'p', multiple: true },
  'known-hosts': { type: 'string' },
  'accept-new-host-keys': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

type OptionName = keyof typeof OPTIONS;

/** Which options each command takes; anything else is a usage error rather than ignored. */
const ALLOWED: Record<CommandName, readonly OptionName[]> = {
  up: ['file', 'profile', 'known-hosts', 'accept-new-host-keys', 'json', 'help'],
  validate: ['file', 'json', 'help'],
};

const COMMANDS: readonly string[] = ['up', 'validate', 'help'];

export function isCommandName(word: string | undefined): word is CommandName {
  return word === 'up' || word === 'validate';
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

  if (name === 'validate') {
    if (file === undefined) throw new UsageError('--file is required', name);
    return { name, file, json };
  }
  const knownHosts = nonEmpty(values['known-hosts'], '--known-hosts', name);
  return {
    name,
    ...(file !== undefined && { file }),
    profiles: (values.profile ?? []).map((p) => nonEmpty(p, '--profile', name) as string),
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

function nonEmpty(
  value: string | undefined,
  option: string,
  topic: CommandName,
): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new UsageError(`${option} needs a value`, topic);
  return value;
}
