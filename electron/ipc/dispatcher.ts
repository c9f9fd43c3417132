import {
  COMMAND_NAMES,
  ERROR_KINDS,
  commands,
  formatPath,
  type CommandName,
  type CommandOutput,
  type IpcError,
  type IpcErrorKind,
  type IpcResult,
  type ParsedInput,
} from '../../shared';

/** One function per command, typed from the contract; what the service implements. */
export type CommandHandlers = {
  [K in CommandName]: (input: ParsedInput<K>) => Promise<CommandOutput<K>> | CommandOutput<K>;
};

export interface RequestContext {
  /** Whether the request came from Burrow's own top-level window (see sender.ts). */
  trustedSender: boolean;
}

export type Dispatch = (
  name: string,
  payload: unknown,
  context: RequestContext,
) => Promise<IpcResult<unknown>>;

const KNOWN_COMMANDS = new Set<string>(COMMAND_NAMES);
const REQUEST_KINDS: IpcErrorKind[] = [
  'invalid-input',
  'not-found',
  'conflict',
  'forbidden',
  'secure-storage-unavailable',
  'io',
];
const PASSABLE_KINDS = new Set<string>([...ERROR_KINDS, ...REQUEST_KINDS]);

/**
 * Turns the contract's handlers into the one entry point main wires to Electron's IPC. The
 * renderer is untrusted: a foreign sender, an unknown command or a payload that fails its schema
 * is answered with an error, and nothing a handler throws ever crosses the bridge as a throw.
 */
export function createDispatcher(
  handlers: CommandHandlers,
  options: { onInternalError?: (command: string, error: unknown) => void } = {},
): Dispatch {
  return async (name, payload, context) => {
    if (!context.trustedSender)
      return failure('forbidden', "This request did not come from Burrow's own window.");
    if (!KNOWN_COMMANDS.has(name))
      return failure('invalid-input', `There is no command "${String(name).slice(0, 100)}".`);
    const command = name as CommandName;
    const parsed = commands[command].input.safeParse(payload);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({
        path: formatPath(issue.path),
        message: issue.message,
      }));
      return {
        ok: false,
        error: {
          kind: 'invalid-input',
          message:
            `The request for ${command} is not valid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`.slice(
              0,
              2000,
            ),
          issues,
        },
      };
    }
    try {
      const handler = handlers[command] as (input: unknown) => unknown;
      return { ok: true, value: await handler(parsed.data) };
    } catch (err) {
      return { ok: false, error: toIpcError(command, err, options.onInternalError) };
    }
  };
}

function failure(kind: IpcErrorKind, message: string): IpcResult<never> {
  return { ok: false, error: { kind, message } };
}

/** Errors with a kind the renderer can act on pass through; anything else is an internal error. */
export function toIpcError(
  command: string,
  err: unknown,
  onInternalError?: (command: string, error: unknown) => void,
): IpcError {
  if (typeof err === 'object' && err !== null) {
    const { kind, message, issues } = err as {
      kind?: unknown;
      message?: unknown;
      issues?: unknown;
    };
    if (typeof kind === 'string' && PASSABLE_KINDS.has(kind) && typeof message === 'string') {
      const error: IpcError = { kind: kind as IpcErrorKind, message };
      if (Array.isArray(issues)) error.issues = issues as IpcError['issues'];
      return error;
    }
  }
  onInternalError?.(command, err);
  return {
    kind: 'internal',
    message: `Burrow could not finish ${command} because of an internal error. Details are in the log.`,
  };
}
