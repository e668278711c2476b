/**
 * The scenario runner: one Runtime per document; the ops run one after another (blocking client
 * semantics), each as a simulated process with context {op: index, pipeline: spec.pipeline}, so
 * every trace event it causes is tagged with its op.
 *
 * Run control stops BETWEEN queue entries (never inside one): `runSteps(n)` stops after n more
 * trace events, `runUntil(bp)` at the first event matching a breakpoint (`matchesAt` of
 * trace/breakpoints.ts). `runNextOp`/`runAll` run to op boundaries and ignore breakpoints.
 *
 * An op's IoError becomes its rc; any other exception is a bug in the model and propagates.
 */
import { IoError, rcName } from '../core/errors.ts';
import { createRuntime, type Runtime } from '../core/runtime.ts';
import type { Future, Proc } from '../core/sim.ts';
import { matchesAt, type Breakpoint } from '../trace/breakpoints.ts';
import type { TraceEvent } from '../trace/event.ts';
import { setMediaProvider, type MediaProvider } from '../media/provider.ts';
import { getOp } from './registry.ts';
import { ScenarioError, validateOp, validateScenario } from './validate.ts';
import { World } from './world.ts';
import {
  RESULT_SCHEMA,
  type OpDoc,
  type OpOutcome,
  type OpResultLine,
  type ResultDoc,
  type ScenarioDoc,
} from './types.ts';

export interface RunnerOptions {
  /** Overrides the document's seed. */
  seed?: number;
  /** Keep trace events in memory (default true; benchmarks of raw speed turn it off). */
  keepEvents?: boolean;
  /** Where devices keep their images (default: fresh memory per run). */
  media?: MediaProvider;
}

/** Why a run-control call returned. */
export type StopReason = 'step' | 'breakpoint' | 'op' | 'end';

export interface RunStatus {
  reason: StopReason;
  /** The event that caused a 'step'/'breakpoint' stop. */
  event?: TraceEvent;
  /** Ops finished so far. */
  opsDone: number;
  /** Events emitted so far. */
  events: number;
}

export class ScenarioRunner {
  readonly rt: Runtime;
  readonly world: World;
  readonly doc: ScenarioDoc;
  readonly seed: number;
  /** The first event that met the active stop condition. */
  private stopEvent: TraceEvent | undefined;
  private readonly lines: OpResultLine[] = [];
  /** The op process currently running (index and its future). */
  private current: { index: number; done: Future<OpOutcome> } | undefined;

  constructor(doc: unknown, opts: RunnerOptions = {}) {
    const v = validateScenario(doc);
    if (!v.ok) throw new ScenarioError(v.error);
    // Own copy: appendOp must not mutate the caller's document.
    this.doc = { ...v.doc, ops: v.doc.ops.slice() };
    this.seed = opts.seed ?? this.doc.seed ?? 0;
    this.rt = createRuntime(this.seed);
    if (opts.keepEvents === false) this.rt.trace.keep = false;
    if (opts.media) setMediaProvider(this.rt, opts.media);
    this.world = new World(this.rt, this.doc);
  }

  /** All trace events so far (the runtime's recorder; do not mutate). */
  get events(): TraceEvent[] {
    return this.rt.trace.events;
  }

  /** Result lines of the ops finished so far. */
  get results(): readonly OpResultLine[] {
    return this.lines;
  }

  /** Index of the next op to start (or of the op in progress). */
  get nextIndex(): number {
    return this.current?.index ?? this.lines.length;
  }

  /** True when every op of the document has finished. */
  get done(): boolean {
    return this.current === undefined && this.lines.length >= this.doc.ops.length;
  }

  /** The result document of the ops finished so far. */
  result(): ResultDoc {
    return { schema: RESULT_SCHEMA, ops: this.lines.slice() };
  }

  /** Validate an op (as `ops[n]`) and append it. Returns the problem, or null when appended. */
  appendOp(op: OpDoc): string | null {
    const problem = validateOp(op, this.doc.ops.length);
    if (problem) return problem;
    this.doc.ops.push(op);
    return null;
  }

  /** Run the next op to completion; undefined when there is none. */
  runNextOp(): OpResultLine | undefined {
    if (this.done) return undefined;
    const before = this.lines.length;
    while (this.lines.length === before) this.drive(() => this.lines.length > before);
    return this.lines[before];
  }

  /** Run every remaining op. */
  runAll(): ResultDoc {
    while (!this.done) this.runNextOp();
    return this.result();
  }

  /**
   * Run until `n` more trace events have been emitted (or the document ends). The sim stops
   * between queue entries; DAOS steps each end their queue entry (`traced`), so the stop is
   * exactly after the n-th event there. `event` is the n-th event.
   */
  runSteps(n: number): RunStatus {
    if (n <= 0) return this.status('step');
    const last = this.rt.trace.count + n - 1;
    return this.runWatching((seq) => seq === last, 'step');
  }

  /** Run until an event matches `bp` (or the document ends); `event` is the first match. */
  runUntil(bp: Breakpoint): RunStatus {
    const trace = this.rt.trace;
    return this.runWatching((seq) => matchesAt(bp, trace, seq), 'breakpoint');
  }

  /**
   * Why not StepGate.hit: it records the LAST matching event of a queue entry; a debugger needs
   * the FIRST one, so the runner watches the stream itself (and stops the sim the same way,
   * between queue entries). It listens only while a run-control call is active, and by seq: a
   * plain run records without building an event object per event.
   */
  private runWatching(stopAt: (seq: number) => boolean, reason: StopReason): RunStatus {
    const trace = this.rt.trace;
    this.stopEvent = undefined;
    const unlisten = trace.listenSeq((seq) => {
      if (this.stopEvent === undefined && stopAt(seq)) {
        // Built now: when events are not kept, the event is readable only while it is new.
        this.stopEvent = trace.eventAt(seq);
        this.rt.sim.requestStop();
      }
    });
    try {
      for (;;) {
        if (this.done) return this.status('end');
        this.drive(() => this.stopEvent !== undefined);
        if (this.stopEvent !== undefined) return this.status(reason, this.stopEvent);
      }
    } finally {
      unlisten();
    }
  }

  private status(reason: StopReason, event?: TraceEvent): RunStatus {
    const s: RunStatus = { reason, opsDone: this.lines.length, events: this.rt.trace.count };
    if (event) s.event = event;
    return s;
  }

  /**
   * Advance the simulation: start the next op if none is running, run the queue until it is
   * idle, a stop is requested (gate) or `until` holds, and record a finished op.
   */
  private drive(until: () => boolean): void {
    if (!this.current) {
      if (this.lines.length >= this.doc.ops.length) return;
      this.startOp(this.lines.length);
    }
    const cur = this.current;
    if (!cur) return;
    this.rt.sim.run({ until: () => cur.done.done || until() });
    if (cur.done.done) {
      this.finishOp(cur.index, cur.done);
      this.current = undefined;
    } else if (this.rt.sim.pending === 0) {
      throw new Error(`deadlock: op ${cur.index} (${this.doc.ops[cur.index]?.op}) never completed`);
    }
  }

  private startOp(index: number): void {
    const op = this.doc.ops[index] as OpDoc;
    const spec = getOp(op.op);
    if (!spec) throw new ScenarioError(`ops[${index}].op: unknown op "${op.op}"`);
    const world = this.world;
    const body = function* (): Proc<OpOutcome> {
      try {
        return yield* spec.run(op, world, index);
      } catch (err) {
        if (err instanceof IoError) return { rc: err.rc };
        throw err;
      }
    };
    const done = this.rt.sim.spawn(`op${index}:${op.op}`, body(), {
      op: index,
      pipeline: spec.pipeline,
    });
    this.current = { index, done };
  }

  private finishOp(index: number, done: Future<OpOutcome>): void {
    const op = this.doc.ops[index] as OpDoc;
    const out = done.value; // rethrows a model bug
    this.lines.push({
      index,
      op: op.op,
      rc: out.rc,
      rc_name: rcName(out.rc),
      result: out.result ?? null,
    });
  }
}

/** Run a whole document: its result document and its trace. */
export function runScenario(
  doc: unknown,
  opts: RunnerOptions = {},
): { result: ResultDoc; events: TraceEvent[]; runner: ScenarioRunner } {
  const runner = new ScenarioRunner(doc, opts);
  const result = runner.runAll();
  // `events` is a getter: a caller that only wants the result (or serializes from the tracer
  // with serializeTrace(doc, runner.rt.trace)) never materializes the event objects.
  return {
    result,
    runner,
    get events() {
      return runner.events;
    },
  };
}
