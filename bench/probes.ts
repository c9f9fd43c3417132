/**
 * Connection-level measurements, run from the bench process itself (the targets live in the load
 * generator, so a burst of N connections costs each process N descriptors, not 2N).
 */
import { connect } from 'node:net';

/** 63 bytes and a newline: the echo server echoes up to the newline and then ends first. */
const PING = Buffer.from('x'.repeat(63) + '\n');

export interface CycleResult {
  /** connect() called → whole echo back (ms). */
  echoMs: number;
  /** connect() called → socket fully closed (ms). */
  cycleMs: number;
}

/** One connect–echo–close cycle; rejects on any error, a short echo or the timeout. */
export function echoCycle(port: number, timeoutMs: number): Promise<CycleResult> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let echoMs = -1;
    let got = 0;
    let settled = false;
    const sock = connect({ host: '127.0.0.1', port, noDelay: true });
    const finish = (err?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve({ echoMs, cycleMs: performance.now() - start });
    };
    const timer = setTimeout(() => finish(new Error('timeout')), timeoutMs);
    sock.once('connect', () => sock.write(PING));
    sock.on('data', (d: Buffer) => {
      got += d.length;
      if (got >= PING.length && echoMs < 0) echoMs = performance.now() - start;
    });
    sock.once('error', (err: NodeJS.ErrnoException) => finish(new Error(err.code ?? err.message)));
    sock.once('close', () => {
      if (echoMs < 0) finish(new Error(`closed after ${got} of ${PING.length} bytes`));
      else finish();
    });
  });
}

export interface BurstResult {
  attempted: number;
  ok: number;
  failed: number;
  /** Failure reasons and how often each occurred (ECONNRESET, timeout, short echo...). */
  reasons: Record<string, number>;
  /** First connect() → last connection settled, ok or not (s). */
  seconds: number;
  /** First connect() → last successful echo (s). */
  lastOkSeconds: number;
  /** Per-connection echo time percentiles over the successful ones (ms). */
  p50Ms: number;
  p99Ms: number;
}

/** Opens `count` connections at once (one synchronous loop), each doing one echo cycle. */
export async function burst(port: number, count: number, timeoutMs: number): Promise<BurstResult> {
  const start = performance.now();
  const outcomes = await Promise.all(
    Array.from({ length: count }, () =>
      echoCycle(port, timeoutMs).then(
        (r) => ({ ok: true as const, echoMs: r.echoMs, at: performance.now() - start }),
        (err: Error) => ({ ok: false as const, reason: err.message }),
      ),
    ),
  );
  const seconds = (performance.now() - start) / 1000;
  const reasons: Record<string, number> = {};
  const times: number[] = [];
  let lastOk = 0;
  for (const o of outcomes) {
    if (o.ok) {
      times.push(o.echoMs);
      lastOk = Math.max(lastOk, o.at);
    } else reasons[o.reason] = (reasons[o.reason] ?? 0) + 1;
  }
  times.sort((a, b) => a - b);
  return {
    attempted: count,
    ok: times.length,
    failed: count - times.length,
    reasons,
    seconds,
    lastOkSeconds: lastOk / 1000,
    p50Ms: percentile(times, 0.5),
    p99Ms: percentile(times, 0.99),
  };
}

/** Nearest-rank percentile of sorted values (NaN when empty). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank]!;
}

export function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}
