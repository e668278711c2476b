/**
 * The visualizer in Chromium (issue #7 "Performance"): a generated 1,000,000-event trace loaded
 * through the worker, seeks, playback, first load and initial JS. It runs the browser once and
 * writes bench/results/ui-browser.json itself (bench/browser/ui-browser.ts), so it has no
 * repeated `run()` rows: `npm run bench` calls `runOnce`.
 */
import type { Benchmark } from './types.ts';
import { runUiBrowserBench } from './browser/ui-browser.ts';

export const benchmarks: Benchmark[] = [];

export async function runOnce(): Promise<void> {
  await runUiBrowserBench();
}
