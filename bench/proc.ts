import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second for /proc/PID/stat times (100 nearly everywhere; asked once). */
const TICKS = ((): number => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * /proc/PID/stat as numbers, `field(n)` being field n of proc(5) (1-based); undefined once the
 * process is gone. The fields are counted after the parenthesised command name, which may hold
 * spaces.
 */
function procStat(pid: number): ((n: number) => number) | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (n) => Number(fields[n - 3]);
  } catch {
    return undefined;
  }
}

/** User + system CPU seconds a process has used so far (0 once it is gone). */
export function cpuSeconds(pid: number): number {
  const field = procStat(pid);
  return field ? (field(14) + field(15)) / TICKS : 0;
}

/** The kernel-mode part of cpuSeconds (stime): syscalls, and on loopback the TCP stack's work. */
export function sysCpuSeconds(pid: number): number {
  const field = procStat(pid);
  return field ? field(15) / TICKS : 0;
}

/**
 * How often a process went to sleep (its main thread's voluntary context switches, from
 * /proc/PID/status) and how many minor page faults it took (fresh memory). Each sleep is a
 * wake-up someone else pays for: on loopback the writer's kernel wakes the reader, and across
 * vCPUs of a virtual machine that is an interrupt between CPUs, a VM exit.
 */
export function schedCounts(pid: number): { sleeps: number; minorFaults: number } {
  const field = procStat(pid);
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return {
      sleeps: Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0),
      minorFaults: field ? field(10) : 0,
    };
  } catch {
    return { sleeps: 0, minorFaults: 0 };
  }
}

/** Sum of cpuSeconds over several processes. */
export function cpuSecondsOf(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
}

/** Resident memory (VmRSS) and its peak so far (VmHWM), in KiB. */
export function memoryKiB(pid: number): { rss: number; hwm: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string): number =>
      Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rss: field('VmRSS'), hwm: field('VmHWM') };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

/** Samples a process's VmRSS every `everyMs` while work runs; resolves with the peak seen (KiB). */
export class RssSampler {
  private peak = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    everyMs = 100,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  private sample(): void {
    this.peak = Math.max(this.peak, memoryKiB(this.pid).rss);
  }

  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
}

/** The soft limit on open files, as the shell's `ulimit -n` reports it. */
export function openFileLimit(): number {
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(limits);
    return m?.[1] === 'unlimited' ? Infinity : Number(m?.[1] ?? 1024);
  } catch {
    return 1024;
  }
}

/** CPU seconds the whole machine has been busy (all cores, from /proc/stat). */
export function machineBusySeconds(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
    return (
      ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) /
      TICKS
    );
  } catch {
    return 0;
  }
}

/** This process's own CPU seconds. */
export function selfCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}
