/**
 * Scenario documents (DESIGN.md contract 1) and the op registry every system plugs into.
 *
 * A system (DAOS, VOS, Ceph, faults) registers its ops in its own folder; the runner knows
 * nothing about them except this interface. State of a system (a DAOS cluster, a Ceph
 * cluster) hangs off the ScenarioWorld, created lazily the first time an op needs it.
 */
import type { Proc } from '../core/sim.ts';
import type { Runtime } from '../core/runtime.ts';
import type { Json } from '../trace/event.ts';

export const SCENARIO_SCHEMA = 'iopath.scenario/1' as const;
export const RESULT_SCHEMA = 'iopath.result/1' as const;

export interface OpDoc {
  op: string;
  as?: string;
  [arg: string]: unknown;
}

export interface ScenarioDoc {
  schema: typeof SCENARIO_SCHEMA;
  seed?: number;
  /** Free-form title/description for pickers (optional extension). */
  title?: string;
  description?: string;
  cluster?: { daos?: Record<string, unknown>; ceph?: Record<string, unknown> };
  ops: OpDoc[];
}

/** What one op returned: the real rc and, on success, its result fields. */
export interface OpOutcome {
  rc: number;
  result?: { [key: string]: Json };
}

export interface OpResultLine {
  index: number;
  op: string;
  rc: number;
  rc_name: string;
  result: { [key: string]: Json } | null;
}

export interface ResultDoc {
  schema: typeof RESULT_SCHEMA;
  ops: OpResultLine[];
}

/** Shared state of one scenario run. */
export interface ScenarioWorld {
  readonly rt: Runtime;
  readonly doc: ScenarioDoc;
  /** Names bound with `"as"` (oids, handles …), visible to later ops. */
  readonly bindings: Map<string, unknown>;
  /** Get or create a system's state (`world.system('daos', () => new DaosCluster(…))`). */
  system<T>(name: string, make: () => T): T;
}

/**
 * One op of the op reference. `check` validates the arguments statically (before anything
 * runs) and returns the first problem as "<path>: <message>" relative to the op, e.g.
 * `iods[0].type: expected DAOS_IOD_SINGLE or DAOS_IOD_ARRAY` — the runner prefixes
 * `ops[i].`. `run` is a simulated process returning the real rc.
 */
export interface OpSpec {
  name: string;
  /** The pipeline its trace events belong to by default (`daos.update`, `ceph.write` …). */
  pipeline: string;
  check(op: OpDoc): string | null;
  run(op: OpDoc, world: ScenarioWorld, index: number): Proc<OpOutcome>;
}
