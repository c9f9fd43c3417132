import { EXIT } from './cli-error';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * First SIGINT/SIGTERM: `listener` stops the tunnels cleanly. A second one means the user will
 * not wait for that, so quit at once with 130 (the OS releases the ports anyway).
 */
export function onShutdownSignal(listener: () => void): () => void {
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
  };
}
