/** Reconnect delays: exponential from initialDelayMs, doubling up to maxDelayMs, with jitter. */
export interface BackoffConfig {
  initialDelayMs: number;
  maxDelayMs: number;
  jitter: number;
}

/** Delay before reconnect attempt `attempt` (1-based). `random` is injectable for tests. */
export function backoffDelay(attempt: number, config: BackoffConfig, random = Math.random): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const base = Math.min(config.initialDelayMs * 2 ** exponent, config.maxDelayMs);
  // Symmetric jitter, so a fleet of clients spreads out instead of retrying in step.
  const spread = base * config.jitter * (random() * 2 - 1);
  return Math.round(Math.min(Math.max(base + spread, 0), config.maxDelayMs));
}
