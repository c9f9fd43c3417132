import { setFlagsFromString } from 'node:v8';

/**
 * Percent by which V8 lets the old generation grow past what survived its last full collection
 * before it starts the next one (V8's own default is 10-80%, chosen by its heuristics).
 *
 * Why: every chunk a tunnel moves sits in an ArrayBuffer outside the JS heap (our read slabs,
 * Node's socket reads, ssh2's packets), and V8 counts external bytes allocated since the last
 * full collection against the old generation's limit. Those buffers die young, but V8 only
 * sweeps them at a scavenge, which it starts for external memory at ~32 MB. Burrow's heap is
 * small (~10 MB live), so the default limit leaves ~16 MB of room: forwarding at a few hundred
 * MiB/s hit it every 50-70 ms, and each hit was a full mark-compact (concurrent marking of the
 * whole heap, sweeping). `perf` put that at ~30% of the process's CPU. With room for 5× the live
 * heap the scavenges free the buffers first: 0.3 full collections per GiB instead of 55, and
 * 33-41% less CPU per GiB in every forward and direction (bench/README.md, 2026-11-21). The
 * price is that a heap which really grows may hold more garbage before it is collected: ~50 MB
 * more for a 10 MB heap.
 *
 * V8 reads this flag each time it sets a new limit, so setting it at run time works (unlike the
 * heap-size flags, which only apply at start-up).
 */
const OLD_GENERATION_GROWTH_PERCENT = 500;

/**
 * Bytecode V8 runs in a function before it considers optimizing it (V8's default: 66 KiB).
 *
 * Why: a tunnel's per-connection path (accept, channel open, pipes, close) runs a few times a
 * second at most, so with the default budget most of it stayed in V8's interpreter and baseline
 * tiers: `perf` showed inline-cache builtins at the top and TurboFan code at 5% of the samples.
 * An eighth of the budget lets the hot paths reach optimized code after ~1/8 the connections:
 * latency p50 -12% in interleaved runs, CPU per connection about the same (bench/README.md).
 * The cost is a little more compiling early on, on V8's background thread.
 */
const INTERRUPT_BUDGET_BYTES = 8 * 1024;

/**
 * One block larger than anything the data path allocates, taken and dropped at start.
 *
 * Why: glibc's malloc serves a request at or above its mmap threshold (128 KiB at start) with a
 * fresh mmap(), and hands the top of its heap back to the kernel once more than its trim
 * threshold is free there. It raises both, to the size of the block and twice that, the first
 * time it frees an mmapped block of up to 32 MiB (mallopt(3), "dynamic mmap threshold"). The
 * 1 MiB read slabs (ssh-connection.ts) and 4 MiB Buffer pools come and go by the hundred per
 * GiB, so with the thresholds Node's own buffers had raised them to, a slab still landed on
 * freshly mapped pages often: 11-60k page faults per GiB downloaded, ~6% of the process's CPU
 * (`perf`). Once this block is freed (at V8's next collection) the thresholds are 16 and 32 MiB:
 * slabs reuse freed heap memory, ~0 faults per GiB, and the kernel half of the CPU per GiB
 * downloaded fell 9-14% in interleaved runs (bench/README.md). The price: up to 32 MiB that the
 * process freed stays mapped until it needs it again, instead of going back to the kernel.
 *
 * Nothing is written to the block, so it never becomes resident. Where malloc is not glibc's
 * (musl, or an allocator of Electron's own), this is one short-lived reservation and nothing else.
 */
export const MALLOC_PRIMER_BYTES = 16 * 1024 * 1024;

/** Takes and drops one MALLOC_PRIMER_BYTES block (see there). */
export function primeMallocForSlabs(): void {
  Buffer.allocUnsafeSlow(MALLOC_PRIMER_BYTES);
}

let tuned = false;

/** Applies the process-wide settings the engine's data path is measured with. Idempotent. */
export function tuneRuntimeForTunnels(): void {
  if (tuned) return;
  tuned = true;
  setFlagsFromString(`--heap-growing-percent=${OLD_GENERATION_GROWTH_PERCENT}`);
  setFlagsFromString(`--interrupt-budget=${INTERRUPT_BUDGET_BYTES}`);
  // ssh2 allocates every SSH packet (~32 KiB) with Buffer.allocUnsafe, which pools only requests
  // below poolSize / 2 (4 KiB by default), so each packet became its own ArrayBuffer. A 4 MiB
  // pool serves them as slices of shared slabs (bench/README.md: 2-17% less CPU per GiB, ~15 MiB
  // more peak memory).
  Buffer.poolSize = 4 * 1024 * 1024;
  primeMallocForSlabs();
}
