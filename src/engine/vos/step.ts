/**
 * Trace helpers for VOS steps: `step` wraps synchronous code (the parts that run inside one
 * umem transaction and therefore must not yield), `stepP` wraps a simulated process. Both emit
 * enter/exit with the real function name and return the rc on exit (IoError code, rethrown).
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

/** Virtual-time costs of VOS work (ns). Plausible and fixed; nothing asserts on them. */
export const VOS_COST = {
  step: 200,
  scmPerByte: 0.5,
} as const;
