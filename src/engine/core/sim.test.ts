import { describe, expect, it } from 'vitest';
import { Future, Sim, sleep, wait, type Proc } from './sim.ts';

describe('Sim', () => {
  it('orders entries by time, then by scheduling order', () => {
    const sim = new Sim();
    const log: string[] = [];
    sim.schedule(10, () => log.push('b@10'));
    sim.schedule(5, () => log.push('a@5'));
    sim.schedule(10, () => log.push('c@10'));
    sim.schedule(0, () => log.push('z@0'));
    expect(sim.run()).toBe('idle');
    expect(log).toEqual(['z@0', 'a@5', 'b@10', 'c@10']);
    expect(sim.now).toBe(10);
  });

  it('runs processes that sleep and wait in virtual time', () => {
    const sim = new Sim();
    const log: string[] = [];
    const gate = new Future<number>('gate');
    function* waiter(): Proc<number> {
      log.push(`waiter start ${sim.now}`);
      const v = yield* wait(gate);
      log.push(`waiter got ${v} at ${sim.now}`);
      return v * 2;
    }
    function* opener(): Proc {
      yield* sleep(100);
      log.push(`open at ${sim.now}`);
      gate.resolve(21);
    }
    const w = sim.spawn('waiter', waiter());
    sim.spawn('opener', opener());
    expect(sim.runToCompletion(w)).toBe(42);
    expect(log).toEqual(['waiter start 0', 'open at 100', 'waiter got 21 at 100']);
  });

  it('propagates errors into waiting processes', () => {
    const sim = new Sim();
    const f = new Future<void>('f');
    function* p(): Proc<string> {
      try {
        yield* wait(f);
        return 'no';
      } catch (e) {
        return (e as Error).message;
      }
    }
    const done = sim.spawn('p', p());
    sim.schedule(5, () => f.reject(new Error('boom')));
    expect(sim.runToCompletion(done)).toBe('boom');
  });

  it('children inherit the op context of the spawning process', () => {
    const sim = new Sim();
    const seen: number[] = [];
    function* child(): Proc {
      seen.push(sim.current?.ctx.op ?? -9);
      yield* sleep(1);
    }
    function* parent(): Proc {
      yield* wait(sim.spawn('child', child()));
    }
    sim.runToCompletion(sim.spawn('parent', parent(), { op: 3, pipeline: 'x' }));
    expect(seen).toEqual([3]);
  });

  it('stops between entries on request and resumes where it stopped', () => {
    const sim = new Sim();
    const log: number[] = [];
    for (let i = 0; i < 5; i++) sim.schedule(i, () => log.push(i));
    expect(sim.run({ maxEntries: 2 })).toBe('limit');
    expect(log).toEqual([0, 1]);
    sim.schedule(0, () => sim.requestStop());
    expect(sim.run()).toBe('stopped');
    sim.run();
    expect(log).toEqual([0, 1, 2, 3, 4]);
  });

  it('detects a deadlock instead of hanging', () => {
    const sim = new Sim();
    const never = new Future<void>('never');
    function* p(): Proc {
      yield* wait(never);
    }
    expect(() => sim.runToCompletion(sim.spawn('p', p()))).toThrow(/deadlock/);
  });
});
