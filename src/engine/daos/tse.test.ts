import { describe, expect, it } from 'vitest';
import { createRuntime } from '../core/runtime.ts';
import { der, derError } from '../core/errors.ts';
import { sleep, type Proc } from '../core/sim.ts';
import {
  TseSched,
  tseTaskRegisterCompCb,
  tseTaskRegisterDeps,
  tseTaskReinit,
  tseTaskSchedule,
  tseTaskWait,
  type TseTask,
} from './tse.ts';

function setup() {
  const rt = createRuntime(1);
  return { rt, sched: new TseSched(rt) };
}

describe('TSE tasks (tse.c semantics)', () => {
  it('a task runs only after its dependencies completed, in virtual-time order', () => {
    const { rt, sched } = setup();
    const log: string[] = [];
    const mk = (name: string, ns: number) =>
      sched.create(name, function* () {
        log.push(`${name} start @${rt.sim.now}`);
        yield* sleep(ns);
        log.push(`${name} end @${rt.sim.now}`);
      });
    const a = mk('a', 300);
    const b = mk('b', 100);
    const c = mk('c', 10);
    tseTaskRegisterDeps(c, [a, b]);
    const main = rt.sim.spawn(
      'main',
      (function* (): Proc<number> {
        // c is scheduled first, yet runs last: its dependency count is 2.
        yield* tseTaskSchedule(sched, c, false);
        yield* tseTaskSchedule(sched, a, false);
        yield* tseTaskSchedule(sched, b, false);
        return yield* tseTaskWait(c);
      })(),
    );
    expect(rt.sim.runToCompletion(main)).toBe(0);
    expect(log).toEqual([
      'a start @0',
      'b start @0',
      'b end @100',
      'a end @300',
      'c start @300',
      'c end @310',
    ]);
  });

  it('sub-tasks registered by the body delay completion; a failed one propagates its rc', () => {
    const { rt, sched } = setup();
    const order: string[] = [];
    const parent = sched.create('obj', function* (task: TseTask) {
      const ok = sched.create('shard0', function* () {
        yield* sleep(50);
        order.push('shard0');
      });
      const bad = sched.create('shard1', function* () {
        yield* sleep(20);
        order.push('shard1');
        throw derError('NOSPACE');
      });
      tseTaskRegisterDeps(task, [ok, bad]);
      yield* sleep(0);
      yield* tseTaskSchedule(sched, ok, false);
      yield* tseTaskSchedule(sched, bad, false);
      order.push('body returns');
    });
    tseTaskRegisterCompCb(parent, 'cb', function* (t) {
      order.push(`cb sees ${t.result}`);
      yield* sleep(0);
    });
    const main = rt.sim.spawn(
      'main',
      (function* () {
        yield* tseTaskSchedule(sched, parent, true);
        return parent.result;
      })(),
    );
    expect(rt.sim.runToCompletion(main)).toBe(der('NOSPACE'));
    expect(order).toEqual(['body returns', 'shard1', 'shard0', `cb sees ${der('NOSPACE')}`]);
    expect(rt.sim.now).toBe(50);
  });

  it('completion callbacks run last-registered first', () => {
    const { rt, sched } = setup();
    const order: string[] = [];
    const t = sched.create('t', function* (task: TseTask) {
      yield* sleep(0);
      for (const n of ['close_shard_cb', 'dc_rw_cb'])
        tseTaskRegisterCompCb(task, n, function* () {
          order.push(n);
          yield* sleep(1);
        });
    });
    for (const n of ['task_comp_event', 'obj_comp_cb'])
      tseTaskRegisterCompCb(t, n, function* () {
        order.push(n);
        yield* sleep(1);
      });
    const main = rt.sim.spawn('main', tseTaskSchedule(sched, t, true));
    rt.sim.runToCompletion(main);
    expect(order).toEqual(['dc_rw_cb', 'close_shard_cb', 'obj_comp_cb', 'task_comp_event']);
    expect(t.state).toBe('completed');
  });

  it('reinit from a callback re-runs the body after the delay and the new dependency', () => {
    const { rt, sched } = setup();
    const order: string[] = [];
    let attempt = 0;
    const t = sched.create('update', function* (task: TseTask) {
      attempt++;
      order.push(`body ${attempt} @${rt.sim.now}`);
      // The body registers its retry callback every run (obj_task_init).
      tseTaskRegisterCompCb(task, 'obj_comp_cb', function* (tk) {
        order.push(`obj_comp_cb rc=${tk.result}`);
        if (tk.result === der('STALE')) {
          const refresh = sched.create('pool_query', function* () {
            yield* sleep(500);
            order.push(`pool_query @${rt.sim.now}`);
          });
          tseTaskRegisterDeps(tk, [refresh]);
          yield* tseTaskSchedule(sched, refresh, false);
          tseTaskReinit(tk, 100);
        }
      });
      yield* sleep(10);
      if (attempt === 1) throw derError('STALE');
    });
    tseTaskRegisterCompCb(t, 'task_comp_event', function* (tk) {
      order.push(`task_comp_event rc=${tk.result}`);
      yield* sleep(0);
    });
    const main = rt.sim.spawn('main', tseTaskSchedule(sched, t, true));
    rt.sim.runToCompletion(main);
    expect(order).toEqual([
      'body 1 @0',
      `obj_comp_cb rc=${der('STALE')}`,
      'pool_query @510',
      'body 2 @510',
      'obj_comp_cb rc=0',
      'task_comp_event rc=0',
    ]);
    expect(t.runs).toBe(2);
    expect(t.result).toBe(0);
  });

  it('a dependency that already completed with an error still propagates it', () => {
    const { rt, sched } = setup();
    const dep = sched.create('dep', function* () {
      yield* sleep(1);
      return der('IO');
    });
    const main = rt.sim.spawn(
      'main',
      (function* () {
        yield* tseTaskSchedule(sched, dep, true);
        const t = sched.create('after', function* () {
          yield* sleep(1);
        });
        tseTaskRegisterDeps(t, [dep]);
        yield* tseTaskSchedule(sched, t, true);
        return t.result;
      })(),
    );
    expect(rt.sim.runToCompletion(main)).toBe(der('IO'));
  });
});
