import type { ErrorInfo, Profile, ProfileStatus } from '../../shared';
import { describeForward, describeSession, formatBytes, formatError, hostPort } from './format';

const HEADER = ['PROFILE / FORWARD', 'STATE', 'ADDRESS', 'CONNS', 'TOTAL', 'IN', 'OUT'];
const NOT_REPORTED = 'waiting';
/** Columns aligned right: the numbers. */
const NUMERIC = new Set([3, 4, 5, 6]);

/** `spill`: the last cell may run past its column (a long session state) without widening it. */
type Line = { cells: string[]; spill?: boolean } | { text: string };

/**
 * The live table as lines no wider than `width` (so a redraw knows exactly how many lines to go
 * back up): a row per profile and per forward, errors as wrapped sentences under their row.
 */
export function renderStatusTable(
  profiles: readonly Profile[],
  statuses: ReadonlyMap<string, ProfileStatus>,
  now: number,
  width = 100,
): string[] {
  const lines: Line[] = [{ cells: HEADER }];
  for (const profile of profiles) {
    const status = statuses.get(profile.id);
    // Until the engine reports a profile, say so rather than guess a state it never reported.
    if (!status) {
      lines.push({ cells: [profile.name, NOT_REPORTED], spill: true });
      for (const forward of profile.forwards)
        lines.push({
          cells: [`  ${describeForward(forward)}`, forward.enabled ? NOT_REPORTED : 'disabled'],
        });
      continue;
    }
    const session = status.session;
    lines.push({ cells: [profile.name, describeSession(session, now)], spill: true });
    if (session.state === 'error') lines.push(...errorLines(session.error, '  ! '));
    if (session.state === 'reconnecting') lines.push(...errorLines(session.lastError, '  ! '));
    for (const forward of profile.forwards) {
      const fs = status.forwards[forward.id];
      const state = fs?.state ?? { state: 'stopped' as const };
      const counters = fs?.counters;
      lines.push({
        cells: [
          `  ${describeForward(forward)}`,
          !fs && !forward.enabled ? 'disabled' : state.state,
          state.state === 'active' ? hostPort(state.bindHost, state.bindPort) : '',
          counters ? String(counters.activeConnections) : '',
          counters ? String(counters.totalConnections) : '',
          counters ? formatBytes(counters.bytesIn) : '',
          counters ? formatBytes(counters.bytesOut) : '',
        ],
      });
      if (state.state === 'error') lines.push(...errorLines(state.error, '    ! '));
      if (fs?.lastError) lines.push(...errorLines(fs.lastError, '    last failed connection: '));
    }
  }
  lines.push({ text: 'Ctrl-C stops every tunnel.' });
  return layout(lines, width);
}

function errorLines(error: ErrorInfo, prefix: string): Line[] {
  return [{ text: `${prefix}${formatError(error)}` }];
}

function layout(lines: readonly Line[], width: number): string[] {
  const widths: number[] = [];
  for (const line of lines) {
    if ('cells' in line) {
      const measured = line.spill ? line.cells.slice(0, -1) : line.cells;
      measured.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
    }
  }
  // One column less than the terminal: writing the last column makes some terminals wrap.
  const max = Math.max(40, width - 1);
  const out: string[] = [];
  for (const line of lines) {
    if ('text' in line) {
      out.push(...wrap(line.text, max));
      continue;
    }
    const padded = line.cells.map((cell, i) =>
      NUMERIC.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0),
    );
    out.push(truncate(padded.join('  ').trimEnd(), max));
  }
  return out;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Word-wraps a sentence, continuing lines under its first word so errors stay readable. */
export function wrap(text: string, max: number): string[] {
  if (text.length <= max) return [text];
  const indent = ' '.repeat(Math.min(text.search(/\S/) + 2, Math.floor(max / 2)));
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/(?<=\S) +/)) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (candidate.length <= max || line === '') {
      line = candidate;
    } else {
      out.push(line);
      line = `${indent}${word}`;
    }
  }
  if (line) out.push(line);
  return out.map((l) => truncate(l, max));
}
