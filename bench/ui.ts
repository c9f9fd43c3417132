/**
 * `npm run bench:ui`: the renderer's main-thread cost per status batch, in Debian's Chromium.
 *
 * Issue 4 asks that 500 forwards with state updating ten times a second stay smooth. The page is
 * the production build of the renderer; main's side of the bridge is replaced by a synthetic one
 * (bench/ui/synthetic-api.ts) that sends batches in which ALL 500 forwards changed, at 10 a second,
 * the most main ever sends. Chromium's own accounting (CDP Performance.getMetrics: TaskDuration,
 * ScriptDuration, LayoutDuration, RecalcStyleDuration) gives the main-thread time; the same run
 * without batches gives the idle baseline, subtracted out. Frame gaps come from
 * requestAnimationFrame timestamps inside the page.
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { build } from 'vite';
import { rendererConfig } from '../renderer.vite';
import { chromiumAvailability, launchChromium } from '../test/support/browser';
import { installSyntheticApi } from './ui/synthetic-api';

interface Options {
  /** Print the functions that took the most main-thread time during the busy run. */
  profile: boolean;
  forwards: number;
  rate: number;
  seconds: number;
}

function parse(argv: string[]): Options {
  const quick = argv.includes('--quick');
  const value = (flag: string, fallback: number): number => {
    const i = argv.indexOf(flag);
    return i >= 0 ? Number(argv[i + 1]) : fallback;
  };
  return {
    profile: argv.includes('--profile'),
    forwards: value('--forwards', 500),
    rate: value('--rate', 10),
    seconds: value('--seconds', quick ? 3 : 20),
  };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

async function serve(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const file = join(dir, path === '/' ? 'index.html' : path);
    if (!file.startsWith(dir)) return void res.writeHead(403).end();
    readFile(file).then(
      (body) =>
        res
          .writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
          .end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return { server, url: `http://127.0.0.1:${address.port}/` };
}

type Metrics = Record<string, number>;

async function metrics(cdp: CDPSession): Promise<Metrics> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as {
    metrics: { name: string; value: number }[];
  };
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

/** Main-thread seconds spent in the window while `run` goes on, by Chromium's accounting. */
async function measure(page: Page, cdp: CDPSession, run: () => Promise<number>) {
  const before = await metrics(cdp);
  await page.evaluate(() => {
    const w = window as unknown as { __frames: number[] };
    w.__frames = [];
    const tick = (t: number): void => {
      w.__frames.push(t);
      if (w.__frames.length < 100_000) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const batches = await run();
  const after = await metrics(cdp);
  const frames = await page.evaluate(() => (window as unknown as { __frames: number[] }).__frames);
  const gaps = frames
    .slice(1)
    .map((t, i) => t - frames[i]!)
    .sort((a, b) => a - b);
  const diff = (name: string): number => (after[name] ?? 0) - (before[name] ?? 0);
  return {
    batches,
    task: diff('TaskDuration'),
    script: diff('ScriptDuration'),
    layout: diff('LayoutDuration'),
    style: diff('RecalcStyleDuration'),
    frameP95: gaps[Math.floor(gaps.length * 0.95)] ?? 0,
    frameMax: gaps.at(-1) ?? 0,
  };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/** Self time by function from a CDP CPU profile, top 20. */
async function printProfile(cdp: CDPSession): Promise<void> {
  const { profile } = (await cdp.send('Profiler.stop')) as {
    profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  };
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const frame = byNode.get(id)!.callFrame;
    const name = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop()}:${frame.lineNumber}`;
    self.set(name, (self.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  for (const [name, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 20))
    console.log(`  ${ms.toFixed(0).padStart(7)} ms  ${name}`);
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  const outDir = await mkdtemp(join(tmpdir(), 'burrow-ui-bench-'));
  const available = chromiumAvailability();
  if (!available.ok) throw new Error(`bench:ui needs Chromium: ${available.reason}`);
  const browser = await launchChromium();
  let server: Server | undefined;
  try {
    await build({
      ...rendererConfig(),
      configFile: false,
      base: './',
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true },
    });
    const served = await serve(outDir);
    server = served.server;
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // tsx compiles with esbuild's keepNames, whose `__name` helper the page does not have.
    const config = JSON.stringify({ profiles: 30, forwardsPerProfile: options.forwards });
    await page.addInitScript({
      content: `globalThis.__name = (f) => f; (${installSyntheticApi.toString()})(${config});`,
    });
    page.on('pageerror', (err) => console.error(`page error: ${err.message}`));
    await page.goto(served.url);
    await page.getByRole('heading', { name: /Big profile/ }).waitFor();
    await page.locator('.forward-row').first().waitFor();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const period = 1000 / options.rate;
    const ms = options.seconds * 1000;

    // Warm up (JIT, first renders), then the idle baseline, then the same time with batches.
    await page.evaluate(async (n) => {
      const w = window as unknown as { __benchEmitBatch(): void };
      for (let i = 0; i < n; i++) {
        w.__benchEmitBatch();
        await new Promise((r) => setTimeout(r, 50));
      }
    }, 20);
    const idle = await measure(page, cdp, async () => {
      await page.waitForTimeout(ms);
      return 0;
    });
    if (options.profile) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    const busy = await measure(page, cdp, () =>
      page.evaluate(
        async ({ period, ms }) => {
          const w = window as unknown as { __benchEmitBatch(): void };
          const start = performance.now();
          let sent = 0;
          while (performance.now() - start < ms) {
            w.__benchEmitBatch();
            sent++;
            const next = start + sent * period;
            await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
          }
          return sent;
        },
        { period, ms },
      ),
    );
    if (options.profile) await printProfile(cdp);
    const mounted = await page.locator('.forward-row').count();
    const perBatchMs = ((busy.task - idle.task) / busy.batches) * 1000;
    const share = (busy.task / options.seconds) * 100;
    const line = (label: string, value: string): void =>
      console.log(`  ${label.padEnd(38)} ${value}`);
    console.log(
      `UI: ${options.forwards} forwards, ${options.rate} batches/s for ${options.seconds} s (every forward changes in every batch); Chromium ${browser.version()}`,
    );
    line('batches sent', String(busy.batches));
    line('rows mounted (windowed list)', String(mounted));
    line('main-thread time per batch', `${perBatchMs.toFixed(2)} ms (idle baseline removed)`);
    line(
      '  of which script / style / layout',
      `${((busy.script / busy.batches) * 1000).toFixed(2)} / ${((busy.style / busy.batches) * 1000).toFixed(2)} / ${((busy.layout / busy.batches) * 1000).toFixed(2)} ms`,
    );
    line(
      'main thread busy',
      `${share.toFixed(1)}% of wall time (idle: ${((idle.task / options.seconds) * 100).toFixed(1)}%)`,
    );
    line(
      'frame interval p95 / max',
      `${busy.frameP95.toFixed(1)} / ${busy.frameMax.toFixed(1)} ms`,
    );
    console.log(
      `  budget: a batch every ${period.toFixed(0)} ms; ${perBatchMs < 16 ? 'fits in one frame (16 ms)' : 'DOES NOT fit in one frame (16 ms)'}`,
    );

    // The editor of the same profile: every keystroke re-checks the whole draft (500 forwards)
    // with the shared schema and re-renders the form.
    // CSS selectors and raw key presses: a role or label locator would search all 38,000
    // elements of the page on every press, and that search would be measured too.
    const opening = performance.now();
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const nameField = 'form input[type="text"]';
    await page.waitForSelector(nameField, { timeout: 120_000 });
    line(
      `editor (${options.forwards} forwards): opens in`,
      `${(performance.now() - opening).toFixed(0)} ms (click to first field shown)`,
    );
    await page.focus(nameField);
    await page.keyboard.press('End');
    const keys = options.seconds >= 10 ? 40 : 10;
    const typing = await measure(page, cdp, async () => {
      for (let i = 0; i < keys; i++) await page.keyboard.press('x');
      await page.waitForTimeout(200);
      return keys;
    });
    line(
      `editor (${options.forwards} forwards): per keystroke`,
      `${((typing.task / keys) * 1000).toFixed(1)} ms main thread (script / style / layout ${((typing.script / keys) * 1000).toFixed(1)} / ${((typing.style / keys) * 1000).toFixed(1)} / ${((typing.layout / keys) * 1000).toFixed(1)} ms; ${await page.evaluate(() => document.getElementsByTagName('*').length)} elements)`,
    );
  } finally {
    await browser.close();
    server?.close();
    await rm(outDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
