import type { Disposable, EngineOptions, TunnelEngine } from '../engine/api';
import type { UpCommand } from './args';
import { CliError, EXIT } from './cli-error';
import { createReporter } from './create-reporter';
import { decideExit, type ExitDecision } from './exit-decision';
import { formatError } from './format';
import type { CliIo } from './io';
import { resolveKnownHostsPath } from './known-hosts-path';
import { nativeCryptoStatus, type NativeCryptoStatus } from '../engine/crypto-binding';
import { receivePathStatus, type ReceivePathStatus } from '../engine/receive-path';
import { socketTuningStatus, type SocketTuningStatus } from '../engine/socket-tuning';
import { loadProfiles, storeFile } from './profile-source';
import { createPromptHandler } from './prompts';
import { selectProfiles } from './select-profiles';
import { createTerminal, type Terminal } from './terminal';

export interface UpDeps {
  io: CliIo;
  createEngine(options: EngineOptions): TunnelEngine;
  /** Calls `listener` on the first SIGINT or SIGTERM; returns the unsubscribe. */
  onShutdownSignal(listener: () => void): () => void;
  homedir: string;
  /** Tests pass a scripted terminal; by default there is one when stdin and stderr are TTYs. */
  terminal?: Terminal;
  now?: () => number;
  /** Whether ssh2's native crypto loads; tests pass their own answer. */
  cryptoStatus?: () => NativeCryptoStatus;
  /** Whether Burrow's socket-tuning binding loads; tests pass their own answer. */
  socketTuningStatus?: () => SocketTuningStatus;
  /** Whether Burrow's native receive path loads; tests pass their own answer. */
  receivePathStatus?: () => ReceivePathStatus;
}

/**
 * `burrow up`: runs the chosen profiles until a signal (exit 0) or until none can run any more
 * (exit 1). Resolves with the exit code after the engine released every port.
 */
export async function runUp(command: UpCommand, deps: UpDeps): Promise<number> {
  const { io } = deps;
  const all = await loadProfiles(command, io.stderr);
  const profiles = selectProfiles(all, command.profiles);
  if (profiles.length === 0) {
    throw new CliError(
      `nothing to run: ${command.file ?? storeFile(command.store)} has no profiles`,
      EXIT.usage,
    );
  }
  const knownHostsPath = resolveKnownHostsPath(command.knownHosts, deps.homedir);
  // ssh2 falls back to ~40% slower JavaScript crypto without a word; say so once.
  const crypto = (deps.cryptoStatus ?? nativeCryptoStatus)();
  if (!crypto.native)
    io.stderr.write(`burrow: warning: running on slower JavaScript crypto: ${crypto.reason}\n`);
  const tuning = (deps.socketTuningStatus ?? socketTuningStatus)();
  if (!tuning.available && tuning.needed)
    io.stderr.write(
      `burrow: warning: downloads run slower: Burrow's socket-tuning binding is missing: ${tuning.reason}\n`,
    );
  const receive = (deps.receivePathStatus ?? receivePathStatus)();
  if (!receive.available && receive.needed)
    io.stderr.write(
      `burrow: warning: downloads run slower: Burrow's receive-path binding is missing: ${receive.reason}\n`,
    );
  const reporter = createReporter(command.json, io, profiles, deps.now);
  const names = new Map(all.map((p) => [p.id, p.name]));
  const shutdown = new AbortController();

  // Bound below, once the run exists; a Ctrl-C typed at a prompt needs it.
  let requestStop = () => {};
  const terminal =
    deps.terminal ??
    defaultTerminal(io, () => {
      // Stop before the cancelled answer reaches the engine, so the Ctrl-C reads as "quit" (0)
      // and not as a rejected host key (1). The raised SIGINT then counts as the first signal,
      // so the next Ctrl-C quits at once.
      requestStop();
      process.kill(process.pid, 'SIGINT');
    });
  const engine = deps.createEngine({
    knownHostsPath,
    // Jump hosts may name any profile of the source, not just the ones chosen to run.
    resolveProfile: (id) => all.find((p) => p.id === id),
    prompt: createPromptHandler({
      ...(terminal && { terminal }),
      env: io.env,
      acceptNewHostKeys: command.acceptNewHostKeys,
      knownHostsPath,
      profileName: (id) => names.get(id) ?? id,
      notice: (line) => reporter.notice(line),
      beforeAsk: () => reporter.pause(),
      afterAsk: () => reporter.resume(),
      signal: shutdown.signal,
    }),
  });

  return new Promise<number>((resolve, reject) => {
    let startsSettled = false;
    let stopping = false;
    const startFailures = new Map<string, string>();
    const subscriptions: Disposable[] = [];

    const stop = async (decision: ExitDecision | undefined): Promise<number> => {
      shutdown.abort();
      await engine.dispose();
      // The engine's last deltas may never come after dispose; show the final state anyway.
      reporter.update(Object.values(engine.snapshot().profiles));
      reporter.close();
      for (const subscription of subscriptions) subscription.dispose();
      if (!decision) return EXIT.ok;
      for (const line of failureLines(decision, command, knownHostsPath, !!terminal)) {
        io.stderr.write(`${line}\n`);
      }
      return decision.code;
    };
    const stopOnce = (decision: ExitDecision | undefined) => {
      if (stopping) return;
      stopping = true;
      stop(decision).then(resolve, reject);
    };
    const checkExit = () => {
      if (!startsSettled || stopping) return;
      const snapshot = engine.snapshot();
      const decision = decideExit(profiles, snapshot, startFailures);
      if (!decision) return;
      // The decision may run ahead of the coalesced deltas: print the errors it is based on.
      reporter.update(Object.values(snapshot.profiles));
      stopOnce(decision);
    };
    requestStop = () => {
      if (stopping) return;
      if (!command.json) reporter.notice('Stopping every tunnel… (Ctrl-C again quits at once)');
      stopOnce(undefined);
    };

    subscriptions.push(
      { dispose: deps.onShutdownSignal(requestStop) },
      engine.onDidChangeStatus((delta) => {
        if (stopping) return;
        reporter.update(delta.changed, delta.removed);
        checkExit();
      }),
    );
    if (io.env.BURROW_DEBUG === '1') {
      subscriptions.push(
        engine.onDidLog((entry) => {
          const name = names.get(entry.profileId) ?? entry.profileId;
          reporter.notice(`[${name}] ${entry.level}: ${entry.message}`);
        }),
      );
    }
    reporter.update(Object.values(engine.snapshot().profiles));

    void Promise.all(
      profiles.map((profile) =>
        engine.start(profile).catch((err: unknown) => {
          startFailures.set(profile.id, err instanceof Error ? err.message : String(err));
        }),
      ),
    ).then(() => {
      startsSettled = true;
      checkExit();
    });
  });
}

function defaultTerminal(io: CliIo, onInterrupt: () => void): Terminal | undefined {
  if (!io.stdin.isTTY || !io.stderr.isTTY) return undefined;
  return createTerminal(io.stdin, io.stderr, { onInterrupt });
}

/** Why `up` gave up, and for an unknown host key without a terminal, how to get past it. */
function failureLines(
  decision: ExitDecision,
  command: UpCommand,
  knownHostsPath: string,
  interactive: boolean,
): string[] {
  const lines = decision.failures.map(({ profile, error }) =>
    error.kind === undefined
      ? `burrow: ${profile.name} could not start: ${error.message}`
      : `burrow: ${profile.name} stopped: ${formatError(error)}`,
  );
  const unknownKey = decision.failures.some((f) => f.error.kind === 'host-key-unknown');
  if (unknownKey && !interactive && !command.acceptNewHostKeys) {
    lines.push(
      `burrow: no terminal to ask about the host key: run with --accept-new-host-keys to trust a new server on first use, or add its key to ${knownHostsPath}.`,
    );
  }
  lines.push('burrow: no profile left running.');
  return lines;
}
