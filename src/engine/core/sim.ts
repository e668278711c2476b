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
  private waiters: Array<(r: Settled<T>) => void> = [];
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

  private settle(r: Settled<T>): void {
    if (this.result !== undefined) throw new Error(`Future ${this.label} settled twice`);
    this.result = r;
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w(r);
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

interface QueueEntry {
  t: number;
  seq: number;
  run: () => void;
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
    this.heap.push({ t: this.nowNs + delayNs, seq: this.seq++, run: fn });
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
    const state: ProcState = {
      id: this.procSeq++,
      name,
      ctx: { ...inherited },
      pendingEffects: [],
    };
    const step = (input: Settled<unknown> | undefined): void => {
      const prev = this.current;
      this.current = state;
      try {
        let next: IteratorResult<Instr, T>;
        try {
          if (input === undefined) next = body.next();
          else if (input.ok) next = body.next(input.value);
          else next = body.throw(input.error);
        } catch (err) {
          done.reject(err);
          return;
        }
        if (next.done) {
          done.resolve(next.value);
          return;
        }
        const instr = next.value;
        if (instr.kind === 'sleep') {
          this.schedule(instr.ns, () => step({ ok: true, value: undefined }));
        } else {
          instr.future.onSettle((r) => this.schedule(0, () => step(r)));
        }
      } finally {
        this.current = prev;
      }
    };
    this.schedule(0, () => step(undefined));
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
      top.run();
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
