/** Exit codes the CLI promises in its usage text; scripts branch on them. */
export const EXIT = {
  ok: 0,
  /** Every profile stopped on an error retrying cannot fix. */
  failed: 1,
  /** Bad usage, bad profiles file, unknown profile: the command line or its input must change. */
  usage: 2,
  /** A bug in Burrow (sysexits.h EX_SOFTWARE). */
  internal: 70,
  /** Second Ctrl-C: quit without cleaning up (128 + SIGINT, as shells report it). */
  interrupted: 130,
} as const;

export type CommandName = 'up' | 'validate' | 'list' | 'export' | 'import' | 'import-ssh-config';

/**
 * A failure the user can fix, with the exit code it maps to. Thrown anywhere below the command
 * runner and printed there as plain lines, never as a stack trace.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    /** Further lines printed under the message (one per bad field, say). */
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Bad command line: printed with the usage text of the command it concerns. */
export class UsageError extends CliError {
  constructor(
    message: string,
    readonly topic?: CommandName,
  ) {
    super(message, EXIT.usage);
    this.name = 'UsageError';
  }
}
