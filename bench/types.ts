/**
 * The shape of a benchmark file (`bench/<name>.bench.ts`). See bench/README.md.
 */
export interface Benchmark {
  /** Row name in the table and the JSON. */
  name: string;
  /**
   * One run. Return counters of work done in this run (e.g. `{ events: 1547 }`); the harness
   * reports each counter per second next to runs per second.
   */
  run(): Record<string, number> | void;
  /** Keep repeating runs for at least this long (default 1000 ms, after one warm-up run). */
  minMs?: number;
}
