/**
 * The recorder alone (src/engine/trace/tracer.ts): events recorded per CPU second, each kept,
 * from inside a simulated process (op and pipeline stamped from its context) — the cost every
 * traced step of the engines pays on top of its own work. Rows: the storage engines' hot form
 * (`record` with a small data object), the general form (detail with data, caption and a media
 * effect riding on the event), and what reading `events` (building the contract objects) and
 * serializing add on top.
 */
import { Sim, type Proc } from '../src/engine/core/sim.ts';
import { serializeTrace } from '../src/engine/trace/serialize.ts';
import { Tracer } from '../src/engine/trace/tracer.ts';
import type { Benchmark } from './types.ts';

const N = 200_000;
const STEPS = ['vos_update_begin', 'vos_obj_hold', 'evt_insert', 'dbtree_upsert', 'vos_tx_end'];
const ACTORS = ['engine0.tgt0', 'engine0.tgt1', 'client'];

/** Record N events in one process; `general` uses the detail form with an effect. */
function recordRun(general: boolean): Tracer {
  const sim = new Sim();
  const tr = new Tracer(sim);
  const body = function* (): Proc<void> {
    for (let i = 0; i < N; i++) {
      const step = STEPS[i % STEPS.length] as string;
      const actor = ACTORS[(i >> 4) % ACTORS.length] as string;
      if (!general) {
        tr.record(
          i & 1 ? 'exit' : 'enter',
          step,
          actor,
          { off: i, len: 1024 },
          i & 1 ? 0 : undefined,
        );
      } else {
        tr.effect({ kind: 'scm.write', dev: 'scm0', off: i * 64, len: 64 });
        tr.enter(step, actor, { data: { off: i, len: 1024 }, caption: 'update' });
      }
    }
    yield* [];
  };
  sim.runToCompletion(sim.spawn('bench', body(), { op: 1, pipeline: 'daos.update' }));
  return tr;
}

export const benchmarks: Benchmark[] = [
  {
    name: `record ${N / 1000}k events (record(), small data, kept)`,
    run() {
      const tr = recordRun(false);
      return { events: tr.count };
    },
  },
  {
    name: `enter ${N / 1000}k events (detail: data + caption + 1 effect, kept)`,
    run() {
      const tr = recordRun(true);
      return { events: tr.count };
    },
  },
  {
    name: `record ${N / 1000}k events, then read trace.events once`,
    run() {
      const tr = recordRun(false);
      return { events: tr.events.length };
    },
  },
  {
    name: `record ${N / 1000}k events, then serializeTrace`,
    run() {
      const tr = recordRun(false);
      const text = serializeTrace(null, tr);
      return { events: tr.count, bytes: text.length };
    },
  },
];
