/**
 * The runtime every simulated component shares: one virtual clock/event queue, one trace
 * recorder, one seeded PRNG (fork it per component) and the id counters.
 */
import { Rng } from './rng.ts';
import { Sim } from './sim.ts';
import { Counters } from './ids.ts';
import { Tracer } from '../trace/tracer.ts';

export interface Runtime {
  readonly sim: Sim;
  readonly trace: Tracer;
  readonly rng: Rng;
  readonly ids: Counters;
  readonly seed: number;
}

export function createRuntime(seed: number): Runtime {
  const sim = new Sim();
  return { sim, trace: new Tracer(sim), rng: new Rng(seed), ids: new Counters(), seed };
}
