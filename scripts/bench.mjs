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

const rows = [];
for (const file of files) {
  const name = basename(file, '.bench.ts');
  const mod = await import(pathToFileURL(file).href);
  const list = mod.benchmarks;
  if (!Array.isArray(list)) {
    console.error(`${file}: expected "export const benchmarks: Benchmark[]"`);
    process.exit(2);
  }
  const results = [];
  for (const b of list) {
    b.run(); // warm-up (JIT, lazy registration)
    const minMs = b.minMs ?? 1000;
    const totals = {};
    let runs = 0;
    const t0 = process.hrtime.bigint();
    let ms = 0;
    while (ms < minMs || runs < 3) {
      const counters = b.run() ?? {};
      for (const [k, v] of Object.entries(counters)) totals[k] = (totals[k] ?? 0) + v;
      runs++;
      ms = Number(process.hrtime.bigint() - t0) / 1e6;
    }
    const perSecond = { runs: (runs * 1000) / ms };
    for (const [k, v] of Object.entries(totals)) perSecond[k] = (v * 1000) / ms;
    const r = {
      name: b.name,
      runs,
      ms: Math.round(ms),
      ms_per_run: ms / runs,
      per_second: perSecond,
    };
    results.push(r);
    rows.push([
      name,
      b.name,
      r.ms_per_run.toFixed(2),
      Object.entries(perSecond)
        .map(([k, v]) => `${fmt(v)} ${k}/s`)
        .join(', '),
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

const head = ['file', 'benchmark', 'ms/run', 'throughput'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
console.log(line(head));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));
console.log(`\nresults: ${resultsDir}/<file>.json`);
