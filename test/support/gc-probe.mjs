// Loaded into a Burrow process with `node --import` (the bench does so for every Burrow it starts,
// and a CLI test for one): counts V8's garbage collections by kind, and on SIGUSR2 writes the
// running totals to $BURROW_GC_PROBE_FILE. The caller signals before and after a measurement and
// takes the difference, so full collections coming back into the data path (the largest CPU cost
// found in issue 6) show. Plain JavaScript: it runs inside the bundled CLI's process, without tsx.
import { writeFileSync } from 'node:fs';
import { PerformanceObserver, constants } from 'node:perf_hooks';

const file = process.env.BURROW_GC_PROBE_FILE;
if (file) {
  const totals = { seq: 0, major: 0, minor: 0, majorMs: 0, minorMs: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = entry.detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
        totals.major += 1;
        totals.majorMs += entry.duration;
      } else if (kind === constants.NODE_PERFORMANCE_GC_MINOR) {
        totals.minor += 1;
        totals.minorMs += entry.duration;
      }
    }
  }).observe({ entryTypes: ['gc'] });
  process.on('SIGUSR2', () => {
    totals.seq += 1;
    writeFileSync(file, JSON.stringify(totals));
  });
}
