import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sleep } from './net';

/** Node flags that load the GC probe (gc-probe.mjs) into a process. */
export const GC_PROBE_NODE_ARGS = [
  '--import',
  pathToFileURL(join(import.meta.dirname, 'gc-probe.mjs')).href,
];

/** V8's collections in a probed process so far. */
export interface GcTotals {
  seq: number;
  major: number;
  minor: number;
  majorMs: number;
  minorMs: number;
}

/**
 * Asks the probe in process `pid` for its totals (SIGUSR2, then the file it writes, given to the
 * process as BURROW_GC_PROBE_FILE). Undefined when it does not answer within a second.
 */
export async function askGcProbe(pid: number, file: string): Promise<GcTotals | undefined> {
  const previous = readTotals(file)?.seq ?? 0;
  try {
    process.kill(pid, 'SIGUSR2');
  } catch {
    return undefined;
  }
  const deadline = Date.now() + 1000;
  while (Date.now() < deadline) {
    const totals = readTotals(file);
    if (totals && totals.seq > previous) return totals;
    await sleep(5);
  }
  return undefined;
}

function readTotals(file: string): GcTotals | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as GcTotals;
  } catch {
    return undefined;
  }
}
