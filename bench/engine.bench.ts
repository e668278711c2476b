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
      const { events } = runScenario(doc);
      return { events: events.length, ops: doc?.ops.length ?? 0 };
    },
  },
  {
    name: 'daos-key-sv run + serialize trace',
    run() {
      const { events } = runScenario(doc);
      const text = serializeTrace(doc, events);
      return { events: events.length, bytes: text.length };
    },
  },
];
