import { EXIT } from './cli-error';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * First SIGINT/SIGTERM: `listener` stops the tunnels cleanly. A second one means the user will
 * not wait for that, so quit at once with 130 (the OS releases the ports anyway).
 */
export function onShutdownSignal(listener: () => void): () => void {
  // While installed, these signals are Burrow's alone: a library listener (when-exit, which conf
  // loads) re-sends a signal to the process after its own cleanup, which would count as a second
  // Ctrl-C and skip ours. They are handed back when this is removed.
  const borrowed = SIGNALS.flatMap((signal) =>
    process
      .rawListeners(signal)
      .map((l) => ({ signal, listener: l as (...args: unknown[]) => void })),
  );
  for (const { signal, listener: l } of borrowed) process.removeListener(signal, l);
  let received = 0;
  const handler = () => {
    received++;
    if (received === 1) return listener();
    process.stderr.write('burrow: interrupted again, quitting without cleanup\n');
    process.exit(EXIT.interrupted);
  };
  for (const signal of SIGNALS) process.on(signal, handler);
  return () => {
    for (const signal of SIGNALS) process.off(signal, handler);
    for (const { signal, listener: l } of borrowed) process.on(signal, l);
  };
}
