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
  /** Keep repeating runs for at least this long (default 1000 ms, after the warm-up runs). */
  minMs?: number;
  /**
   * Untimed runs first (default 1). Code with many large generator functions (the VOS path)
   * is still being optimised and deoptimised by V8 for several runs; a steady-state number
   * needs those runs out of the timed window.
   */
  warmupRuns?: number;
}
