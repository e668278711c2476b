// Browser media benchmark (issue #3): bundles media-bench.worker.ts with Vite, serves it on
// 127.0.0.1 (a secure context, so OPFS works), runs it in a PERSISTENT Chromium profile
// (incognito OPFS is in memory and 20-150x slower — browser-limits.md), prints a table (median
// of 3 runs) and writes bench/results/media-browser.json.
//   npx tsx bench/browser/media-browser.ts [--reps 3] [--ops 1500]
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { chromium } from '@playwright/test';
import type { BenchRow } from './media-bench.worker.ts';

const root = resolve(import.meta.dirname, '../..');
const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const reps = arg('reps', 3);
const ops = arg('ops', 3000);

const out = mkdtempSync(join(tmpdir(), 'iopath-media-browser-'));
const profile = join(out, 'profile');
await build({
  configFile: false,
  root,
  logLevel: 'warn',
  build: {
    outDir: join(out, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    minify: false,
    lib: {
      entry: join(root, 'bench/browser/media-bench.worker.ts'),
      formats: ['es'],
      fileName: () => 'worker.js',
    },
  },
});
const workerJs = readFileSync(join(out, 'dist/worker.js'));
const html = `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>media bench</title>
<script type="module">
window.runBench = (reps, ops) => new Promise((res, rej) => {
  const w = new Worker('/worker.js', { type: 'module' });
  w.onmessage = (e) => (e.data.ok ? res(e.data.runs) : rej(new Error(e.data.error)));
  w.onerror = (e) => rej(new Error(e.message));
  w.postMessage({ reps, ops });
});
</script>`;
const server = createServer((req, res) => {
  if (req.url === '/worker.js') {
    res.writeHead(200, { 'content-type': 'text/javascript' });
    res.end(workerJs);
  } else {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(html);
  }
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as AddressInfo).port;

// scripts/find-browser.mjs has no type declarations: import it by a runtime path.
const findBrowserPath = '../../scripts/find-browser.mjs';
const { findBrowser } = (await import(findBrowserPath)) as { findBrowser: () => Promise<string> };
const executablePath = await findBrowser();
const args = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ctx = await chromium.launchPersistentContext(profile, {
  headless: true,
  executablePath,
  args,
});
let runs: BenchRow[][];
let browserVersion = 'chromium';
try {
  const page = await ctx.newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
  browserVersion = ctx.browser()?.version() ?? browserVersion;
  runs = await page.evaluate(
    ([r, o]) =>
      (window as unknown as { runBench(r: number, o: number): Promise<BenchRow[][]> }).runBench(
        r as number,
        o as number,
      ),
    [reps, ops],
  );
} finally {
  await ctx.close();
  server.close();
  rmSync(out, { recursive: true, force: true });
}

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const row = (rs: BenchRow[], prefix: string): BenchRow => {
  const r = rs.find((x) => x.name.startsWith(prefix));
  if (!r) throw new Error(`no result ${prefix}`);
  return r;
};
const names = (runs[0] ?? []).map((r) => r.name);
const results = names.map((name) => {
  const rows = runs.map((rs) => row(rs, name));
  return {
    name,
    ops_per_run: rows[0]?.ops ?? 0,
    ops_per_second_median: Math.round(median(rows.map((r) => r.opsPerSec))),
    ops_per_second_runs: rows.map((r) => Math.round(r.opsPerSec)),
  };
});
// The ratio per run (raw and device interleaved in the same run), then the median.
const ratios = runs.map((rs) => {
  return row(rs, 'NVMe device over OPFS').opsPerSec / row(rs, 'raw OPFS').opsPerSec;
});
const ratio = median(ratios);
console.log(`media (browser, persistent profile, ${reps} runs, median)`);
for (const r of results) {
  console.log(
    `  ${r.name.padEnd(52)} ${String(r.ops_per_second_median).padStart(8)} ops/s   runs ${r.ops_per_second_runs.join(' / ')}`,
  );
}
console.log(
  `  NVMe-over-OPFS / raw OPFS ratio: ${ratio.toFixed(2)} (target >= 0.8; runs ${ratios.map((x) => x.toFixed(2)).join(' / ')})`,
);
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(
  join(root, 'bench/results/media-browser.json'),
  JSON.stringify(
    {
      schema: 'iopath.bench/1',
      file: 'bench/browser/media-browser.mjs',
      browser: browserVersion,
      context: 'persistent',
      date: new Date().toISOString(),
      results,
      ratio_nvme_over_raw_opfs: Number(ratio.toFixed(3)),
      ratio_runs: ratios.map((x) => Number(x.toFixed(3))),
    },
    null,
    2,
  ) + '\n',
);
