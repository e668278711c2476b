/**
 * Virtual clock, discrete event queue and cooperative processes.
 *
 * Simulated code is written as generator functions ("processes") so an IO path reads top to
 * bottom like the real C code, while the engine keeps full control of time: a process yields
 * `sleep(ns)` or `wait(future)` and the queue resumes it later in virtual time. Nothing here
 * uses a real clock or timer; the queue is ordered by (time, sequence), so the same inputs
 * always produce the same interleaving.
 */

export type Instr =
  | { readonly kind: 'sleep'; readonly ns: number }
  | { readonly kind: 'wait'; readonly future: Future<unknown> };

/** A simulated process: a generator yielding scheduling instructions and returning T. */
export type Proc<T = void> = Generator<Instr, T, unknown>;

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** A value that becomes available later in virtual time. */
export class Future<T> {
  private result: Settled<T> | undefined;
  /** Callbacks, or processes blocked in `wait` (resumed without a closure per wait). */
  private waiters: Array<((r: Settled<T>) => void) | Process<unknown>> = [];
  readonly label: string;

  constructor(label = '') {
    this.label = label;
  }

  get done(): boolean {
    return this.result !== undefined;
  }

  /** The settled value; throws the error of a rejected future, or if still pending. */
  get value(): T {
    if (this.result === undefined) throw new Error(`Future ${this.label} is still pending`);
    if (!this.result.ok) throw this.result.error;
    return this.result.value;
  }

  get failed(): boolean {
    return this.result !== undefined && !this.result.ok;
  }

  resolve(value: T): void {
    this.settle({ ok: true, value });
  }

  reject(error: unknown): void {
    this.settle({ ok: false, error });
  }

  /** Called synchronously when the future settles (or at once if it already has). */
  onSettle(fn: (r: Settled<T>) => void): void {
    if (this.result !== undefined) fn(this.result);
    else this.waiters.push(fn);
  }

  /** A process waits for this future: it is scheduled (at delay 0) when the future settles. */
  addProcess(p: Process<unknown>): void {
    if (this.result !== undefined) p.wake(this.result);
    else this.waiters.push(p);
  }

  private settle(r: Settled<T>): void {
    if (this.result !== undefined) throw new Error(`Future ${this.label} settled twice`);
    this.result = r;
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) {
      if (typeof w === 'function') w(r);
      else w.wake(r);
    }
  }
}

/** Yield control for `ns` virtual nanoseconds. */
export function* sleep(ns: number): Proc<void> {
  yield { kind: 'sleep', ns };
}

/** Wait for a future; returns its value or throws its error. */
export function* wait<T>(future: Future<T>): Proc<T> {
  if (!future.done) yield { kind: 'wait', future: future as Future<unknown> };
  return future.value;
}

/** Wait for all futures, in order; returns their values. */
export function* waitAll<T>(futures: readonly Future<T>[]): Proc<T[]> {
  const out: T[] = [];
  for (const f of futures) out.push(yield* wait(f));
  return out;
}

/** What a process carries with it: which scenario op and pipeline its events belong to. */
export interface ProcContext {
  op: number;
  pipeline: string;
}

/** Bookkeeping for one running process (the tracer attaches media effects to it). */
export interface ProcState {
  readonly id: number;
  readonly name: string;
  ctx: ProcContext;
  /** Effects recorded by media while this process runs, attached to its next trace event. */
  pendingEffects: unknown[];
}

/** A queue entry runs `run`, or resumes `proc` with `input` (no closure per resumption). */
interface QueueEntry {
  t: number;
  seq: number;
  run: (() => void) | null;
  proc: Process<unknown> | null;
  input: Settled<unknown> | undefined;
}

/** What a process resumed after `sleep` receives. */
const SLEPT: Settled<unknown> = { ok: true, value: undefined };

/**
 * A running process: its generator, its result future and the state the tracer uses. Its
 * methods resume it; nothing here allocates a closure per step, so the optimized code of this
 * hot loop stays put (V8 keeps optimized code of short-lived closures only weakly).
 */
class Process<T> implements ProcState {
  constructor(
    readonly id: number,
    readonly name: string,
    public ctx: ProcContext,
    private readonly sim: Sim,
    private readonly body: Proc<T>,
    readonly done: Future<T>,
  ) {}

  pendingEffects: unknown[] = [];

  /** Schedule a resumption with `r` now (a future it waited for has settled). */
  wake(r: Settled<unknown>): void {
    this.sim.resumeLater(0, this as Process<unknown>, r);
  }

  /** Run the process until it yields, returns or throws. */
  resume(input: Settled<unknown> | undefined): void {
    const sim = this.sim;
    const prev = sim.current;
    sim.current = this;
    try {
      let next: IteratorResult<Instr, T>;
      try {
        if (input === undefined) next = this.body.next();
        else if (input.ok) next = this.body.next(input.value);
        else next = this.body.throw(input.error);
      } catch (err) {
        this.done.reject(err);
        return;
      }
      if (next.done) {
        this.done.resolve(next.value);
        return;
      }
      const instr = next.value;
      if (instr.kind === 'sleep') sim.resumeLater(instr.ns, this as Process<unknown>, SLEPT);
      else instr.future.addProcess(this as Process<unknown>);
    } finally {
      sim.current = prev;
    }
  }
}

/** Binary min-heap of queue entries ordered by (t, seq). */
class EventHeap {
  private items: QueueEntry[] = [];

  get size(): number {
    return this.items.length;
  }

  push(e: QueueEntry): void {
    const a = this.items;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pe = a[p] as QueueEntry;
      if (pe.t < e.t || (pe.t === e.t && pe.seq < e.seq)) break;
      a[i] = pe;
      i = p;
    }
    a[i] = e;
  }

  pop(): QueueEntry | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (top === undefined || last === undefined || a.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= a.length) break;
      const r = l + 1;
      let c = l;
      const le = a[l] as QueueEntry;
      if (r < a.length) {
        const re = a[r] as QueueEntry;
        if (re.t < le.t || (re.t === le.t && re.seq < le.seq)) c = r;
      }
      const ce = a[c] as QueueEntry;
      if (last.t < ce.t || (last.t === ce.t && last.seq < ce.seq)) break;
      a[i] = ce;
      i = c;
    }
    a[i] = last;
    return top;
  }

  peek(): QueueEntry | undefined {
    return this.items[0];
  }
}

export interface RunLimits {
  /** Stop (between queue entries) as soon as this returns true. */
  until?: () => boolean;
  /** Stop after this many queue entries. */
  maxEntries?: number;
  /** Do not run entries scheduled after this virtual time. */
  untilTime?: number;
}

export type RunOutcome = 'idle' | 'stopped' | 'limit';

export class Sim {
  private nowNs = 0;
  private seq = 0;
  private procSeq = 0;
  private heap = new EventHeap();
  private stopRequested = false;
  /** The process whose code is executing right now (null between entries). */
  current: ProcState | null = null;

  /** Current virtual time in nanoseconds. */
  get now(): number {
    return this.nowNs;
  }

  get pending(): number {
    return this.heap.size;
  }

  /** Run `fn` at virtual time now + delay (after everything already queued for that time). */
  schedule(delayNs: number, fn: () => void): void {
    if (!(delayNs >= 0) || !Number.isFinite(delayNs)) {
      throw new RangeError(`Sim.schedule: bad delay ${delayNs}`);
    }
    this.heap.push({
      t: this.nowNs + delayNs,
      seq: this.seq++,
      run: fn,
      proc: null,
      input: undefined,
    });
  }

  /** Queue the resumption of a process (what `schedule` of a closure would do, without one). */
  resumeLater(delayNs: number, proc: Process<unknown>, input: Settled<unknown> | undefined): void {
    if (!(delayNs >= 0) || !Number.isFinite(delayNs)) {
      throw new RangeError(`Sim.schedule: bad delay ${delayNs}`);
    }
    this.heap.push({ t: this.nowNs + delayNs, seq: this.seq++, run: null, proc, input });
  }

  /** Ask the run loop to stop before the next queue entry (used by breakpoints). */
  requestStop(): void {
    this.stopRequested = true;
  }

  /**
   * Start a process. It runs first at the current virtual time, after entries already queued.
   * Its context defaults to the spawning process's context.
   */
  spawn<T>(name: string, body: Proc<T>, ctx?: ProcContext): Future<T> {
    const done = new Future<T>(name);
    const inherited = ctx ?? this.current?.ctx ?? { op: -1, pipeline: '' };
    const p = new Process<T>(this.procSeq++, name, { ...inherited }, this, body, done);
    this.resumeLater(0, p as Process<unknown>, undefined);
    return done;
  }

  /** Process queue entries until the queue is empty or a limit is hit. */
  run(limits: RunLimits = {}): RunOutcome {
    this.stopRequested = false;
    let n = 0;
    for (;;) {
      if (limits.until?.()) return 'stopped';
      if (this.stopRequested) {
        this.stopRequested = false;
        return 'stopped';
      }
      if (limits.maxEntries !== undefined && n >= limits.maxEntries) return 'limit';
      const top = this.heap.peek();
      if (top === undefined) return 'idle';
      if (limits.untilTime !== undefined && top.t > limits.untilTime) return 'limit';
      this.heap.pop();
      this.nowNs = top.t;
      if (top.proc !== null) top.proc.resume(top.input);
      else (top.run as () => void)();
      n++;
    }
  }

  /** Run until `f` settles; throws if the queue empties first (a deadlock in the model). */
  runToCompletion<T>(f: Future<T>): T {
    this.run({ until: () => f.done });
    if (!f.done) throw new Error(`deadlock: ${f.label} never completed (queue empty)`);
    return f.value;
  }
}
