import { parseCommandLine } from './args';
import { CliError, EXIT, UsageError } from './cli-error';
import { runExport, runImport, runImportSshConfig, runList } from './store-commands';
import { runUp, type UpDeps } from './up';
import { usage } from './usage';
import { runValidate } from './validate';
import { BURROW_VERSION } from './version';

export type CliDeps = UpDeps;

/**
 * Runs one command line and resolves with the exit code. Problems the user can fix become a
 * message and code 2 (or 1); anything else is rethrown for main to report as an internal error.
 */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  const { io } = deps;
  try {
    const command = parseCommandLine(argv);
    switch (command.name) {
      case 'help':
        io.stdout.write(usage(command.topic));
        return EXIT.ok;
      case 'version':
        io.stdout.write(`burrow ${BURROW_VERSION}\n`);
        return EXIT.ok;
      case 'validate':
        return await runValidate(command, io);
      case 'up':
        return await runUp(command, deps);
      case 'list':
        return await runList(command, io);
      case 'export':
        return await runExport(command, io);
      case 'import':
        return await runImport(command, io);
      case 'import-ssh-config':
        return await runImportSshConfig(command, io);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`burrow: ${err.message}\n\n${usage(err.topic)}`);
      return err.exitCode;
    }
    if (err instanceof CliError) {
      io.stderr.write(
        [`burrow: ${err.message}`, ...err.details.map((d) => `  ${d}`)].join('\n') + '\n',
      );
      return err.exitCode;
    }
    throw err;
  }
}
