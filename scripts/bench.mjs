// `npm run bench`: run every bench/*.bench.ts (or the files named on the command line), print a
// table and write bench/results/<name>.json per file. Format: bench/README.md.
import { readdirSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

register();

const root = resolve(import.meta.dirname, '..');
const benchDir = join(root, 'bench');
const resultsDir = join(benchDir, 'results');
const args = process.argv.slice(2);
const files = (
  args.length
    ? args.map((a) => resolve(a))
    : readdirSync(benchDir)
        .filter((f) => f.endsWith('.bench.ts'))
        .map((f) => join(benchDir, f))
).sort();

function fmt(n) {
  if (n >= 1e6) return (n / 1e6).toFixed(2) + 'M';
  if (n >= 1e3) return (n / 1e3).toFixed(1) + 'k';
  return n.toFixed(n >= 100 ? 0 : 2);
}

// Rows are printed as they finish (a long benchmark file must not hide the earlier results).
const WIDTHS = [10, 44, 12, 11];
const line = (cells) =>
  cells.map((c, i) => (i < WIDTHS.length ? String(c).padEnd(WIDTHS[i]) : String(c))).join('  ');
console.log(
  line(['file', 'benchmark', 'wall ms/run', 'cpu ms/run', 'throughput (per CPU second)']),
);
console.log(line(WIDTHS.map((w) => '-'.repeat(w)).concat(['-'.repeat(28)])));
const printRow = (r) => console.log(line(r));
for (const file of files) {
  const name = basename(file, '.bench.ts');
  const mod = await import(pathToFileURL(file).href);
  // A file that measures in its own way (a browser run) prints and writes its own results.
  if (typeof mod.runOnce === 'function') {
    await mod.runOnce();
    continue;
  }
  const list = mod.benchmarks;
  if (!Array.isArray(list)) {
    console.error(`${file}: expected "export const benchmarks: Benchmark[]"`);
    process.exit(2);
  }
  const results = [];
  for (const b of list) {
    for (let w = 0; w < (b.warmupRuns ?? 1); w++) b.run(); // warm-up (JIT, lazy registration)
    const minMs = b.minMs ?? 1000;
    const totals = {};
    let runs = 0;
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    let ms = 0;
    while (ms < minMs || runs < 3) {
      const counters = b.run() ?? {};
      for (const [k, v] of Object.entries(counters)) totals[k] = (totals[k] ?? 0) + v;
      runs++;
      ms = Number(process.hrtime.bigint() - t0) / 1e6;
    }
    const cpu = process.cpuUsage(c0);
    // CPU time of this process: on a shared, loaded machine it is steadier than wall time.
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const perSecond = { runs: (runs * 1000) / ms };
    const perCpuSecond = { runs: (runs * 1000) / cpuMs };
    // A counter named `x_per_y` is already a ratio (e.g. SCM bytes per update): its mean per
    // run is the figure, not a rate — dividing it by time gave a meaningless number.
    const ratios = {};
    for (const [k, v] of Object.entries(totals)) {
      if (k.includes('_per_')) {
        ratios[k] = v / runs;
        continue;
      }
      perSecond[k] = (v * 1000) / ms;
      perCpuSecond[k] = (v * 1000) / cpuMs;
    }
    const r = {
      name: b.name,
      runs,
      ms: Math.round(ms),
      ms_per_run: ms / runs,
      cpu_ms_per_run: cpuMs / runs,
      per_second: perSecond,
      per_cpu_second: perCpuSecond,
    };
    if (Object.keys(ratios).length > 0) r.mean_per_run = ratios;
    results.push(r);
    printRow([
      name,
      b.name,
      r.ms_per_run.toFixed(2),
      r.cpu_ms_per_run.toFixed(2),
      [
        ...Object.entries(perCpuSecond).map(([k, v]) => `${fmt(v)} ${k}/cpu-s`),
        ...Object.entries(ratios).map(([k, v]) => `${fmt(v)} ${k}`),
      ].join(', '),
    ]);
  }
  mkdirSync(resultsDir, { recursive: true });
  const out = {
    schema: 'iopath.bench/1',
    file: `bench/${basename(file)}`,
    node: process.version,
    date: new Date().toISOString(),
    results,
  };
  writeFileSync(join(resultsDir, `${name}.json`), JSON.stringify(out, null, 2) + '\n');
}

console.log(`\nresults: ${resultsDir}/<file>.json`);
