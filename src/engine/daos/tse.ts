/**
 * TSE — the client task scheduler (`src/common/tse.c`, spec §3 step 2) and the event a blocking
 * call waits on (`src/client/api/event.c`).
 *
 * Semantics kept from tse.c:
 * - a task's body runs only when its dependency count is 0 (`tse_task_register_deps`);
 * - a body may create sub-tasks and register them as its own dependencies: the task then
 *   completes only after all of them completed;
 * - a non-zero result of a dependency propagates to the dependent if its result is still 0;
 * - completion callbacks run in LIFO registration order, each removed as it runs
 *   (`tse_task_register_comp_cb`); a callback may re-initialise the task
 *   (`tse_task_reinit[_with_delay]`): the remaining callbacks stay registered, the body runs
 *   again (after the delay and after any dependency registered meanwhile, e.g. the pool-query
 *   task of a client retry), and re-registers its own callbacks;
 * - `tse_task_schedule(task, instant)`: instant with no dependency runs the body in the caller
 *   (here: the caller's simulated process), otherwise the scheduler runs it when ready (here: a
 *   process of its own).
 *
 * Tasks live in virtual time: bodies and callbacks are simulated processes (`Proc`). This file
 * emits no trace events; the DAOS code that uses it names its steps (`dc_task_create` …).
 */
import { IoError, rcOf } from '../core/errors.ts';
import { Future, sleep, wait, type Proc } from '../core/sim.ts';
import type { Runtime } from '../core/runtime.ts';

/** A task body: returns (or throws as IoError) the rc given to `tse_task_complete`. */
export type TseBody = (task: TseTask) => Proc<number | void>;
/** A completion callback; it may read/modify `task.result` and call `tseTaskReinit`. */
export type TseCompCb = (task: TseTask) => Proc<void>;

export type TseState = 'init' | 'scheduled' | 'running' | 'completing' | 'completed';

export class TseTask {
  /** `dt_result`: the task's rc (0 = success). */
  result = 0;
  state: TseState = 'init';
  /** Times the body ran (1 + the number of re-initialisations that re-ran it). */
  runs = 0;
  /** `dtp_dep_cnt`: dependencies not yet completed. */
  private depCnt = 0;
  private depWaiter: Future<void> | null = null;
  /** Tasks that depend on this one (`dtp_dep_list` of the other side). */
  private readonly dependents: TseTask[] = [];
  /** Completion callbacks, last registered on top. */
  private readonly compCbs: { name: string; cb: TseCompCb }[] = [];
  /** Set by `tseTaskReinit` while completing: delay before the body runs again. */
  private reinitDelay: number | null = null;
  /** Settles with the final result once the task completed (after every retry). */
  readonly done: Future<number>;

  constructor(
    readonly id: number,
    readonly name: string,
    private readonly body: TseBody,
  ) {
    this.done = new Future<number>(`tse:${name}#${id}`);
  }

  /** Names of the completion callbacks still registered, in the order they will run. */
  pendingCompCbs(): string[] {
    return this.compCbs.map((c) => c.name).reverse();
  }

  get dependencyCount(): number {
    return this.depCnt;
  }

  /** @internal `tse_task_register_deps` from the dependent's side. */
  addDep(dep: TseTask): void {
    if (dep.state === 'completed') {
      if (dep.result !== 0 && this.result === 0) this.result = dep.result;
      return;
    }
    this.depCnt++;
    dep.dependents.push(this);
  }

  /** @internal */
  addCompCb(name: string, cb: TseCompCb): void {
    this.compCbs.push({ name, cb });
  }

  /** @internal */
  reinit(delayNs: number): void {
    if (this.state !== 'completing' && this.state !== 'running')
      throw new Error(`tse_task_reinit: task ${this.name} is ${this.state}`);
    this.reinitDelay = Math.max(this.reinitDelay ?? 0, delayNs);
  }

  private *waitDeps(): Proc<void> {
    if (this.depCnt === 0) return;
    this.depWaiter ??= new Future<void>(`tse-deps:${this.name}#${this.id}`);
    yield* wait(this.depWaiter);
  }

  private depDone(dep: TseTask): void {
    if (dep.result !== 0 && this.result === 0) this.result = dep.result;
    this.depCnt--;
    if (this.depCnt === 0 && this.depWaiter) {
      const w = this.depWaiter;
      this.depWaiter = null;
      w.resolve();
    }
  }

  /** @internal The task's life: wait for dependencies, body, dependencies, callbacks, retry. */
  *run(): Proc<number> {
    for (;;) {
      yield* this.waitDeps();
      this.state = 'running';
      this.runs++;
      let rc: number;
      try {
        rc = (yield* this.body(this)) ?? 0;
      } catch (err) {
        if (!(err instanceof IoError)) throw err;
        rc = rcOf(err);
      }
      // tse_task_complete(task, rc): a body that registered dependencies completes after them.
      if (rc !== 0 && this.result === 0) this.result = rc;
      yield* this.waitDeps();
      this.state = 'completing';
      while (this.compCbs.length > 0 && this.reinitDelay === null) {
        const top = this.compCbs.pop() as { name: string; cb: TseCompCb };
        yield* top.cb(this);
      }
      if (this.reinitDelay !== null) {
        const d = this.reinitDelay;
        this.reinitDelay = null;
        this.result = 0;
        this.state = 'scheduled';
        if (d > 0) yield* sleep(d);
        continue;
      }
      this.state = 'completed';
      for (const t of this.dependents.splice(0)) t.depDone(this);
      this.done.resolve(this.result);
      return this.result;
    }
  }
}

/** One scheduler (`tse_sched`): hands out task ids. */
export class TseSched {
  private nextId = 1;

  constructor(readonly rt: Runtime) {}

  /** `tse_task_create(func, sched, priv, &task)`. */
  create(name: string, body: TseBody): TseTask {
    return new TseTask(this.nextId++, name, body);
  }
}

/** `tse_task_register_deps(task, n, deps)`: `task` runs (or completes) after all of `deps`. */
export function tseTaskRegisterDeps(task: TseTask, deps: readonly TseTask[]): void {
  for (const d of deps) task.addDep(d);
}

/** `tse_task_register_comp_cb`: pushed on top; callbacks run last-registered first. */
export function tseTaskRegisterCompCb(task: TseTask, name: string, cb: TseCompCb): void {
  task.addCompCb(name, cb);
}

/** `tse_task_reinit_with_delay` (delay 0 = `tse_task_reinit`), from a completion callback. */
export function tseTaskReinit(task: TseTask, delayNs = 0): void {
  task.reinit(delayNs);
}

/**
 * `tse_task_schedule(task, instant)`. Instant and ready: the body runs in the calling process,
 * which returns when the task completed. Otherwise the task gets a process of its own (it runs
 * when its dependencies completed) and this returns at once; wait on `task.done`.
 */
export function* tseTaskSchedule(sched: TseSched, task: TseTask, instant: boolean): Proc<void> {
  if (task.state !== 'init') throw new Error(`tse_task_schedule: task ${task.name} ${task.state}`);
  task.state = 'scheduled';
  if (instant && task.dependencyCount === 0) {
    yield* task.run();
    return;
  }
  const f = sched.rt.sim.spawn(`tse:${task.name}#${task.id}`, task.run());
  f.onSettle((r) => {
    if (!r.ok && !task.done.done) task.done.reject(r.error);
  });
}

/** Wait for a task to complete; returns its result. */
export function* tseTaskWait(task: TseTask): Proc<number> {
  return yield* wait(task.done);
}

/** `daos_event_t` of a blocking call: a private event (`daos_event_priv_get`). */
export class DaosEvent {
  status: 'DAOS_EVS_READY' | 'DAOS_EVS_RUNNING' | 'DAOS_EVS_COMPLETED' = 'DAOS_EVS_READY';
  /** `ev_error`. */
  error = 0;

  constructor(readonly id: number) {}

  /** `daos_event_launch`. */
  launch(): void {
    if (this.status === 'DAOS_EVS_RUNNING') throw new Error('daos_event_launch: already running');
    this.status = 'DAOS_EVS_RUNNING';
  }

  /** `daos_event_complete` (from `task_comp_event`). */
  complete(rc: number): void {
    this.error = rc;
    this.status = 'DAOS_EVS_COMPLETED';
  }
}
