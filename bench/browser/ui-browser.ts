// Browser benchmark of the visualizer (issue #7 "Performance"): builds the app (or reuses
// $IOPATH_BENCH_DIST), serves it on 127.0.0.1, drives it in headless Chromium and measures
//   - first load to interactive (default scenario drawn) and the initial JS (gzip, every .js the
//     first load fetches, the engine worker included);
//   - a generated 1,000,000-event trace (bigTrace.ts): the file input path (the File goes to the
//     worker unread, scanned into columns there), then the same load timed from the page (the
//     store's load of the file's Blob — what the file input does after routing) until the
//     store is ready, the readout shows the last event and the flow draws the current step;
//   - seek to random steps (p50/p95/max until the readout and the flow's current step show the
//     new cursor), with the flow + inspector, and with the SCM map and sequence diagram shown;
//   - playback at 100 steps/s on the biggest diagram of the trace: rAF fps and the longest
//     main-thread task (PerformanceObserver 'longtask').
// Prints a table and writes bench/results/ui-browser.json. `npm run bench` runs it through
// bench/ui.bench.ts; alone: `npx tsx bench/browser/ui-browser.ts [--events N] [--seeks N]`.
import { createServer } from 'node:http';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
  createReadStream,
} from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { chromium, type CDPSession, type Page } from '@playwright/test';
import { generateBigTrace } from './bigTrace.ts';

const root = resolve(import.meta.dirname, '../..');

const MIME: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
};

const BUDGET = {
  load_ms: 2000,
  seek_p95_ms: 50,
  playback_fps: 60,
  longest_task_ms: 50,
  first_load_interactive_ms: 1500,
  initial_js_gzip_kb: 400,
};

export interface UiBenchOptions {
  events?: number;
  seeks?: number;
  reps?: number;
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const median = (xs: number[]): number => pct(xs, 50);
const r1 = (x: number): number => Math.round(x * 10) / 10;

async function buildDist(): Promise<string> {
  const given = process.env.IOPATH_BENCH_DIST;
  if (given && existsSync(join(given, 'index.html'))) return given;
  const outDir = given ?? '/tmp/iopath-ui-bench-dist';
  const { build } = await import('vite');
  await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  return outDir;
}

function serve(dist: string, extra: Map<string, string>): Promise<{ url: string; close(): void }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
    const file = extra.get(path) ?? join(dist, path === '/' ? 'index.html' : path);
    if (!file.startsWith(dist) && !extra.has(path)) {
      res.writeHead(403).end();
      return;
    }
    if (!existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      'content-length': statSync(file).size,
    });
    createReadStream(file).pipe(res);
  });
  return new Promise((r) =>
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      r({ url: `http://127.0.0.1:${port}`, close: () => server.close() });
    }),
  );
}

interface BenchWindow {
  iopathBench: {
    loadTrace(text: string | Blob): void;
    state(): { status: string; count: number; cursor: number; playing: boolean };
    setCursor(i: number): void;
    setSpeedIndex(i: number): void;
    setPlaying(on: boolean): void;
    firstOf(pipeline: string): number;
    pipelines(): { id: string; steps: number }[];
  };
}

const sessions = new WeakMap<Page, CDPSession>();

/**
 * Main-thread CPU time so far (CDP Performance.getMetrics `ThreadTime`, ms): unlike wall time
 * it does not count the time the renderer waited for a CPU on a loaded machine.
 */
async function busyMs(page: Page): Promise<number> {
  let cdp = sessions.get(page);
  if (!cdp) {
    cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    sessions.set(page, cdp);
  }
  const { metrics } = await cdp.send('Performance.getMetrics');
  return (metrics.find((m) => m.name === 'ThreadTime')?.value ?? NaN) * 1000;
}

interface SeekStats {
  p50: number;
  p95: number;
  max: number;
  /** Main-thread CPU ms per seek (the settle frame included): CPU, not wall, time. */
  cpu_per_seek: number;
}

async function seekRun(page: Page, n: number, seeks: number, seed: number): Promise<SeekStats> {
  const b0 = await busyMs(page);
  const ms = await seekTimes(page, n, seeks, seed);
  const busy = ((await busyMs(page)) - b0) / seeks;
  return {
    p50: r1(pct(ms, 50)),
    p95: r1(pct(ms, 95)),
    max: r1(Math.max(...ms)),
    cpu_per_seek: r1(busy),
  };
}

function seekTimes(page: Page, n: number, seeks: number, seed: number): Promise<number[]> {
  return page.evaluate(
    async ({ n, seeks, seed }) => {
      // The page shows cursor k: readout "k / …", exactly one current step in the flow, and
      // every view with a data-cursor at k.
      const ready = (k: number): boolean => {
        const pos = document.querySelector('[data-testid="position"]')?.textContent ?? '';
        if (!pos.startsWith(`${k} /`)) return false;
        const flow = document.querySelector('[data-view="flow"]');
        if (flow && flow.querySelectorAll('[aria-current="step"]').length !== 1) return false;
        // A shown view that says which step it draws (data-cursor: SCM, sequence) must draw k:
        // the readout alone is patched before the views render.
        for (const v of document.querySelectorAll('[data-view][data-cursor]'))
          if (v.getAttribute('data-cursor') !== String(k)) return false;
        return true;
      };
      const b = (window as unknown as BenchWindow).iopathBench;
      let x = seed >>> 0;
      const rnd = () => {
        x ^= x << 13;
        x >>>= 0;
        x ^= x >>> 17;
        x ^= x << 5;
        x >>>= 0;
        return x / 0x1_0000_0000;
      };
      const ch = new MessageChannel();
      const tick = () =>
        new Promise<void>((r) => {
          ch.port1.onmessage = () => r();
          ch.port2.postMessage(0);
        });
      const out: number[] = [];
      for (let i = 0; i < seeks; i++) {
        const k = Math.floor(rnd() * n);
        // Settle the previous seek's frame first (its paint must not count against this one).
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        const t0 = performance.now();
        b.setCursor(k);
        for (let spins = 0; !ready(k); spins++) {
          if (spins > 100000) throw new Error(`seek to ${k} never showed`);
          await tick();
        }
        out.push(performance.now() - t0);
      }
      return out;
    },
    { n, seeks, seed },
  );
}

export async function runUiBrowserBench(
  opts: UiBenchOptions = {},
): Promise<Record<string, unknown>> {
  const N = opts.events ?? 1_000_000;
  const seeks = opts.seeks ?? 200;
  const reps = opts.reps ?? 3;
  const dist = await buildDist();
  const gen0 = Date.now();
  const big = generateBigTrace(root, N, 7);
  const genMs = Date.now() - gen0;
  const traceFile = '/tmp/iopath-ui-bench-trace.json';
  writeFileSync(traceFile, big.text);
  const traceMiB = big.text.length / 1048576;
  const srv = await serve(dist, new Map([['/bench-trace.json', traceFile]]));
  const findBrowserPath = '../../scripts/find-browser.mjs';
  const { findBrowser } = (await import(findBrowserPath)) as { findBrowser: () => Promise<string> };
  const browser = await chromium.launch({
    headless: true,
    executablePath: await findBrowser(),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--js-flags=--max-old-space-size=6144',
    ],
  });
  const rows: Record<string, unknown> = {};
  try {
    // ---- first load to interactive + initial JS -------------------------------------------
    const tti: number[] = [];
    let jsFiles: string[] = [];
    for (let i = 0; i < reps; i++) {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const fetched = new Set<string>();
      ctx.on('response', (r) => {
        const u = new URL(r.url());
        if (u.pathname.endsWith('.js')) fetched.add(u.pathname);
      });
      const page = await ctx.newPage();
      await page.goto(`${srv.url}/`);
      const h = await page.waitForFunction(
        () => {
          const flow = document.querySelector('[data-view="flow"]');
          const ok =
            flow?.querySelector('[aria-current="step"]') &&
            /^\d+ \/ \d+$/.test(
              document.querySelector('[data-testid="position"]')?.textContent ?? '',
            );
          return ok ? performance.now() : null;
        },
        null,
        { polling: 'raf', timeout: 60_000 },
      );
      tti.push((await h.jsonValue()) as number);
      jsFiles = [...fetched].sort();
      await ctx.close();
    }
    const jsGzip = jsFiles.map((p) => ({
      file: p,
      bytes: statSync(join(dist, p)).size,
      gzip: gzipSync(readFileSync(join(dist, p))).length,
    }));
    rows.first_load_interactive_ms = { median: r1(median(tti)), runs: tti.map(r1) };
    rows.initial_js = {
      files: jsGzip,
      gzip_kb: r1(jsGzip.reduce((a, f) => a + f.gzip, 0) / 1024),
    };

    // ---- the 1M-event trace ---------------------------------------------------------------
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // tsx keeps function names with a `__name` helper the page does not have.
    await ctx.addInitScript('window.__name = (f) => f');
    const page = await ctx.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('crash', () => pageErrors.push('page crashed'));
    await page.goto(`${srv.url}/?bench=1`);
    await page.waitForFunction(() =>
      /^\d+ \/ \d+$/.test(document.querySelector('[data-testid="position"]')?.textContent ?? ''),
    );
    // (a) the file input: what a user who picks the file gets. `in_page_ms` runs from the
    // input's change event (Playwright's own upload of the file over CDP excluded) until the
    // readout shows the last event.
    await page.evaluate(() => {
      const input = document.querySelector('[data-testid="import-file"]');
      input?.addEventListener(
        'change',
        () => ((window as unknown as { importT0: number }).importT0 = performance.now()),
        { once: true },
      );
    });
    const t0 = Date.now();
    await page.getByTestId('import-file').setInputFiles(traceFile);
    const banner = page.getByTestId('error-banner');
    const importOutcome = await Promise.race([
      banner.waitFor({ timeout: 120_000 }).then(async () => `error: ${await banner.innerText()}`),
      page
        .waitForFunction(
          (n) =>
            (document.querySelector('[data-testid="position"]')?.textContent ?? '').endsWith(
              `/ ${n - 1}`,
            ),
          N,
          { timeout: 120_000 },
        )
        .then(() => 'loaded'),
    ]).catch((e: Error) => `failed: ${e.message.split('\n')[0]}`);
    const inPage = await page.evaluate(
      () => performance.now() - (window as unknown as { importT0: number }).importT0,
    );
    rows.import_file = {
      outcome: importOutcome.slice(0, 200),
      wall_ms: Date.now() - t0,
      in_page_ms: r1(inPage),
    };
    // A fresh page for (b): the trace (a) loaded and its idle checkpoint warming must not
    // share the heap or the main thread with the timed load.
    await page.goto(`${srv.url}/?bench=1`);
    await page.waitForFunction(() =>
      /^\d+ \/ \d+$/.test(document.querySelector('[data-testid="position"]')?.textContent ?? ''),
    );
    // (b) the worker path: fetch the file as a Blob (not the app's cost: a picked File is one
    // already), then time load → interactive (worker reads + scans it, columns transferred,
    // readout on the last event, flow drawn).
    const load = await page.evaluate(async (n) => {
      const b = (window as unknown as BenchWindow).iopathBench;
      const blob = await (await fetch('/bench-trace.json')).blob();
      const t0 = performance.now();
      b.loadTrace(blob);
      for (;;) {
        await new Promise((r) => setTimeout(r, 5));
        const s = b.state();
        const pos = document.querySelector('[data-testid="position"]')?.textContent ?? '';
        const drawn = document.querySelector('[data-view="flow"] [aria-current="step"]');
        if (s.status === 'ready' && s.count === n && pos.endsWith(`/ ${n - 1}`) && drawn) break;
        if (performance.now() - t0 > 300_000) throw new Error(`load stuck at ${s.count}`);
      }
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      return performance.now() - t0;
    }, N);
    rows.load_ms = r1(load);

    // ---- seek ------------------------------------------------------------------------------
    rows.seek_flow_inspector_ms = await seekRun(page, N, seeks, 11);
    for (const tab of ['scm', 'sequence'] as const) {
      await page.locator(`[data-view-tab="${tab}"]`).click();
      await page.locator(`[data-view="${tab}"]`).waitFor();
      rows[`seek_${tab}_ms`] = await seekRun(page, N, Math.max(20, Math.floor(seeks / 4)), 23);
    }
    await page.locator('[data-view-tab="flow"]').click();
    await page.locator('[data-view="flow"]').waitFor();

    // ---- playback on the biggest diagram -------------------------------------------------
    const playBusy0 = await busyMs(page);
    const play = await page.evaluate(async () => {
      const b = (window as unknown as BenchWindow).iopathBench;
      const biggest = b.pipelines().sort((x, y) => y.steps - x.steps)[0]!;
      b.setCursor(b.firstOf(biggest.id));
      await new Promise((r) => setTimeout(r, 500));
      let longest = 0;
      const longTasks: number[] = [];
      const po = new PerformanceObserver((l) => {
        for (const e of l.getEntries()) {
          longTasks.push(e.duration);
          longest = Math.max(longest, e.duration);
        }
      });
      po.observe({ type: 'longtask', buffered: false });
      const from = b.state().cursor;
      b.setSpeedIndex(9); // 100 steps/s: the fastest timed speed
      b.setPlaying(true);
      const stamps: number[] = [];
      await new Promise<void>((done) => {
        const end = performance.now() + 3000;
        const f = (t: number) => {
          stamps.push(t);
          if (t < end) requestAnimationFrame(f);
          else done();
        };
        requestAnimationFrame(f);
      });
      b.setPlaying(false);
      await new Promise((r) => setTimeout(r, 50));
      po.disconnect();
      const gaps = stamps.slice(1).map((t, i) => t - stamps[i]!);
      gaps.sort((a, b2) => a - b2);
      return {
        pipeline: biggest.id,
        steps: biggest.steps,
        nodes_drawn: document.querySelectorAll('[data-view="flow"] [data-step]').length,
        stepped: b.state().cursor - from,
        fps: (stamps.length - 1) / ((stamps[stamps.length - 1]! - stamps[0]!) / 1000),
        p95_frame_ms: gaps[Math.floor(gaps.length * 0.95)] ?? NaN,
        longest_task_ms: longest,
        long_tasks: longTasks.length,
      };
    });
    rows.playback = {
      ...play,
      // setCursor + 0.5 s settle + 3 s of play: main-thread CPU ms per second of wall time.
      main_thread_cpu_ms_per_s: r1(((await busyMs(page)) - playBusy0) / 3.55),
      fps: r1(play.fps),
      p95_frame_ms: r1(play.p95_frame_ms),
      longest_task_ms: r1(play.longest_task_ms),
    };
    rows.page_errors = pageErrors;
    await ctx.close();
  } finally {
    await browser.close();
    srv.close();
  }

  const seekFlow = rows.seek_flow_inspector_ms as SeekStats;
  const seekScm = rows.seek_scm_ms as SeekStats;
  const seekSeq = rows.seek_sequence_ms as SeekStats;
  const play = rows.playback as { fps: number; longest_task_ms: number; pipeline: string };
  const tti = rows.first_load_interactive_ms as { median: number };
  const js = rows.initial_js as { gzip_kb: number };
  const table: [string, string, string, boolean][] = [
    [
      'first load to interactive (median ms)',
      String(tti.median),
      `<= ${BUDGET.first_load_interactive_ms}`,
      tti.median <= BUDGET.first_load_interactive_ms,
    ],
    [
      'initial JS gzip (KB)',
      String(js.gzip_kb),
      `<= ${BUDGET.initial_js_gzip_kb}`,
      js.gzip_kb <= BUDGET.initial_js_gzip_kb,
    ],
    [
      `load ${N} events via worker (ms)`,
      String(rows.load_ms),
      `<= ${BUDGET.load_ms}`,
      (rows.load_ms as number) <= BUDGET.load_ms,
    ],
    [
      'seek p95, flow + inspector (ms)',
      `${seekFlow.p95} (cpu ${seekFlow.cpu_per_seek}/seek)`,
      `<= ${BUDGET.seek_p95_ms}`,
      seekFlow.p95 <= BUDGET.seek_p95_ms,
    ],
    [
      'seek p95, SCM map (ms)',
      `${seekScm.p95} (cpu ${seekScm.cpu_per_seek}/seek)`,
      `<= ${BUDGET.seek_p95_ms}`,
      seekScm.p95 <= BUDGET.seek_p95_ms,
    ],
    [
      'seek p95, sequence (ms)',
      `${seekSeq.p95} (cpu ${seekSeq.cpu_per_seek}/seek)`,
      `<= ${BUDGET.seek_p95_ms}`,
      seekSeq.p95 <= BUDGET.seek_p95_ms,
    ],
    [
      `playback fps (${play.pipeline})`,
      String(play.fps),
      `>= ${BUDGET.playback_fps - 3}`,
      play.fps >= BUDGET.playback_fps - 3,
    ],
    [
      'longest task during playback (ms)',
      String(play.longest_task_ms),
      `<= ${BUDGET.longest_task_ms}`,
      play.longest_task_ms <= BUDGET.longest_task_ms,
    ],
  ];
  const loadAvg = Number(loadavg()[0]?.toFixed(2));
  console.log(
    `\nui (browser, machine load average ${loadAvg}, ${N} events, ${traceMiB.toFixed(0)} MiB trace, generated in ${genMs} ms)`,
  );
  for (const [name, v, b, ok] of table)
    console.log(
      `  ${name.padEnd(48)} ${v.padStart(24)}   budget ${b.padEnd(8)} ${ok ? 'ok' : 'MISS'}`,
    );
  console.log(
    `  file input with the ${traceMiB.toFixed(0)} MiB trace: ${(rows.import_file as { outcome: string }).outcome} (${(rows.import_file as { in_page_ms: number }).in_page_ms} ms from the change event)`,
  );
  const out = {
    schema: 'iopath.bench/1',
    file: 'bench/browser/ui-browser.ts',
    date: new Date().toISOString(),
    machine_load_average: loadAvg,
    events: N,
    trace_mib: r1(traceMiB),
    budget: BUDGET,
    results: rows,
    verdict: Object.fromEntries(table.map(([n, , , ok]) => [n, ok ? 'ok' : 'miss'])),
  };
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/ui-browser.json'), JSON.stringify(out, null, 2) + '\n');
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const arg = (name: string): number | undefined => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : undefined;
  };
  const o: UiBenchOptions = {};
  const e = arg('events');
  const s = arg('seeks');
  if (e !== undefined) o.events = e;
  if (s !== undefined) o.seeks = s;
  await runUiBrowserBench(o);
}
