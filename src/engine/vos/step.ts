/**
 * Trace helpers for VOS steps: `step` wraps synchronous code (the parts that run inside one
 * umem transaction and therefore must not yield), `stepP` wraps a simulated process. Both emit
 * enter/exit with the real function name and return the rc on exit (IoError code, rethrown).
 *
 * Hot paths (the update and fetch paths, run for every I/O) use the closure-free form instead:
 *
 *   stepEnter(rt, actor, 'name', data);
 *   try { …body… } catch (e) { stepFail(rt, actor, 'name', e); throw e; }
 *   stepExit(rt, actor, 'name', exitData);
 *
 * which emits exactly the same events. Why: V8 keeps a closure's optimized code only weakly, so
 * the short-lived closures `step(…, () => body)` creates on every call lose their optimized
 * code at each full GC and are compiled again, over and over (measured: a third of the CPU of
 * the VOS benchmark went to the optimizing compiler).
 */
import { IoError } from '../core/errors.ts';
import type { Runtime } from '../core/runtime.ts';
import type { Proc } from '../core/sim.ts';
import type { Json } from '../trace/event.ts';

export type Data = { [key: string]: Json };

export function step<T>(
  rt: Runtime,
  actor: string,
  name: string,
  data: Data | undefined,
  body: () => T,
  exitData?: (r: T) => Data | undefined,
): T {
  rt.trace.enter(name, actor, data === undefined ? undefined : { data });
  let r: T;
  try {
    r = body();
  } catch (e) {
    if (e instanceof IoError) rt.trace.exit(name, actor, { rc: e.rc, data: { error: e.message } });
    throw e;
  }
  const out = exitData?.(r);
  rt.trace.exit(name, actor, out === undefined ? { rc: 0 } : { rc: 0, data: out });
  return r;
}

export function* stepP<T>(
  rt: Runtime,
  actor: string,
  name: string,
  data: Data | undefined,
  body: () => Proc<T>,
  exitData?: (r: T) => Data | undefined,
): Proc<T> {
  rt.trace.enter(name, actor, data === undefined ? undefined : { data });
  let r: T;
  try {
    r = yield* body();
  } catch (e) {
    if (e instanceof IoError) rt.trace.exit(name, actor, { rc: e.rc, data: { error: e.message } });
    throw e;
  }
  const out = exitData?.(r);
  rt.trace.exit(name, actor, out === undefined ? { rc: 0 } : { rc: 0, data: out });
  return r;
}

/** Enter event of a step (closure-free form, see the header). */
export function stepEnter(rt: Runtime, actor: string, name: string, data?: Data): void {
  rt.trace.record('enter', name, actor, data);
}

/** Exit event of a step that returned normally: rc 0 and optional exit data. */
export function stepExit(rt: Runtime, actor: string, name: string, data?: Data): void {
  rt.trace.record('exit', name, actor, data, 0);
}

/** Exit event of a step whose body threw: an IoError exits with its rc; others emit nothing. */
export function stepFail(rt: Runtime, actor: string, name: string, e: unknown): void {
  if (e instanceof IoError) rt.trace.record('exit', name, actor, { error: e.message }, e.rc);
}

/** Virtual-time costs of VOS work (ns). Plausible and fixed; nothing asserts on them. */
export const VOS_COST = {
  step: 200,
  scmPerByte: 0.5,
} as const;
