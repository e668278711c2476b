/**
 * The Ceph write benchmark as a plain program, for instruction counts (CPU time is noisy on a
 * shared machine; instructions are not):
 *
 *   npx esbuild bench/ceph-steady.ts --bundle --platform=node --format=esm \
 *     --outfile=/tmp/ceph-steady.mjs
 *   perf stat -e instructions node --single-threaded /tmp/ceph-steady.mjs bluestore 1
 *   perf stat -e instructions node --single-threaded /tmp/ceph-steady.mjs bluestore 4
 *
 * (instructions(4) − instructions(1)) / (3 × 2 000) = steady-state instructions per write
 * (the first run carries start-up and JIT compilation). Runs `bench/ceph.bench.ts` itself.
 */
import { benchmarks } from './ceph.bench.ts';

const store = process.argv[2] ?? 'bluestore';
const runs = Number(process.argv[3] ?? 3);
const b = benchmarks.find((x) => x.name.includes(`, ${store},`));
if (!b) throw new Error(`no ceph benchmark for store ${store}`);
const c0 = process.cpuUsage();
let events = 0;
for (let i = 0; i < runs; i++) events = (b.run() as { events: number }).events;
const c = process.cpuUsage(c0);
const ms = (c.user + c.system) / 1000;
console.log(
  `${store}: ${runs} runs, ${ms.toFixed(0)} CPU ms, ${((runs * 2000 * 1000) / ms).toFixed(0)} ops/CPU-s, ${events} events/run`,
);
