/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`, e.g. `npm run bench -- --cpu-prof DIR`):
 * self time by group (crypto, ssh2 protocol, stream plumbing, our code...) and the top functions.
 *
 *   npx tsx bench/profile-summary.ts FILE.cpuprofile [--top 30] [--skip SECONDS]
 *
 * --skip leaves out the first seconds (process start-up, login) so the figures describe the
 * traffic alone.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Which part of the stack a frame belongs to, judged by its file. */
export function groupOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(garbage collector)') return 'gc';
  if (functionName === '(program)') return 'native/other (program)';
  if (url.includes('ssh2/lib/protocol/crypto')) return 'crypto (ssh2 crypto.js + binding)';
  if (url.includes('ssh2/lib/protocol/')) return 'ssh2 protocol (parse/build packets)';
  if (url.includes('ssh2/lib/')) return 'ssh2 channels/client';
  if (url.includes('node:internal/streams') || url.includes('node:stream')) return 'node streams';
  if (url.includes('node:net') || url.includes('node:internal/stream_base_commons'))
    return 'node net/socket';
  if (url.includes('node:internal/crypto') || url.includes('node:crypto')) return 'node crypto';
  if (url.includes('node:events') || url.includes('node:internal/process/task_queues'))
    return 'events/ticks';
  if (url.includes('node:buffer') || url.includes('node:internal/buffer')) return 'buffers';
  if (/dist\/cli\/burrow\.[cm]?js/.test(url) || url.includes('/electron/'))
    return 'burrow (our code)';
  if (url.startsWith('node:')) return 'node other';
  if (url === '') return `native: ${functionName || '(anonymous)'}`;
  return 'other js';
}

export function summarise(profile: Profile, top = 30, skipSeconds = 0): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  let t = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if (t < skipSeconds * 1e6) continue;
    const id = profile.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  let idle = 0;
  const groups = new Map<string, number>();
  const fns = new Map<string, { us: number; group: string }>();
  for (const [id, us] of self) {
    const frame = byId.get(id)!.callFrame;
    const group = groupOf(frame);
    if (group === 'idle') {
      idle += us;
      continue;
    }
    groups.set(group, (groups.get(group) ?? 0) + us);
    const file = frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\//, '');
    const key = `${frame.functionName || '(anonymous)'}  ${file}${file ? `:${frame.lineNumber + 1}` : ''}`;
    const f = fns.get(key) ?? { us: 0, group };
    f.us += us;
    fns.set(key, f);
  }
  const busy = total - idle;
  // Inclusive time of our own functions: which of them the rest of the time is spent under.
  const ours = new Map<string, number>();
  for (const [id, us] of self) {
    if (groupOf(byId.get(id)!.callFrame) === 'idle') continue;
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = byId.get(cur)!.callFrame;
      if (groupOf(frame) !== 'burrow (our code)') continue;
      const key = `${frame.functionName || '(anonymous)'}:${frame.lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      ours.set(key, (ours.get(key) ?? 0) + us);
    }
  }
  const pct = (us: number): string => `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
  const lines = [
    `profile: ${(total / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s busy (${((100 * busy) / total).toFixed(0)}%), percentages of busy time`,
    '',
    'by group (self time):',
    ...[...groups.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([g, us]) => `  ${pct(us)}  ${(us / 1e3).toFixed(0).padStart(7)} ms  ${g}`),
    '',
    `top ${top} functions (self time):`,
    ...[...fns.entries()]
      .sort((a, b) => b[1].us - a[1].us)
      .slice(0, top)
      .map(([k, f]) => `  ${pct(f.us)}  ${k}   [${f.group}]`),
    '',
    'our functions by inclusive time (bundle line numbers):',
    ...[...ours.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([k, us]) => `  ${pct(us)}  ${k}`),
  ];
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, ''))) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: tsx bench/profile-summary.ts FILE.cpuprofile [--top N]\n');
    process.exit(2);
  }
  const topIdx = process.argv.indexOf('--top');
  const top = topIdx > 0 ? Number(process.argv[topIdx + 1]) : 30;
  const skipIdx = process.argv.indexOf('--skip');
  const skip = skipIdx > 0 ? Number(process.argv[skipIdx + 1]) : 0;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  console.log(summarise(profile, top, skip));
}
