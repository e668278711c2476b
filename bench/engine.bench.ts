/**
 * Engine speed: the built-in daos-key-sv scenario (35 ops, ~1.5k events) with full tracing —
 * every event kept in memory with its data, as the UI and the CLI use it.
 */
import { getBuiltinScenario, runScenario, serializeTrace } from '../src/engine/index.ts';
import type { Benchmark } from './types.ts';

const doc = getBuiltinScenario('daos-key-sv');

export const benchmarks: Benchmark[] = [
  {
    name: 'daos-key-sv run (full tracing)',
    run() {
      // Every event is kept (in the recorder's columns); none is built as an object here.
      const { runner } = runScenario(doc);
      return { events: runner.rt.trace.length, ops: doc?.ops.length ?? 0 };
    },
  },
  {
    name: 'daos-key-sv run + serialize trace',
    run() {
      const { runner } = runScenario(doc);
      const text = serializeTrace(doc, runner.rt.trace);
      return { events: runner.rt.trace.length, bytes: text.length };
    },
  },
  {
    name: 'daos-key-sv run + read trace.events (contract objects)',
    run() {
      const { events } = runScenario(doc);
      return { events: events.length };
    },
  },
];
