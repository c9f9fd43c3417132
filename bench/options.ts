import { parseArgs } from 'node:util';

export const SECTIONS = ['startup', 'throughput', 'latency', 'burst', 'idle'] as const;
export type Section = (typeof SECTIONS)[number];
export const FORWARD_KINDS = ['local', 'remote', 'socks'] as const;
export type ForwardKind = (typeof FORWARD_KINDS)[number];

export interface BenchOptions {
  quick: boolean;
  sections: Set<Section>;
  /** Bytes per throughput transfer. */
  bytes: number;
  rounds: number;
  forwards: Set<ForwardKind>;
  dirs: Set<'up' | 'down'>;
  latencyCycles: number;
  /** Latency: connections through each tunnel before the measured cycles (reported apart). */
  latencyWarmup: number;
  bursts: number[];
  burstTimeoutMs: number;
  startupReps: number;
  idleForwards: number;
  idleWindowMs: number;
  /** Only these tunnels (names), when given. */
  tunnels: Set<string> | undefined;
  /** Extra Burrow builds to run beside the main one: name → CLI bundle path, own node flags. */
  variants: { name: string; bundle: string; nodeArgs: string[] }[];
  /** Node flags for every Burrow process (e.g. --perf-basic-prof). */
  burrowNodeArgs: string[];
  /** Run every Burrow process under `node --cpu-prof` into this directory. */
  cpuProf: string | undefined;
  build: boolean;
  save: boolean;
}

export const USAGE = `Usage: npm run bench -- [options]

Burrow against OpenSSH's ssh client on a private sshd on loopback (needs root and
openssh-server). Without options: the full suite, about 10 minutes.

  --quick               Small sizes and counts (under a minute; what CI runs)
  --only LIST           Sections to run, comma-separated: ${SECTIONS.join(',')}
  --size MiB            Bytes per throughput transfer (full 1024, quick 64)
  --rounds N            Throughput rounds, each tunnel once per round (full 3, quick 1)
  --forwards LIST       Throughput forwards: ${FORWARD_KINDS.join(',')} (default all)
  --dirs LIST           Throughput directions: up,down (default both)
  --cycles N            Latency: sequential connect-echo-close cycles (full 500, quick 100),
                        then a quarter as many (at most 200) started 50 ms apart
  --warmup N            Latency: cycles through each tunnel before those (full 1000, quick 20),
                        reported apart as "first N": Node's JIT is still compiling then
  --bursts LIST         Burst sizes (full 1000,4000,10000; quick 200,1000)
  --tunnels LIST        Only these tunnels: burrow, ssh-gcm, ssh-default, or variant names
  --variant NAME=FILE[::NODE_FLAGS]
                        Also run this Burrow CLI bundle (an experimental build; FILE may be
                        dist/cli/burrow.cjs itself to try node flags), interleaved
  --burrow-node-args S  Node flags for every Burrow process (space-separated)
  --cpu-prof DIR        Run Burrow under node --cpu-prof, profiles into DIR
  --no-build            Do not rebuild dist/cli/burrow.cjs first
  --no-save             Do not write bench/results/<timestamp>.json
  -h, --help            This help
`;

function list(value: string | undefined): string[] | undefined {
  return value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function positive(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new Error(`--${name} wants a positive number, got ${value}`);
  return n;
}

export function parseOptions(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      size: { type: 'string' },
      rounds: { type: 'string' },
      forwards: { type: 'string' },
      dirs: { type: 'string' },
      cycles: { type: 'string' },
      warmup: { type: 'string' },
      bursts: { type: 'string' },
      tunnels: { type: 'string' },
      variant: { type: 'string', multiple: true },
      'burrow-node-args': { type: 'string' },
      'cpu-prof': { type: 'string' },
      'no-build': { type: 'boolean', default: false },
      'no-save': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
    strict: true,
  });
  if (values.help) return 'help';
  const quick = values.quick;
  const only = list(values.only);
  for (const s of only ?? [])
    if (!(SECTIONS as readonly string[]).includes(s))
      throw new Error(`--only: unknown section ${s}`);
  const forwards = list(values.forwards) ?? [...FORWARD_KINDS];
  for (const f of forwards)
    if (!(FORWARD_KINDS as readonly string[]).includes(f))
      throw new Error(`--forwards: unknown ${f}`);
  const dirs = list(values.dirs) ?? ['up', 'down'];
  for (const d of dirs) if (d !== 'up' && d !== 'down') throw new Error(`--dirs: unknown ${d}`);
  const bursts =
    list(values.bursts)?.map((b) => positive('bursts', b)!) ??
    (quick ? [200, 1000] : [1000, 4000, 10_000]);
  const variants = (values.variant ?? []).map((v) => {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new Error(`--variant wants NAME=FILE[::NODE_FLAGS], got ${v}`);
    const [bundle, flags] = v.slice(eq + 1).split('::');
    return {
      name: v.slice(0, eq),
      bundle: bundle!,
      nodeArgs: flags?.split(/\s+/).filter(Boolean) ?? [],
    };
  });
  return {
    quick,
    sections: new Set((only ?? SECTIONS) as Section[]),
    bytes: Math.round((positive('size', values.size) ?? (quick ? 64 : 1024)) * 1024 * 1024),
    rounds: positive('rounds', values.rounds) ?? (quick ? 1 : 3),
    forwards: new Set(forwards as ForwardKind[]),
    dirs: new Set(dirs as ('up' | 'down')[]),
    latencyCycles: positive('cycles', values.cycles) ?? (quick ? 100 : 500),
    latencyWarmup: positive('warmup', values.warmup) ?? (quick ? 20 : 1000),
    bursts,
    burstTimeoutMs: quick ? 10_000 : 30_000,
    startupReps: quick ? 3 : 10,
    idleForwards: 100,
    idleWindowMs: quick ? 1000 : 5000,
    tunnels: values.tunnels ? new Set(list(values.tunnels)) : undefined,
    variants,
    cpuProf: values['cpu-prof'],
    burrowNodeArgs: values['burrow-node-args']?.split(/\s+/).filter(Boolean) ?? [],
    build: !values['no-build'],
    save: !values['no-save'],
  };
}
