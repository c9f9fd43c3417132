import { homedir } from 'node:os';
import { runCli } from './cli';
import { EXIT } from './cli-error';
import { createEngine } from './create-engine';
import { onShutdownSignal } from './signals';

/** The bundle's entry (dist/cli/burrow.mjs, loaded by bin/burrow): wires runCli to the process. */
function main(): void {
  const debug = process.env.BURROW_DEBUG === '1';
  if (debug) process.setSourceMapsEnabled(true);
  process.on('uncaughtException', internalError);
  process.on('unhandledRejection', internalError);
  // A reader that goes away (`burrow up --json | head -1`) is not a crash; it ends the run below.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') internalError(err);
  });

  runCli(process.argv.slice(2), {
    io: { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env },
    createEngine,
    onShutdownSignal: (listener) => {
      const onStdoutError = (err: NodeJS.ErrnoException) => {
        if (err.code === 'EPIPE') listener();
      };
      process.stdout.on('error', onStdoutError);
      const off = onShutdownSignal(listener);
      return () => {
        off();
        process.stdout.off('error', onStdoutError);
      };
    },
    homedir: homedir(),
  }).then(exit, internalError);
}

/** Exits once stdout and stderr are flushed (pipes are asynchronous on macOS). */
function exit(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
  // Should a stream never call back, the exit still happens.
  setTimeout(() => process.exit(code), 1000).unref();
}

let failed = false;

/** A bug, not a user error: one line (the stack only with BURROW_DEBUG=1) and exit 70. */
function internalError(err: unknown): void {
  if (failed) return;
  failed = true;
  // One line: some messages (module resolution's "Require stack") run on for many.
  const message = (err instanceof Error ? err.message : String(err)).split('\n')[0];
  process.stderr.write(`burrow: internal error: ${message}\n`);
  if (process.env.BURROW_DEBUG === '1' && err instanceof Error && err.stack) {
    process.stderr.write(`${err.stack}\n`);
  }
  process.exit(EXIT.internal);
}

main();
