/** The summary table: one row per figure, a column per tunnel, and Burrow/OpenSSH ratios. */

export interface Row {
  group: string;
  label: string;
  unit: string;
  /** Which way is good: decides the arrow, never the ratio (always Burrow / OpenSSH). */
  better: 'higher' | 'lower' | 'info';
  /** Loopback TCP without a tunnel, where it means something (the ceiling). */
  raw?: number;
  values: Record<string, number | undefined>;
  digits?: number;
}

export interface TableColumns {
  burrows: string[];
  sshs: string[];
}

function fmt(v: number | undefined, digits: number): string {
  if (v === undefined || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return '∞';
  return v.toFixed(digits);
}

export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined || Number.isNaN(a) || Number.isNaN(b)) return undefined;
  if (b === 0) return a === 0 ? 1 : Infinity;
  return a / b;
}

/** Renders the rows as a fixed-width text table. */
export function renderTable(rows: Row[], cols: TableColumns): string {
  const ratioCols = cols.burrows.flatMap((b) => cols.sshs.map((s) => [b, s] as const));
  const header = [
    'metric',
    'unit',
    'raw TCP',
    ...cols.burrows,
    ...cols.sshs,
    ...ratioCols.map(([b, s]) => `${b}/${s}`),
  ];
  const lines: string[][] = [];
  let group = '';
  const groupLines = new Set<number>();
  for (const row of rows) {
    if (row.group !== group) {
      group = row.group;
      groupLines.add(lines.length);
      lines.push([group]);
    }
    const d = row.digits ?? 0;
    const arrow = row.better === 'higher' ? ' ↑' : row.better === 'lower' ? ' ↓' : '';
    lines.push([
      `  ${row.label}${arrow}`,
      row.unit,
      fmt(row.raw, d),
      ...cols.burrows.map((b) => fmt(row.values[b], d)),
      ...cols.sshs.map((s) => fmt(row.values[s], d)),
      ...ratioCols.map(([b, s]) =>
        row.better === 'info' ? '' : fmt(ratio(row.values[b], row.values[s]), 2),
      ),
    ]);
  }
  const widths = header.map((h, i) =>
    Math.max(
      h.length,
      ...lines.filter((_, j) => !groupLines.has(j)).map((l) => (l[i] ?? '').length),
    ),
  );
  const render = (cells: string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [render(header), widths.map((w) => '-'.repeat(w)).join('  ')];
  lines.forEach((l, j) => out.push(groupLines.has(j) ? l[0]! : render(l)));
  return out.join('\n');
}
