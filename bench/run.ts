/**
 * `npm run bench`: Burrow against OpenSSH's own client, on a private sshd on loopback, in one run
 * and interleaved (each round runs every tunnel once, in a rotating order, so drift and warm-up
 * hit all of them alike). See bench/README.md for what each row means.
 *
 * Process layout, so that no tunnel shares a thread with the load it carries:
 *   bench (this process): orchestration, latency and burst clients, /proc sampling
 *   load generator (bench/loadgen.ts, a child): forward targets and throughput clients
 *   tunnels: `bin/burrow up --json` and `ssh -N`, each a process of its own
 *   sshd: the OpenSSH server all of them log in to
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, release } from 'node:os';
import { join } from 'node:path';
import { makeTempDir, makeTestKeys } from '../test/support/keys';
import { sleep } from '../test/support/net';
import { startSshd, sshdAvailability } from '../test/support/sshd';
import { LoadGen } from './loadgen-client';
import { parseOptions, USAGE, type BenchOptions, type ForwardKind } from './options';
import { burst, echoCycle, median, percentile, type BurstResult } from './probes';
import {
  cpuSeconds,
  cpuSecondsOf,
  machineBusySeconds,
  memoryKiB,
  openFileLimit,
  RssSampler,
  schedCounts,
  selfCpuSeconds,
  sysCpuSeconds,
} from './proc';
import { renderTable, type Row } from './report';
import {
  AES_GCM,
  burrowBundle,
  freePorts,
  burrowCipher,
  gcTotals,
  spawnTunnel,
  sshCipher,
  startTunnel,
  waitAccepts,
  type BenchEnv,
  type ForwardDef,
  type RunningTunnel,
  type TunnelSpec,
} from './tunnels';

const ROOT = join(import.meta.dirname, '..');
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

interface MainTunnel extends RunningTunnel {
  ports: { local: number; echo: number; remote: number; socks: number };
  startRssKiB: number;
}

interface ThroughputSample {
  forward: ForwardKind | 'raw';
  dir: 'up' | 'down';
  tunnel: string;
  round: number;
  bytes: number;
  seconds?: number;
  mibps?: number;
  tunnelCpuSeconds?: number;
  /** The kernel-mode share of tunnelCpuSeconds. */
  tunnelSysCpuSeconds?: number;
  sshdCpuSeconds?: number;
  loadgenCpuSeconds?: number;
  /** The tunnel process's sleeps (voluntary context switches) and minor page faults. */
  tunnelSleeps?: number;
  tunnelMinorFaults?: number;
  peakRssKiB?: number;
  /** Burrow: V8's full (mark-compact) and young-generation collections during the run. */
  majorGcs?: number;
  minorGcs?: number;
  /** CPU used meanwhile by processes that are not part of this measurement (other work on the box). */
  otherCpuSeconds?: number;
  error?: string;
}

interface Results {
  version: 1;
  date: string;
  mode: 'full' | 'quick' | 'custom';
  options: Record<string, unknown>;
  host: Record<string, unknown>;
  ciphers: Record<string, string>;
  startup: {
    tunnel: string;
    rep: number;
    portMs?: number;
    activeLineMs?: number;
    error?: string;
  }[];
  throughput: ThroughputSample[];
  /** The measured sequential cycles, with the warm-up before them and the paced pass after. */
  latency: Record<
    string,
    SequentialPass & {
      /** The cycles before the measured ones: the first connections through a fresh tunnel. */
      warmup: SequentialPass;
      /** The same cycles started PACED_CYCLE_MS apart: a connection now and then, not a stream. */
      pacedEchoMs: number[];
      pacedErrors: number;
    }
  >;
  bursts: (BurstResult & { tunnel: string; peakRssKiB?: number; tunnelCpuSeconds?: number })[];
  idle: Record<string, { forwards: number; rssKiB: number; cpuPercent: number }>;
  mainTunnels: Record<string, { startRssKiB: number; readyMs: number }>;
  notes: string[];
  rows: Row[];
}

/** Back-to-back connect–echo–close cycles through one tunnel. */
interface SequentialPass {
  echoMs: number[];
  cycleMs: number[];
  errors: number;
  /** The tunnel process's CPU over the pass (none for raw TCP). */
  tunnelCpuSeconds?: number;
}

const emptyPass = (): SequentialPass => ({ echoMs: [], cycleMs: [], errors: 0 });

/** Latency, paced pass: cycles start this far apart (more than sshd's ~44 ms close delay). */
const PACED_CYCLE_MS = 50;
const PACED_CYCLES_MAX = 200;

function rotate<T>(items: T[], k: number): T[] {
  if (items.length === 0) return items;
  const n = ((k % items.length) + items.length) % items.length;
  return [...items.slice(n), ...items.slice(0, n)];
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Rebuilds the CLI bundle so the bench measures the code in the tree, not a stale build. */
function buildCli(): void {
  try {
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-cli.mjs')], { stdio: 'pipe' });
  } catch (err) {
    const out = (err as { stderr?: Buffer }).stderr?.toString() ?? errorText(err);
    if (!existsSync(burrowBundle())) throw new Error(`building the CLI failed:\n${out}`);
    log(`warning: rebuilding the CLI failed, benchmarking the existing ${burrowBundle()}:\n${out}`);
  }
}

function hostInfo(): Record<string, unknown> {
  const require = createRequire(import.meta.url);
  // ssh -V prints its version on stderr.
  const sshVersion = spawnSync('ssh', ['-V'], { encoding: 'utf8' }).stderr ?? '';
  const ssh2Crypto = require('ssh2/lib/protocol/crypto') as { bindingAvailable?: boolean };
  const ssh2Version = (require('ssh2/package.json') as { version: string }).version;
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    kernel: release(),
    node: process.version,
    openssh: sshVersion.trim(),
    ssh2: ssh2Version,
    ssh2NativeCrypto: ssh2Crypto.bindingAvailable === true,
    openFileLimit: openFileLimit(),
    loadAverageAtStart: loadavg(),
  };
}

class Bench {
  private readonly results: Results;
  private readonly mains = new Map<string, MainTunnel>();
  private readonly rows: Row[] = [];
  /** Set once a Burrow GC probe failed to answer, so the note is printed once. */
  private gcProbeSilent = false;

  constructor(
    private readonly opts: BenchOptions,
    private readonly env: BenchEnv,
    private readonly loadgen: LoadGen,
    private readonly specs: TunnelSpec[],
    ciphers: Record<string, string>,
    host: Record<string, unknown>,
    mode: Results['mode'],
  ) {
    this.results = {
      version: 1,
      date: new Date().toISOString(),
      mode,
      options: {
        bytes: opts.bytes,
        rounds: opts.rounds,
        forwards: [...opts.forwards],
        latencyCycles: opts.latencyCycles,
        latencyWarmup: opts.latencyWarmup,
        bursts: opts.bursts,
        startupReps: opts.startupReps,
        idleForwards: opts.idleForwards,
        sections: [...opts.sections],
        variants: opts.variants,
        cpuProf: opts.cpuProf,
      },
      host,
      ciphers,
      startup: [],
      throughput: [],
      latency: {},
      bursts: [],
      idle: {},
      mainTunnels: {},
      notes: [],
      rows: this.rows,
    };
  }

  get burrowNames(): string[] {
    return this.specs.filter((s) => s.kind === 'burrow').map((s) => s.name);
  }

  get sshNames(): string[] {
    return this.specs.filter((s) => s.kind === 'ssh').map((s) => s.name);
  }

  private note(line: string): void {
    this.results.notes.push(line);
    log(`note: ${line}`);
  }

  // ---- startup ---------------------------------------------------------------------------------

  async startup(): Promise<void> {
    log(`\n# start → listening (${this.opts.startupReps} times each)`);
    for (let rep = 0; rep < this.opts.startupReps; rep++) {
      for (const spec of rotate(this.specs, rep)) {
        const [port] = await freePorts(1);
        const forwards: ForwardDef[] = [
          { id: 'echo', type: 'local', bindPort: port!, targetPort: this.loadgen.echoPort },
        ];
        const start = performance.now();
        const spawned = await spawnTunnel(this.env, spec, forwards);
        try {
          const exited = new Promise<never>((_, reject) =>
            spawned.child.once('exit', (code) =>
              reject(new Error(`exited (code ${code}): ${spawned.stderr().trim()}`)),
            ),
          );
          exited.catch(() => {});
          const line = spawned.allActive?.then(() => performance.now() - start);
          const portMs = await Promise.race([
            exited,
            waitAccepts(port!, 30_000, 2).then(() => performance.now() - start),
          ]);
          const activeLineMs = line ? await Promise.race([exited, line]) : undefined;
          this.results.startup.push({ tunnel: spec.name, rep, portMs, activeLineMs });
        } catch (err) {
          this.results.startup.push({ tunnel: spec.name, rep, error: errorText(err) });
          log(`  ${spec.name}: ${errorText(err)}`);
        } finally {
          await spawned.stop();
        }
      }
    }
    const of = (name: string, key: 'portMs' | 'activeLineMs'): number | undefined => {
      const v = this.results.startup
        .filter((s) => s.tunnel === name && s[key] !== undefined)
        .map((s) => s[key]!);
      return v.length ? median(v) : undefined;
    };
    const values = (key: 'portMs' | 'activeLineMs') =>
      Object.fromEntries(this.specs.map((s) => [s.name, of(s.name, key)]));
    for (const s of this.specs)
      log(
        `  ${s.name.padEnd(12)} port accepts after ${of(s.name, 'portMs')?.toFixed(0)} ms` +
          (s.kind === 'burrow'
            ? `, "active" line after ${of(s.name, 'activeLineMs')?.toFixed(0)} ms`
            : ''),
      );
    this.rows.push(
      {
        group: 'start → forward listening (SSH handshake included), median',
        label: 'spawn → port accepts',
        unit: 'ms',
        better: 'lower',
        values: values('portMs'),
      },
      {
        group: 'start → forward listening (SSH handshake included), median',
        label: 'spawn → "active" JSON line',
        unit: 'ms',
        better: 'info',
        values: values('activeLineMs'),
      },
    );
  }

  // ---- the long-lived tunnels ------------------------------------------------------------------

  async startMains(): Promise<void> {
    for (const spec of this.specs) {
      const [local, echo, remote, socks] = await freePorts(4);
      const ports = { local: local!, echo: echo!, remote: remote!, socks: socks! };
      const forwards: ForwardDef[] = [
        { id: 'data', type: 'local', bindPort: ports.local, targetPort: this.loadgen.dataPort },
        { id: 'echo', type: 'local', bindPort: ports.echo, targetPort: this.loadgen.echoPort },
        { id: 'rdata', type: 'remote', bindPort: ports.remote, targetPort: this.loadgen.dataPort },
        { id: 'socks', type: 'dynamic', bindPort: ports.socks },
      ];
      const running = await startTunnel(this.env, spec, forwards);
      await sleep(300);
      const startRssKiB = memoryKiB(running.pid).rss;
      this.mains.set(spec.name, { ...running, ports, startRssKiB });
      this.results.mainTunnels[spec.name] = { startRssKiB, readyMs: running.readyMs };
      log(
        `  ${spec.name.padEnd(12)} pid ${running.pid}, ready in ${running.readyMs.toFixed(0)} ms, ` +
          `${(startRssKiB / 1024).toFixed(1)} MiB resident, sshd pids ${running.sshdPids.join(',')}`,
      );
    }
  }

  async stopMains(): Promise<void> {
    await Promise.all([...this.mains.values()].map((t) => t.stop()));
    this.mains.clear();
  }

  // ---- throughput ------------------------------------------------------------------------------

  async throughput(): Promise<void> {
    const { bytes, rounds } = this.opts;
    log(`\n# throughput: ${bytes / MiB} MiB per transfer, ${rounds} round(s)`);
    const dataPort = this.loadgen.dataPort;
    // Direction is from the tunnel client's side: "up" is what it encrypts and sends to sshd.
    // For -R the roles swap: the client at the server's port reads ("up") or writes ("down").
    const cases: {
      forward: ForwardKind;
      dir: 'up' | 'down';
      op: 'put' | 'get';
      port: (t: MainTunnel) => number;
      socks?: boolean;
    }[] = [
      { forward: 'local', dir: 'up', op: 'put', port: (t) => t.ports.local },
      { forward: 'local', dir: 'down', op: 'get', port: (t) => t.ports.local },
      { forward: 'remote', dir: 'up', op: 'get', port: (t) => t.ports.remote },
      { forward: 'remote', dir: 'down', op: 'put', port: (t) => t.ports.remote },
      { forward: 'socks', dir: 'up', op: 'put', port: (t) => t.ports.socks, socks: true },
      { forward: 'socks', dir: 'down', op: 'get', port: (t) => t.ports.socks, socks: true },
    ];
    const active = cases.filter(
      (c) => this.opts.forwards.has(c.forward) && this.opts.dirs.has(c.dir),
    );
    const timeoutMs = Math.max(60_000, (bytes / (20 * MiB)) * 1000);
    const tunnels = [...this.mains.values()];

    // A count during one transfer, per GiB moved, e.g. "12.0k/GiB".
    const perGiB = (count: number): string => `${((count * GiB) / bytes / 1000).toFixed(1)}k/GiB`;
    const measure = async (
      sample: ThroughputSample,
      op: 'put' | 'get',
      port: number,
      socks: boolean,
      tunnel?: MainTunnel,
    ): Promise<void> => {
      const gc0 = tunnel && (await gcTotals(tunnel));
      const cpu0 = tunnel ? cpuSeconds(tunnel.pid) : 0;
      const sys0 = tunnel ? sysCpuSeconds(tunnel.pid) : 0;
      const sched0 = tunnel && schedCounts(tunnel.pid);
      const sshd0 = tunnel ? cpuSecondsOf(tunnel.sshdPids) : 0;
      const lg0 = cpuSecondsOf(this.loadgen.pids);
      const busy0 = machineBusySeconds();
      const self0 = selfCpuSeconds();
      const sampler = tunnel ? new RssSampler(tunnel.pid) : undefined;
      try {
        const r = await this.loadgen.transfer({
          op,
          host: '127.0.0.1',
          port,
          ...(socks && { socks: { host: '127.0.0.1', port: dataPort } }),
          bytes,
          timeoutMs,
        });
        sample.seconds = r.seconds;
        sample.mibps = r.bytes / MiB / r.seconds;
        sample.loadgenCpuSeconds = cpuSecondsOf(this.loadgen.pids) - lg0;
        if (tunnel) {
          sample.tunnelCpuSeconds = cpuSeconds(tunnel.pid) - cpu0;
          sample.tunnelSysCpuSeconds = sysCpuSeconds(tunnel.pid) - sys0;
          sample.sshdCpuSeconds = cpuSecondsOf(tunnel.sshdPids) - sshd0;
          const sched1 = schedCounts(tunnel.pid);
          sample.tunnelSleeps = sched1.sleeps - sched0!.sleeps;
          sample.tunnelMinorFaults = sched1.minorFaults - sched0!.minorFaults;
          const gc1 = gc0 && (await gcTotals(tunnel));
          if (gc0 && gc1) {
            sample.majorGcs = gc1.major - gc0.major;
            sample.minorGcs = gc1.minor - gc0.minor;
          } else if (tunnel.gcFile && !this.gcProbeSilent) {
            this.gcProbeSilent = true;
            this.note(`${tunnel.spec.name}: its GC probe did not answer; no GC counts`);
          }
        }
        const ours =
          sample.loadgenCpuSeconds +
          (sample.tunnelCpuSeconds ?? 0) +
          (sample.sshdCpuSeconds ?? 0) +
          (selfCpuSeconds() - self0);
        sample.otherCpuSeconds = Math.max(0, machineBusySeconds() - busy0 - ours);
      } catch (err) {
        sample.error = errorText(err);
      } finally {
        if (sampler) sample.peakRssKiB = sampler.stop();
      }
      this.results.throughput.push(sample);
      const label = `${sample.forward === 'raw' ? 'raw' : `-${sample.forward[0]!.toUpperCase()}`} ${sample.dir}`;
      log(
        `  r${sample.round + 1} ${label.padEnd(8)} ${sample.tunnel.padEnd(12)} ` +
          (sample.error
            ? `FAILED: ${sample.error}`
            : `${sample.mibps!.toFixed(0).padStart(5)} MiB/s` +
              (tunnel
                ? `  client cpu ${sample.tunnelCpuSeconds!.toFixed(2)} s (sys ${sample.tunnelSysCpuSeconds!.toFixed(2)}), sshd cpu ${sample.sshdCpuSeconds!.toFixed(2)} s (${((100 * sample.sshdCpuSeconds!) / sample.seconds!).toFixed(0)}% of a core)` +
                  `, client sleeps ${perGiB(sample.tunnelSleeps!)}, page faults ${perGiB(sample.tunnelMinorFaults!)}` +
                  (sample.majorGcs !== undefined ? `, full GCs ${sample.majorGcs}` : '')
                : '') +
              `, loadgen cpu ${sample.loadgenCpuSeconds!.toFixed(2)} s` +
              (sample.otherCpuSeconds! / sample.seconds! > 0.2
                ? ` [busy box: ${((100 * sample.otherCpuSeconds!) / sample.seconds!).toFixed(0)}% of a core used by other work]`
                : '')),
      );
    };

    for (let round = 0; round < rounds; round++) {
      for (const dir of ['up', 'down'] as const) {
        if (!this.opts.dirs.has(dir)) continue;
        await measure(
          { forward: 'raw', dir, tunnel: 'raw', round, bytes },
          dir === 'up' ? 'put' : 'get',
          dataPort,
          false,
        );
      }
      for (const [i, c] of active.entries()) {
        for (const t of rotate(tunnels, round + i)) {
          await measure(
            { forward: c.forward, dir: c.dir, tunnel: t.spec.name, round, bytes },
            c.op,
            c.port(t),
            !!c.socks,
            t,
          );
        }
      }
    }

    const pick = (forward: string, dir: string, tunnel: string, key: keyof ThroughputSample) => {
      const v = this.results.throughput
        .filter((s) => s.forward === forward && s.dir === dir && s.tunnel === tunnel && !s.error)
        .map((s) => s[key] as number);
      return v.length ? median(v) : undefined;
    };
    const names: Record<ForwardKind, string> = {
      local: 'local -L',
      remote: 'remote -R',
      socks: 'SOCKS -D',
    };
    for (const c of active) {
      this.rows.push({
        group: `throughput, ${bytes / MiB} MiB, median of ${rounds}`,
        label: `${names[c.forward]} ${c.dir}`,
        unit: 'MiB/s',
        better: 'higher',
        raw: pick('raw', c.dir, 'raw', 'mibps'),
        values: Object.fromEntries(
          this.specs.map((s) => [s.name, pick(c.forward, c.dir, s.name, 'mibps')]),
        ),
      });
    }
    for (const c of active) {
      this.rows.push({
        group: 'client process CPU per GiB moved (user+sys), median',
        label: `${names[c.forward]} ${c.dir}`,
        unit: 'cpu s',
        better: 'lower',
        digits: 2,
        values: Object.fromEntries(
          this.specs.map((s) => {
            const cpu = pick(c.forward, c.dir, s.name, 'tunnelCpuSeconds');
            return [s.name, cpu === undefined ? undefined : (cpu * GiB) / bytes];
          }),
        ),
      });
    }
    const load = (name: string) => {
      const ok = this.results.throughput.filter((s) => s.tunnel === name && !s.error);
      const cpu = ok.reduce((a, s) => a + (s.tunnelCpuSeconds ?? 0), 0);
      const wall = ok.reduce((a, s) => a + (s.seconds ?? 0), 0);
      const counted = ok.filter((s) => s.majorGcs !== undefined);
      const countedBytes = counted.reduce((a, s) => a + s.bytes, 0);
      return {
        peak: Math.max(0, ...ok.map((s) => s.peakRssKiB ?? 0)) / 1024,
        cpuPercent: wall ? (100 * cpu) / wall : undefined,
        fullGcsPerGiB: countedBytes
          ? (counted.reduce((a, s) => a + s.majorGcs!, 0) * GiB) / countedBytes
          : undefined,
      };
    };
    this.rows.push(
      {
        group: 'client process under load',
        label: 'peak resident memory, throughput runs',
        unit: 'MiB',
        better: 'lower',
        digits: 1,
        values: Object.fromEntries(this.specs.map((s) => [s.name, load(s.name).peak])),
      },
      {
        group: 'client process under load',
        label: 'V8 full collections per GiB moved (Burrow)',
        unit: 'count',
        better: 'lower',
        digits: 1,
        values: Object.fromEntries(this.specs.map((s) => [s.name, load(s.name).fullGcsPerGiB])),
      },
      {
        group: 'client process under load',
        label: 'CPU during throughput runs',
        unit: '% core',
        better: 'info',
        values: Object.fromEntries(this.specs.map((s) => [s.name, load(s.name).cpuPercent])),
      },
    );
    const okRuns = this.results.throughput.filter((s) => !s.error && s.seconds);
    const other = okRuns.reduce((a, s) => a + (s.otherCpuSeconds ?? 0), 0);
    const wall = okRuns.reduce((a, s) => a + s.seconds!, 0);
    if (wall > 0 && other / wall > 0.1)
      this.note(
        `other work on this machine used ${((100 * other) / wall).toFixed(0)}% of a core on average during the ` +
          `throughput runs (of ${cpus().length} cores): figures are noisier than on an idle machine`,
      );
    // Is the load generator the bottleneck? Its CPU share during the raw runs says.
    const lg = this.results.throughput.filter((s) => !s.error && s.loadgenCpuSeconds !== undefined);
    const share = (rows: ThroughputSample[]) =>
      rows.length
        ? (100 * rows.reduce((a, s) => a + s.loadgenCpuSeconds!, 0)) /
          rows.reduce((a, s) => a + s.seconds!, 0)
        : NaN;
    this.note(
      `load generator CPU (both ends, two processes): ${share(lg.filter((s) => s.tunnel === 'raw')).toFixed(0)}% of a core ` +
        `during raw TCP runs, ${share(lg.filter((s) => s.tunnel !== 'raw')).toFixed(0)}% during tunnel runs ` +
        `(200% would mean it is the limit)`,
    );
  }

  // ---- latency ---------------------------------------------------------------------------------

  async latency(): Promise<void> {
    const cycles = this.opts.latencyCycles;
    log(`\n# latency: ${cycles} sequential connect–echo–close cycles per tunnel`);
    const targets = [
      { name: 'raw', port: this.loadgen.echoPort, pid: 0 },
      ...[...this.mains.values()].map((t) => ({
        name: t.spec.name,
        port: t.ports.echo,
        pid: t.pid,
      })),
    ];
    const data = this.results.latency;
    for (const t of targets)
      data[t.name] = { ...emptyPass(), warmup: emptyPass(), pacedEchoMs: [], pacedErrors: 0 };
    // Sequential cycles in blocks, the tunnels' order rotating from block to block.
    const sequential = async (
      count: number,
      passOf: (name: string) => SequentialPass,
    ): Promise<void> => {
      const block = Math.max(1, Math.min(50, Math.floor(count / 4)));
      for (let done = 0, b = 0; done < count; done += block, b++) {
        const n = Math.min(block, count - done);
        for (const t of rotate(targets, b)) {
          const pass = passOf(t.name);
          const cpu0 = t.pid ? cpuSeconds(t.pid) : 0;
          for (let i = 0; i < n; i++) {
            try {
              const r = await echoCycle(t.port, 10_000);
              pass.echoMs.push(r.echoMs);
              pass.cycleMs.push(r.cycleMs);
            } catch {
              pass.errors += 1;
            }
          }
          if (t.pid)
            pass.tunnelCpuSeconds = (pass.tunnelCpuSeconds ?? 0) + cpuSeconds(t.pid) - cpu0;
        }
      }
    };
    // Warm-up, reported apart: Burrow's connection path runs in V8, which compiles its hot
    // functions over the first several hundred connections (measured: p50 1.6 ms in the first
    // 250, ~1.0 ms after 750), on background threads that compete for the same two cores.
    const warmup = this.opts.latencyWarmup;
    log(`  (${warmup} warm-up cycles per tunnel first)`);
    await sequential(warmup, (name) => data[name]!.warmup);
    await sequential(cycles, (name) => data[name]!);
    // Paced: each cycle starts PACED_CYCLE_MS after the one before, whatever the client. Back to
    // back, a client that closes sooner also starts its next cycle sooner, on a warmer CPU; this
    // shows each client's latency for a connection that comes alone.
    const paced = Math.min(PACED_CYCLES_MAX, Math.ceil(cycles / 4));
    const pacedBlock = Math.max(1, Math.min(25, Math.floor(paced / 4)));
    for (let done = 0, b = 0; done < paced; done += pacedBlock, b++) {
      const n = Math.min(pacedBlock, paced - done);
      for (const t of rotate(targets, b)) {
        const d = data[t.name]!;
        for (let i = 0; i < n; i++) {
          const start = performance.now();
          try {
            d.pacedEchoMs.push((await echoCycle(t.port, 10_000)).echoMs);
          } catch {
            d.pacedErrors += 1;
          }
          await sleep(Math.max(0, start + PACED_CYCLE_MS - performance.now()));
        }
      }
    }
    type Series = 'echoMs' | 'cycleMs' | 'pacedEchoMs' | 'warmupEchoMs';
    const series = (name: string, key: Series): number[] => {
      const d = data[name];
      if (!d) return [];
      return key === 'warmupEchoMs' ? d.warmup.echoMs : d[key];
    };
    const stat = (name: string, key: Series, p: number) => {
      const v = [...series(name, key)].sort((a, b) => a - b);
      return v.length ? percentile(v, p) : undefined;
    };
    for (const t of targets)
      log(
        `  ${t.name.padEnd(12)} p50 ${stat(t.name, 'echoMs', 0.5)?.toFixed(3)} ms, p95 ${stat(t.name, 'echoMs', 0.95)?.toFixed(3)} ms` +
          `, paced p50 ${stat(t.name, 'pacedEchoMs', 0.5)?.toFixed(3)} ms` +
          `, first ${warmup}: p50 ${stat(t.name, 'warmupEchoMs', 0.5)?.toFixed(3)} ms, p95 ${stat(t.name, 'warmupEchoMs', 0.95)?.toFixed(3)} ms` +
          (data[t.name]!.errors ? `, ${data[t.name]!.errors} errors` : ''),
      );
    const row = (label: string, key: Series, p: number): Row => ({
      group: `latency, ${cycles} sequential connections after ${warmup} (connect → 64-byte echo back)`,
      label,
      unit: 'ms',
      better: 'lower',
      digits: 2,
      raw: stat('raw', key, p),
      values: Object.fromEntries(this.specs.map((s) => [s.name, stat(s.name, key, p)])),
    });
    const cpuPerConnection = (label: string, passOf: (name: string) => SequentialPass): Row => ({
      group: row('', 'echoMs', 0.5).group,
      label,
      unit: 'ms',
      better: 'lower',
      digits: 2,
      values: Object.fromEntries(
        this.specs.map((s) => {
          if (!data[s.name]) return [s.name, undefined];
          const { tunnelCpuSeconds: seconds, echoMs, errors } = passOf(s.name);
          const n = echoMs.length + errors;
          return [s.name, seconds !== undefined && n ? (1000 * seconds) / n : undefined];
        }),
      ),
    });
    this.rows.push(
      row('p50', 'echoMs', 0.5),
      row('p95', 'echoMs', 0.95),
      row('whole cycle incl. close, p50', 'cycleMs', 0.5),
      row(`p50, one connection every ${PACED_CYCLE_MS} ms`, 'pacedEchoMs', 0.5),
      row(`p95, one connection every ${PACED_CYCLE_MS} ms`, 'pacedEchoMs', 0.95),
      cpuPerConnection('client process CPU per connection', (name) => data[name]!),
      row(`p50, the first ${warmup} (JIT warming up)`, 'warmupEchoMs', 0.5),
      row(`p95, the first ${warmup}`, 'warmupEchoMs', 0.95),
      cpuPerConnection(
        `client process CPU per connection, the first ${warmup}`,
        (name) => data[name]!.warmup,
      ),
    );
    for (const [name, d] of Object.entries(data)) {
      const failed = d.errors + d.pacedErrors + d.warmup.errors;
      if (failed > 0) this.note(`latency: ${name} had ${failed} failed cycles`);
    }
  }

  // ---- bursts ----------------------------------------------------------------------------------

  async bursts(): Promise<void> {
    const limit = openFileLimit();
    log(`\n# bursts of simultaneous connections through one local forward (ulimit -n ${limit})`);
    const targets = [
      { name: 'raw', port: this.loadgen.echoPort, tunnel: undefined as MainTunnel | undefined },
      ...[...this.mains.values()].map((t) => ({
        name: t.spec.name,
        port: t.ports.echo,
        tunnel: t,
      })),
    ];
    for (const [i, size] of this.opts.bursts.entries()) {
      // Each process holds one descriptor per connection (the bench its clients, the tunnel what
      // it accepted, the load generator what it accepted), plus its own handful.
      const need = size + 500;
      if (limit < need) {
        this.note(
          `burst of ${size} skipped: ulimit -n is ${limit}, and each process needs about ${need} ` +
            `open files for it. Raise the limit in the shell that runs the bench (ulimit -n 20000; as ` +
            `root, or via /etc/security/limits.conf) and run again.`,
        );
        continue;
      }
      for (const t of [targets[0]!, ...rotate(targets.slice(1), i)]) {
        const cpu0 = t.tunnel ? cpuSeconds(t.tunnel.pid) : 0;
        const sampler = t.tunnel ? new RssSampler(t.tunnel.pid, 50) : undefined;
        const r = await burst(t.port, size, this.opts.burstTimeoutMs);
        const peakRssKiB = sampler?.stop();
        const tunnelCpuSeconds = t.tunnel ? cpuSeconds(t.tunnel.pid) - cpu0 : undefined;
        this.results.bursts.push({ ...r, tunnel: t.name, peakRssKiB, tunnelCpuSeconds });
        const why = Object.entries(r.reasons)
          .map(([k, v]) => `${v}× ${k}`)
          .join(', ');
        log(
          `  ${String(size).padStart(6)} ${t.name.padEnd(12)} ${r.ok}/${size} ok in ${r.seconds.toFixed(2)} s` +
            ` (p50 ${r.p50Ms.toFixed(0)} ms, p99 ${r.p99Ms.toFixed(0)} ms)` +
            (peakRssKiB ? `, peak ${(peakRssKiB / 1024).toFixed(0)} MiB` : '') +
            (why ? ` — failures: ${why}` : ''),
        );
        await this.settle();
      }
      const of = (name: string) =>
        this.results.bursts.find((b) => b.tunnel === name && b.attempted === size);
      const group = 'bursts of simultaneous connections through one forward';
      this.rows.push(
        {
          group,
          label: `${size}: succeeded`,
          unit: 'conns',
          better: 'higher',
          raw: of('raw')?.ok,
          values: Object.fromEntries(this.specs.map((s) => [s.name, of(s.name)?.ok])),
        },
        {
          group,
          label: `${size}: time until all settled`,
          unit: 's',
          better: 'lower',
          digits: 2,
          raw: of('raw')?.seconds,
          values: Object.fromEntries(this.specs.map((s) => [s.name, of(s.name)?.seconds])),
        },
        {
          group,
          label: `${size}: peak resident memory`,
          unit: 'MiB',
          better: 'lower',
          digits: 0,
          values: Object.fromEntries(
            this.specs.map((s) => {
              const kib = of(s.name)?.peakRssKiB;
              return [s.name, kib === undefined ? undefined : kib / 1024];
            }),
          ),
        },
      );
    }
  }

  /** Waits until every burst connection is gone on the target side, then a moment more. */
  private async settle(): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const { echoOpen } = await this.loadgen.stats();
      if (echoOpen === 0) break;
      await sleep(50);
    }
    await sleep(this.opts.quick ? 100 : 500);
  }

  // ---- idle forwards ---------------------------------------------------------------------------

  async idle(): Promise<void> {
    const n = this.opts.idleForwards;
    log(
      `\n# ${n} idle forwards in one session: resident memory and CPU over ${this.opts.idleWindowMs} ms`,
    );
    for (const spec of this.specs) {
      // Burrow takes port 0 (any free port; it reports the real one); OpenSSH needs numbers.
      const ports: number[] =
        spec.kind === 'burrow' ? Array<number>(n).fill(0) : await freePorts(n);
      const forwards: ForwardDef[] = ports.map((bindPort, i) => ({
        id: `f${i}`,
        type: 'local',
        bindPort,
        targetPort: this.loadgen.echoPort,
      }));
      let tunnel: RunningTunnel | undefined;
      try {
        tunnel = await startTunnel(this.env, spec, forwards, 60_000);
        await sleep(1000);
        const cpu0 = cpuSeconds(tunnel.pid);
        const t0 = performance.now();
        await sleep(this.opts.idleWindowMs);
        const cpuPercent =
          (100 * (cpuSeconds(tunnel.pid) - cpu0)) / ((performance.now() - t0) / 1000);
        const rssKiB = memoryKiB(tunnel.pid).rss;
        this.results.idle[spec.name] = { forwards: n, rssKiB, cpuPercent };
        log(
          `  ${spec.name.padEnd(12)} ${(rssKiB / 1024).toFixed(1)} MiB resident, ${cpuPercent.toFixed(1)}% CPU`,
        );
      } catch (err) {
        this.note(`idle forwards, ${spec.name}: ${errorText(err)}`);
      } finally {
        await tunnel?.stop();
      }
    }
    const group = `${n} idle forwards in one session`;
    this.rows.push(
      {
        group,
        label: 'resident memory',
        unit: 'MiB',
        better: 'lower',
        digits: 1,
        values: Object.fromEntries(
          this.specs.map((s) => {
            const kib = this.results.idle[s.name]?.rssKiB;
            return [s.name, kib === undefined ? undefined : kib / 1024];
          }),
        ),
      },
      {
        group,
        label: 'CPU while idle',
        unit: '% core',
        better: 'lower',
        digits: 2,
        values: Object.fromEntries(
          this.specs.map((s) => [s.name, this.results.idle[s.name]?.cpuPercent]),
        ),
      },
    );
  }

  addMainRssRow(): void {
    if (this.mains.size === 0) return;
    this.rows.push({
      group: 'client process under load',
      label: 'resident after start (4 forwards, idle)',
      unit: 'MiB',
      better: 'lower',
      digits: 1,
      values: Object.fromEntries(
        [...this.mains.values()].map((t) => [t.spec.name, t.startRssKiB / 1024]),
      ),
    });
  }

  finish(): { table: string; results: Results } {
    // Keep the table's groups in a fixed order whatever order the sections ran in.
    const order = [
      'throughput',
      'client process CPU',
      'latency',
      'bursts',
      'start',
      'idle',
      `${this.opts.idleForwards} idle`,
      'client process under load',
    ];
    const rank = (r: Row) => {
      const i = order.findIndex((o) => r.group.startsWith(o));
      return i < 0 ? order.length : i;
    };
    const sorted = this.rows
      .map((r, i) => ({ r, i }))
      .sort((a, b) => rank(a.r) - rank(b.r) || a.i - b.i)
      .map((x) => x.r);
    this.results.rows = sorted;
    return {
      table: renderTable(sorted, { burrows: this.burrowNames, sshs: this.sshNames }),
      results: this.results,
    };
  }
}

async function main(): Promise<number> {
  let opts: BenchOptions | 'help';
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`bench: ${errorText(err)}\n\n${USAGE}`);
    return 2;
  }
  if (opts === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const avail = sshdAvailability();
  if (!avail.ok) {
    process.stderr.write(`bench: cannot run: ${avail.reason}\n`);
    return 1;
  }
  const fdLimit = openFileLimit();
  const biggest = Math.max(0, ...(opts.sections.has('burst') ? opts.bursts : [0]));
  if (fdLimit < biggest + 500) {
    process.stderr.write(
      `bench: ulimit -n is ${fdLimit}; bursts of ${biggest} connections need about ${biggest + 500} ` +
        `open files per process, so larger bursts will be skipped. Raise it first: ulimit -n 20000\n`,
    );
  }
  if (opts.build) buildCli();

  const started = performance.now();
  const burrowNodeArgs = [
    ...opts.burrowNodeArgs,
    ...(opts.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProf}`] : []),
  ];
  if (opts.cpuProf) mkdirSync(opts.cpuProf, { recursive: true });
  const allSpecs: TunnelSpec[] = [
    { name: 'burrow', kind: 'burrow', nodeArgs: burrowNodeArgs },
    ...opts.variants.map((v): TunnelSpec => ({
      name: v.name,
      kind: 'burrow',
      bundle: v.bundle,
      nodeArgs: [...burrowNodeArgs, ...v.nodeArgs],
    })),
    { name: 'ssh-gcm', kind: 'ssh', sshArgs: ['-c', AES_GCM] },
    { name: 'ssh-default', kind: 'ssh', sshArgs: [] },
  ];
  const specs = allSpecs.filter((s) => !opts.tunnels || opts.tunnels.has(s.name));
  if (specs.length === 0) {
    process.stderr.write('bench: --tunnels left nothing to run\n');
    return 2;
  }

  const keys = await makeTestKeys();
  const dir = await makeTempDir('burrow-bench-');
  const sshd = await startSshd({ keys });
  const loadgen = await LoadGen.start();
  const env: BenchEnv = { sshd, keys, dir };
  let bench: Bench | undefined;
  const cleanup = async (): Promise<void> => {
    await bench?.stopMains().catch(() => {});
    await loadgen.stop().catch(() => {});
    await sshd.stop().catch(() => {});
    await keys.cleanup().catch(() => {});
    const { rm } = await import('node:fs/promises');
    await rm(dir, { recursive: true, force: true });
  };
  let interrupted = false;
  process.once('SIGINT', () => {
    interrupted = true;
    log('\ninterrupted: stopping tunnels…');
    void cleanup().then(() => process.exit(130));
  });

  try {
    const host = hostInfo();
    const ciphers: Record<string, string> = {};
    for (const spec of specs) {
      // The Burrow probe uses this tree's algorithm preferences; a variant build may differ.
      ciphers[spec.name] =
        spec.kind === 'ssh'
          ? await sshCipher(env, spec)
          : spec.bundle
            ? 'not checked (variant build)'
            : await burrowCipher(env);
    }
    // Figures from a run with its sizes or sections changed are not comparable with the history.
    const plain = new Set(['--quick', '--no-build', '--no-save']);
    const mode = process.argv.slice(2).some((a) => !plain.has(a))
      ? 'custom'
      : opts.quick
        ? 'quick'
        : 'full';
    log(`Burrow bench (${mode}) — ${new Date().toISOString()}`);
    log(
      `host: ${host.cpus} × ${host.cpuModel}, Linux ${host.kernel}, Node ${host.node}, ${host.openssh}, ` +
        `ssh2 ${host.ssh2} (native crypto ${host.ssh2NativeCrypto ? 'loaded' : 'NOT loaded: slow JS fallback'})`,
    );
    log(
      `ciphers (client→server): ${Object.entries(ciphers)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
    bench = new Bench(opts, env, loadgen, specs, ciphers, host, mode);
    for (const [name, cipher] of Object.entries(ciphers)) {
      if (name === 'burrow' && cipher !== AES_GCM)
        log(
          `warning: ${name} negotiates ${cipher}, not ${AES_GCM}: its ratios against ssh-gcm compare different ciphers`,
        );
    }

    if (opts.sections.has('startup')) await bench.startup();
    const needMains = ['throughput', 'latency', 'burst'].some((s) => opts.sections.has(s as never));
    if (needMains) {
      log('\n# starting the tunnels under test');
      await bench.startMains();
      bench.addMainRssRow();
      if (opts.sections.has('throughput')) await bench.throughput();
      if (opts.sections.has('latency')) await bench.latency();
      if (opts.sections.has('burst')) await bench.bursts();
      await bench.stopMains();
    }
    if (opts.sections.has('idle')) await bench.idle();

    const { table, results } = bench.finish();
    log(
      `\n${'='.repeat(20)} Burrow vs OpenSSH (${mode}, ${new Date().toISOString().slice(0, 10)}) ${'='.repeat(20)}`,
    );
    log(
      `ciphers: ${Object.entries(ciphers)
        .map(([k, v]) => `${k} = ${v}`)
        .join('; ')}`,
    );
    log('ratio columns are Burrow / OpenSSH; ↑ higher is better, ↓ lower is better\n');
    log(table);
    for (const n of results.notes) log(`note: ${n}`);
    if (opts.save) {
      const outDir = join(import.meta.dirname, 'results');
      mkdirSync(outDir, { recursive: true });
      const file = join(outDir, `${results.date.replace(/[:.]/g, '-')}.json`);
      writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
      log(`\nresults: ${file}`);
    }
    log(`took ${((performance.now() - started) / 1000).toFixed(0)} s`);
    return 0;
  } finally {
    if (!interrupted) await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
