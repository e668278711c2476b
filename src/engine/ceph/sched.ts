/**
 * Callback scheduling with a trace context. The OSD's threads (shard workers, finishers, the
 * journal writer, BlueStore's kv threads) are modelled as callbacks on the virtual clock; each
 * callback runs "inside" the scenario op that caused it, so its trace events carry that op's
 * index and pipeline — exactly what a generator process would get, without one per step.
 */
import type { Instr, ProcContext, ProcState, Sim } from '../core/sim.ts';

type MutableState = { -readonly [K in keyof ProcState]: ProcState[K] };

/**
 * The states `runIn` installs as `sim.current`, one per nesting depth, reused: a callback's
 * state lives exactly as long as the call (nothing keeps `sim.current` beyond it), so a fresh
 * object per callback — tens per simulated op — would only feed the garbage collector.
 */
const states: MutableState[] = [];
let depth = 0;

/** Run `fn` now with `ctx` as the current trace context. */
export function runIn(sim: Sim, ctx: ProcContext, name: string, fn: () => void): void {
  const prev = enterCtx(sim, ctx, name);
  try {
    fn();
  } finally {
    leaveCtx(sim, prev);
  }
}

/**
 * `runIn` without a closure, for the hottest callbacks: `const prev = enterCtx(…); try { … }
 * finally { leaveCtx(sim, prev); }`. Returns the state to restore.
 */
export function enterCtx(sim: Sim, ctx: ProcContext, name: string): ProcState | null {
  const prev = sim.current;
  let st = states[depth];
  if (st === undefined) {
    st = { id: -1, name, ctx, pendingEffects: [] };
    states[depth] = st;
  } else {
    st.name = name;
    st.ctx = ctx;
  }
  depth++;
  sim.current = st;
  return prev;
}

export function leaveCtx(sim: Sim, prev: ProcState | null): void {
  sim.current = prev;
  depth--;
  const st = states[depth] as MutableState;
  // Effects recorded after the callback's last event die with it (as with a fresh state).
  if (st.pendingEffects.length > 0) st.pendingEffects = [];
}

/** Run `fn` after `delayNs` of virtual time with `ctx` as the trace context. */
export function later(
  sim: Sim,
  delayNs: number,
  ctx: ProcContext,
  name: string,
  fn: () => void,
): void {
  sim.schedule(delayNs, () => {
    const prev = enterCtx(sim, ctx, name);
    try {
      fn();
    } finally {
      leaveCtx(sim, prev);
    }
  });
}

/** The trace context of whatever runs now (a process or a callback). */
export function currentCtx(sim: Sim): ProcContext {
  return sim.current?.ctx ?? { op: -1, pipeline: '' };
}

/**
 * A single-threaded worker with a FIFO: work items run one after another, each occupying the
 * worker for its cost. Models a thread (a FileStore op thread, a finisher, an OSD shard).
 */
export class Worker {
  private busyUntil = 0;

  constructor(
    private readonly sim: Sim,
    readonly name: string,
  ) {}

  /** Run `fn` when the worker is free (at least `delayNs` from now), keeping it busy `costNs`. */
  submit(delayNs: number, costNs: number, ctx: ProcContext, fn: () => void): void {
    const start = Math.max(this.sim.now + delayNs, this.busyUntil);
    this.busyUntil = start + costNs;
    later(this.sim, start - this.sim.now, ctx, this.name, fn);
  }

  /** Forget queued work timing (after a restart). */
  reset(): void {
    this.busyUntil = 0;
  }
}

const sleeps = new Map<number, Instr>();

/**
 * The instruction `sleep(ns)` yields, one shared frozen object per delay: `yield
 * sleepInstr(T.x)` does what `yield* sleep(T.x)` does without allocating a generator and an
 * instruction on every call. Only for the calibrated constant delays (the cache keeps one
 * entry per distinct value).
 */
export function sleepInstr(ns: number): Instr {
  let i = sleeps.get(ns);
  if (i === undefined) {
    i = Object.freeze({ kind: 'sleep', ns });
    sleeps.set(ns, i);
  }
  return i;
}
