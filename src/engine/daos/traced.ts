/**
 * `traced(...)`: run a simulated function as one pipeline step — an `enter` event, the body,
 * an `exit` event carrying the rc (0, or the IoError's code, which is then rethrown). This keeps
 * the model code reading like the C: `yield* traced(rt, 'obj_ioc_begin', actor, data, body)`.
 */
import { IoError } from '../core/errors.ts';
import type { Runtime } from '../core/runtime.ts';
import type { Instr, Proc } from '../core/sim.ts';
import type { Json } from '../trace/event.ts';

export type Data = { [key: string]: Json };

/** `sleep(0)` as a shared instruction: ends the queue entry without allocating a generator. */
const END_ENTRY: Instr = { kind: 'sleep', ns: 0 };

export function* traced<T>(
  rt: Runtime,
  step: string,
  actor: string,
  data: Data | undefined,
  body: () => Proc<T>,
  exitData?: (result: T) => Data | undefined,
): Proc<T> {
  rt.trace.enter(step, actor, data === undefined ? undefined : { data });
  // End the queue entry after each event, so run control (which stops between entries) can
  // stop exactly at any step. Zero virtual time: the timeline does not change.
  yield END_ENTRY;
  let result: T;
  try {
    result = yield* body();
  } catch (err) {
    if (err instanceof IoError)
      rt.trace.exit(step, actor, { rc: err.rc, data: { error: err.message } });
    throw err;
  }
  const out = exitData?.(result);
  rt.trace.exit(step, actor, out === undefined ? { rc: 0 } : { rc: 0, data: out });
  yield END_ENTRY;
  return result;
}
