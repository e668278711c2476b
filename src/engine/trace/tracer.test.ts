import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { Sim, sleep, type Proc } from '../core/sim.ts';
import { runScenario } from '../scenario/runner.ts';
import { getBuiltinScenario } from '../scenario/builtins.ts';
import type { Effect, TraceEvent } from './event.ts';
import { serializeTrace, serializeTraceChunks } from './serialize.ts';
import {
  EFF_SCM_ALLOC,
  EFF_SCM_DRAIN,
  EFF_SCM_FLUSH,
  EFF_SCM_WRITE,
  EFF_TX_ADD,
  EFF_TX_BEGIN,
  Tracer,
  type Data,
} from './tracer.ts';

/** The recorder as it was (one object per event), as the reference for the columnar one. */
function reference(
  seq: number,
  t: number,
  pipeline: string,
  op: number,
  step: string,
  phase: TraceEvent['phase'],
  actor: string,
  caption: string | undefined,
  data: Data | undefined,
  effects: Effect[] | undefined,
  rc: number | undefined,
): TraceEvent {
  const e: TraceEvent = { seq, t, pipeline, op, step, phase, actor };
  if (caption !== undefined) e.caption = caption;
  if (data !== undefined) e.data = data;
  if (effects !== undefined) e.effects = effects;
  if (rc !== undefined) e.rc = rc;
  return e;
}

describe('Tracer (columnar)', () => {
  it('materializes every combination of optional fields in contract key order', () => {
    const sim = new Sim();
    const tr = new Tracer(sim);
    const want: TraceEvent[] = [];
    const rng = new Rng(7);
    const phases = ['enter', 'exit', 'point'] as const;
    // > 1024 events: the columns grow at least once.
    for (let i = 0; i < 3000; i++) {
      const m = rng.int(0, 15);
      const caption = m & 1 ? `caption ${i}` : undefined;
      const data = m & 2 ? { i, s: 'x'.repeat(i % 5), nested: { a: [1, i] } } : undefined;
      const effects: Effect[] | undefined = m & 4 ? [{ kind: 'scm.write', off: i }] : undefined;
      const rc = m & 8 ? -(i % 7) : undefined;
      const phase = phases[i % 3] as TraceEvent['phase'];
      const step = `step${i % 13}`;
      const actor = `actor${i % 4}`;
      const pipeline = i % 2 ? 'p.odd' : 'p.even';
      const detail: Parameters<Tracer['enter']>[2] = { pipeline };
      if (caption !== undefined) detail.caption = caption;
      if (data !== undefined) detail.data = data;
      if (effects !== undefined) detail.effects = effects;
      if (rc !== undefined) detail.rc = rc;
      if (phase === 'enter') tr.enter(step, actor, detail);
      else if (phase === 'exit') tr.exit(step, actor, detail);
      else tr.point(step, actor, detail);
      want.push(reference(i, 0, pipeline, -1, step, phase, actor, caption, data, effects, rc));
      // Read in the middle too: materialization is incremental.
      if (i === 500) expect(tr.events.length).toBe(501);
    }
    const got = tr.events;
    expect(got.length).toBe(3000);
    for (let i = 0; i < want.length; i++) {
      const g = got[i] as TraceEvent;
      const w = want[i] as TraceEvent;
      expect(Object.keys(g)).toEqual(Object.keys(w));
      expect(g).toEqual(w);
      expect(tr.jsonLine(i)).toBe(JSON.stringify(w));
      // References, not copies.
      expect(g.data).toBe(w.data);
      expect(tr.dataAt(i)).toBe(w.data);
      expect(tr.stepAt(i)).toBe(w.step);
      expect(tr.actorAt(i)).toBe(w.actor);
      expect(tr.pipelineAt(i)).toBe(w.pipeline);
      expect(tr.phaseAt(i)).toBe(w.phase);
      expect(tr.rcAt(i)).toBe(w.rc);
      expect(tr.captionAt(i)).toBe(w.caption);
    }
    // Same cached array and objects on every read.
    expect(tr.events).toBe(got);
    expect(tr.eventAt(42)).toBe(got[42]);
    expect(tr.length).toBe(3000);
    const cols = tr.columns();
    expect(cols.length).toBe(3000);
    expect(cols.names[cols.step[5] as number]).toBe('step5');
  });

  it('stamps op, pipeline and time from the running process and attaches its effects', () => {
    const sim = new Sim();
    const tr = new Tracer(sim);
    tr.effect({ kind: 'loose', n: 1 }); // setup code: rides on the next event
    const body = function* (): Proc<void> {
      tr.effect({ kind: 'tx.begin' });
      tr.record('enter', 'vos_update_begin', 'engine0.tgt0', { dkey: 'd' });
      yield* sleep(250);
      tr.effect({ kind: 'tx.commit' });
      tr.record('exit', 'vos_update_end', 'engine0.tgt0', undefined, 0);
      tr.point('done', 'client', { effects: [{ kind: 'extra' }], caption: 'c' });
    };
    sim.runToCompletion(sim.spawn('p', body(), { op: 3, pipeline: 'daos.update' }));
    expect(tr.events).toEqual([
      {
        seq: 0,
        t: 0,
        pipeline: 'daos.update',
        op: 3,
        step: 'vos_update_begin',
        phase: 'enter',
        actor: 'engine0.tgt0',
        data: { dkey: 'd' },
        effects: [{ kind: 'loose', n: 1 }, { kind: 'tx.begin' }],
      },
      {
        seq: 1,
        t: 250,
        pipeline: 'daos.update',
        op: 3,
        step: 'vos_update_end',
        phase: 'exit',
        actor: 'engine0.tgt0',
        effects: [{ kind: 'tx.commit' }],
        rc: 0,
      },
      {
        seq: 2,
        t: 250,
        pipeline: 'daos.update',
        op: 3,
        step: 'done',
        phase: 'point',
        actor: 'client',
        caption: 'c',
        effects: [{ kind: 'extra' }],
      },
    ]);
  });

  it('compact effects (effectRec) read back as the objects, in order with object effects', () => {
    const sim = new Sim();
    const tr = new Tracer(sim);
    tr.effectRec(EFF_TX_BEGIN, 'scm0', 0, 0, 0); // loose: rides on the next event
    const seen: (Effect[] | undefined)[] = [];
    // Two processes interleave: each event gets only its own process's effects.
    const a = function* (): Proc<void> {
      tr.effectRec(EFF_SCM_WRITE, 'scm0', 4096, 8, 0);
      tr.effect({ kind: 'tree.insert', node: 1 });
      yield* sleep(10);
      tr.effectRec(EFF_SCM_FLUSH, 'scm0', 4096, 8, 1);
      tr.effectRec(EFF_SCM_DRAIN, 'scm0', 0, 0, 1);
      tr.record('point', 'a', 'x', undefined, undefined);
    };
    const b = function* (): Proc<void> {
      tr.effectRec(EFF_SCM_ALLOC, 'scm1', 2 ** 40, 128, 0);
      tr.effectRec(EFF_TX_ADD, 'scm1', 64, 8, 0);
      tr.point('b', 'y', { effects: [{ kind: 'extra' }] });
      tr.keep = false;
      tr.effectRec(EFF_SCM_WRITE, 'scm1', 1, 1, 0); // listeners only: not kept
      tr.point('dropped', 'y');
      tr.keep = true;
      yield* sleep(20);
    };
    const stop = tr.listenSeq((seq) => seen.push(tr.effectsAt(seq)));
    sim.spawn('a', a());
    sim.runToCompletion(sim.spawn('b', b()));
    sim.run();
    stop();
    const bEffects = [
      { kind: 'tx.begin', dev: 'scm0' },
      { kind: 'alloc', media: 'scm', dev: 'scm1', off: 2 ** 40, len: 128 },
      { kind: 'tx.add', dev: 'scm1', off: 64, len: 8 },
      { kind: 'extra' },
    ];
    const aEffects = [
      { kind: 'scm.write', dev: 'scm0', off: 4096, len: 8 },
      { kind: 'tree.insert', node: 1 },
      { kind: 'scm.flush', dev: 'scm0', off: 4096, len: 8, lines: 1 },
      { kind: 'scm.drain', dev: 'scm0', lines: 1 },
    ];
    expect(seen).toEqual([
      bEffects,
      [{ kind: 'scm.write', dev: 'scm1', off: 1, len: 1 }],
      aEffects,
    ]);
    // `keep = true` after dropping started a new window: only 'a' is kept.
    expect(tr.events.map((e) => [e.step, e.effects])).toEqual([['a', aEffects]]);
    const last = tr.firstSeq + tr.length - 1;
    expect(tr.effectsAt(last)).toBe(tr.effectsAt(last)); // built once
    expect(Object.keys((tr.effectsAt(last) as Effect[])[2] as Effect)).toEqual([
      'kind',
      'dev',
      'off',
      'len',
      'lines',
    ]);
    expect(JSON.parse(tr.jsonLine(last))).toEqual(tr.eventAt(last));
  });

  it('writes JSON exactly as JSON.stringify does, non-finite numbers too', () => {
    const tr = new Tracer(new Sim());
    tr.exit('s', 'a', { rc: Number.NaN, caption: 'quote " and \\ and \u2028', data: { x: -0 } });
    tr.exit('s"odd', 'a\n', { rc: -0 });
    for (let i = 0; i < 2; i++) expect(tr.jsonLine(i)).toBe(JSON.stringify(tr.eventAt(i)));
  });

  it('listeners: by seq without objects, by object only for those who ask', () => {
    const tr = new Tracer(new Sim());
    const seen: string[] = [];
    const objs: TraceEvent[] = [];
    const stopSeq = tr.listenSeq((seq) => seen.push(tr.stepAt(seq)));
    tr.point('a', 'x');
    const stopObj = tr.listen((e) => objs.push(e));
    tr.point('b', 'x');
    stopSeq();
    tr.point('c', 'x');
    stopObj();
    tr.point('d', 'x');
    expect(seen).toEqual(['a', 'b']);
    expect(objs.map((e) => e.step)).toEqual(['b', 'c']);
    // The object a listener got is the one `events` holds.
    expect(tr.events[1]).toBe(objs[0]);
    expect(tr.events[2]).toBe(objs[1]);
  });

  it('an event built ahead of the cache is the same object in `events` later', () => {
    const tr = new Tracer(new Sim());
    for (let i = 0; i < 10; i++) tr.point(`s${i}`, 'x');
    const e7 = tr.eventAt(7);
    expect(tr.events[7]).toBe(e7);
  });

  it('keep = false: nothing is kept, listeners still see every event', () => {
    const tr = new Tracer(new Sim());
    tr.point('kept', 'x');
    tr.keep = false;
    const got: TraceEvent[] = [];
    const steps: string[] = [];
    tr.listen((e) => got.push(e));
    tr.listenSeq((seq) => steps.push(tr.stepAt(seq)));
    tr.point('a', 'x', { data: { n: 1 } });
    tr.point('b', 'x', { caption: 'B' });
    expect(steps).toEqual(['a', 'b']);
    expect(got.map((e) => [e.seq, e.step, e.data, e.caption])).toEqual([
      [1, 'a', { n: 1 }, undefined],
      [2, 'b', undefined, 'B'],
    ]);
    expect(tr.events.map((e) => e.step)).toEqual(['kept']);
    expect(tr.count).toBe(3);
    expect(tr.has(1)).toBe(false);
    expect(() => tr.stepAt(1)).toThrow(RangeError);
    // Keeping again starts a new window at the next seq.
    tr.keep = true;
    tr.point('c', 'x');
    expect(tr.firstSeq).toBe(3);
    expect(tr.events.map((e) => [e.seq, e.step])).toEqual([[3, 'c']]);
    expect(tr.stepAt(3)).toBe('c');
  });

  it('clear() drops kept events; seqs keep counting', () => {
    const tr = new Tracer(new Sim());
    tr.point('a', 'x');
    const before = tr.events;
    tr.clear();
    tr.point('b', 'x', { data: { k: 1 } });
    expect(before.map((e) => e.step)).toEqual(['a']);
    expect(tr.events).toEqual([
      { seq: 1, t: 0, pipeline: '', op: -1, step: 'b', phase: 'point', actor: 'x', data: { k: 1 } },
    ]);
    expect(serializeTrace(null, tr)).toBe(serializeTrace(null, tr.events));
    tr.clear();
    expect([...serializeTraceChunks({ a: 1 }, tr)].join('')).toBe(serializeTrace({ a: 1 }, []));
  });
});

describe('serializeTrace from the recorder', () => {
  // Straight from the columns = through the contract objects (= the golden files, which the
  // golden tests check through `events`).
  for (const name of ['daos-key-sv', 'daos-replicated', 'ceph-rados-put-get', 'ceph-osd-failure']) {
    it(`${name}: the recorder serializes to the same bytes as its events`, () => {
      const doc = getBuiltinScenario(name);
      const run = runScenario(doc);
      const trace = run.runner.rt.trace;
      const text = serializeTrace(doc, trace);
      const events = run.events;
      expect(events.length).toBeGreaterThan(100);
      expect(events.length).toBe(trace.length);
      expect(text).toBe(serializeTrace(doc, events));
      for (const per of [1, 7, 4096])
        expect([...serializeTraceChunks(doc, trace, per)].join('')).toBe(text);
      const lines = text.split('\n');
      expect(lines[1]).toBe(JSON.stringify(events[0]) + ',');
    });
  }
});
