/**
 * The TSE side of every object API call (`src/client/api/task.c`, `src/object/cli_obj.c`):
 * `dc_task_create` / `dc_task_schedule` of a blocking call with its private event and
 * `task_comp_event`, the object completion callback `obj_comp_cb` with its retry
 * (`dc_task_reinit` after `dc_obj_retry_delay`, the pool-query task the retry depends on), and
 * `obj_req_fanout`'s shard sub-tasks when a call contacts several targets.
 *
 * The completion callbacks of one update task run in LIFO order (spec §3.9):
 * `dc_rw_cb` → `close_shard_cb` → `obj_comp_cb` → `task_comp_event`.
 */
import { IoError, der } from '../core/errors.ts';
import { sleep, type Proc } from '../core/sim.ts';
import type { DaosCluster, ObjHandle } from './cluster.ts';
import { COST } from './costs.ts';
import { traced } from './traced.ts';
import {
  DaosEvent,
  tseTaskRegisterCompCb,
  tseTaskRegisterDeps,
  tseTaskReinit,
  tseTaskSchedule,
  type TseTask,
} from './tse.ts';

const CLIENT = 'client';

/** `obj_retry_error`: the results the client retries (spec §3.9, the ones this model produces). */
const RETRYABLE = new Set([der('TIMEDOUT'), der('STALE'), der('INPROGRESS')]);
/** This model gives up after this many retries (DAOS retries retryable errors indefinitely). */
export const MAX_RETRIES = 20;

/**
 * `dc_obj_retry_delay` (µs → ns): `(rand | 31) & 1023`, × 1024 after an update timeout, else
 * shifted left by retry_cnt + 1 for modifications (retry_cnt − 1 for reads); capped near 3 s.
 */
export function retryDelayNs(rand: number, rc: number, retryCnt: number, update: boolean): number {
  let d = (rand | 31) & 1023;
  if (update && rc === der('TIMEDOUT')) d *= 1024;
  else if (update) d <<= Math.min(retryCnt + 1, 12);
  else if (retryCnt > 1) d <<= Math.min(retryCnt - 1, 12);
  else if (retryCnt <= 1) d = retryCnt === 0 ? 0 : d;
  return Math.min(d, 3_000_000) * 1000;
}

/**
 * A blocking object call: `dc_task_create` (a TSE task on the client scheduler, a private
 * event, `task_comp_event` registered at the bottom of the callback stack) and
 * `dc_task_schedule(task, instant)` (`daos_event_launch`, body in the caller, then
 * `daos_event_priv_wait` until the event completes). Throws the event's error.
 */
export function* blockingTask<T>(
  cl: DaosCluster,
  taskName: string,
  body: (task: TseTask) => Proc<T>,
): Proc<T> {
  const rt = cl.rt;
  let value: T | undefined;
  const task = cl.client.sched.create(taskName, function* (t) {
    value = yield* body(t);
  });
  const ev = new DaosEvent(rt.ids.next('daos.ev'));
  yield* traced(
    rt,
    'dc_task_create',
    CLIENT,
    { task: task.id, func: taskName, ev: { id: ev.id, kind: 'private (blocking call)' } },
    function* () {
      yield* sleep(COST.clientStep);
      tseTaskRegisterCompCb(task, 'task_comp_event', function* (t) {
        yield* traced(
          rt,
          'task_comp_event',
          CLIENT,
          { task: t.id, ev: ev.id, rc: t.result, runs: t.runs },
          function* () {
            yield* sleep(COST.clientStep / 4);
            ev.complete(t.result);
          },
        );
      });
    },
  );
  yield* traced(
    rt,
    'dc_task_schedule',
    CLIENT,
    { task: task.id, instant: true, ev: ev.id },
    function* () {
      ev.launch();
      yield* tseTaskSchedule(cl.client.sched, task, true);
    },
    () => ({ ev_status: ev.status, ev_error: ev.error }),
  );
  if (ev.error !== 0) throw new IoError(ev.error, `${taskName} failed`);
  return value as T;
}

/** What `obj_comp_cb` keeps across the runs of one task (`obj_auxi_args`). */
export interface ObjAuxi {
  retryCnt: number;
  /** The target of the last RPC when its message was lost (no answer at all), else null. */
  lostTarget: number | null;
  /** Modification (update/punch): the retry delay grows faster. */
  modify: boolean;
}

export function newObjAuxi(modify: boolean): ObjAuxi {
  return { retryCnt: 0, lostTarget: null, modify };
}

/**
 * `obj_task_init` → `tse_task_register_comp_cb(task, obj_comp_cb)`: on a retryable result the
 * callback re-initialises the task after `dc_obj_retry_delay` (`dc_task_reinit`), making it
 * depend on a pool-query task (`obj_pool_query_task`) when the map moved or a target did not
 * answer; otherwise the task completes with its result.
 */
export function registerObjCompCb(
  cl: DaosCluster,
  task: TseTask,
  oh: ObjHandle | undefined,
  auxi: ObjAuxi,
): void {
  const rt = cl.rt;
  tseTaskRegisterCompCb(task, 'obj_comp_cb', function* (t) {
    const rc = t.result;
    const retry = RETRYABLE.has(rc) && auxi.retryCnt < MAX_RETRIES;
    const delay = retry
      ? retryDelayNs(
          rt.rng
            .fork('daos.retry')
            .fork(String(rt.ids.next('daos.retry')))
            .int(0, 1 << 30),
          rc,
          auxi.retryCnt,
          auxi.modify,
        )
      : 0;
    yield* traced(
      rt,
      'obj_comp_cb',
      CLIENT,
      { result: rc, retry, ...(retry ? { retry_cnt: auxi.retryCnt + 1, delay_ns: delay } : {}) },
      function* () {
        yield* sleep(COST.clientStep / 2);
      },
    );
    if (!retry) return;
    auxi.retryCnt++;
    const lost = auxi.lostTarget;
    auxi.lostTarget = null;
    if (rc === der('TIMEDOUT') && lost !== null && !cl.target(lost).alive) {
      // A dead target is detected (SWIM) and excluded by the pool service; a target that only
      // lost a message stays in the map and the resend goes to it again.
      cl.excludeTarget(lost);
    }
    const refresh =
      oh !== undefined &&
      (rc === der('STALE') || rc === der('TIMEDOUT') || oh.mapVer < oh.cont.pool.mapVer);
    yield* traced(
      rt,
      'dc_task_reinit',
      CLIENT,
      { task: t.id, delay_ns: delay, rc, depends_on_pool_query: refresh },
      function* () {
        yield* sleep(0);
        if (refresh) yield* schedulePoolQuery(cl, t, oh);
        tseTaskReinit(t, delay);
      },
    );
  });
}

/** The pool-query task a retry depends on: refreshes the handle's pool map (version, DOWN set). */
function* schedulePoolQuery(cl: DaosCluster, task: TseTask, oh: ObjHandle): Proc<void> {
  const rt = cl.rt;
  const q = cl.client.sched.create('obj_pool_query_task', function* () {
    yield* traced(
      rt,
      'obj_pool_query_task',
      CLIENT,
      { old_map_ver: oh.mapVer },
      function* () {
        yield* sleep(2 * COST.netLatency);
        refreshPoolMap(cl, oh);
      },
      () => ({ new_map_ver: oh.mapVer, down: [...oh.excluded] }),
    );
  });
  tseTaskRegisterDeps(task, [q]);
  yield* tseTaskSchedule(cl.client.sched, q, false);
}

/** The client's pool map catches up with the pool service's: version and DOWN targets. */
export function refreshPoolMap(cl: DaosCluster, oh: ObjHandle): void {
  oh.mapVer = oh.cont.pool.mapVer;
  oh.excluded = new Set(cl.excluded);
}

/**
 * `obj_req_fanout`: with one target the shard I/O runs on the object task itself; with more,
 * one `shard_io_task` sub-task per target, each registered as a dependency of the object task
 * (which therefore completes after all of them, with the first failure's rc) and scheduled.
 */
export function* objReqFanout(
  cl: DaosCluster,
  task: TseTask,
  targets: number,
  shardIo: (task: TseTask, i: number) => Proc<number | void>,
): Proc<void> {
  if (targets === 1) {
    const rc = (yield* shardIo(task, 0)) ?? 0;
    if (rc !== 0) throw new IoError(rc);
    return;
  }
  const subs: TseTask[] = [];
  for (let i = 0; i < targets; i++)
    subs.push(cl.client.sched.create('shard_io_task', (t) => shardIo(t, i)));
  tseTaskRegisterDeps(task, subs);
  yield* traced(
    cl.rt,
    'obj_shard_task_sched',
    CLIENT,
    { parent: task.id, shard_tasks: subs.map((s) => s.id) },
    function* () {
      yield* sleep(0);
      for (const s of subs) yield* tseTaskSchedule(cl.client.sched, s, false);
    },
  );
}
