import { describe, expect, it } from 'vitest';
import { ScenarioRunner, runScenario } from './runner.ts';
import { getBuiltinScenario } from './builtins.ts';
import { registerOps } from './registry.ts';
import { decodeValue, encodeValue, type ValueDoc } from './values.ts';
import { serializeTrace } from '../trace/serialize.ts';
import { Rng } from '../core/rng.ts';
import type { OpDoc, ScenarioDoc } from './types.ts';

const keySv = (): ScenarioDoc => getBuiltinScenario('daos-key-sv') as ScenarioDoc;

describe('ScenarioRunner on daos-key-sv', () => {
  it('runs every op with rc 0 and fetches exactly the bytes that were updated', () => {
    const doc = keySv();
    const { result } = runScenario(doc);
    expect(result.schema).toBe('iopath.result/1');
    expect(result.ops).toHaveLength(doc.ops.length);
    for (const line of result.ops)
      expect([line.index, line.rc, line.rc_name]).toEqual([line.index, 0, 'OK']);
    const updates = doc.ops.filter((o) => o.op === 'daos_obj_update');
    const fetches = result.ops.filter((l) => l.op === 'daos_obj_fetch');
    expect(updates).toHaveLength(20);
    expect(fetches).toHaveLength(10);
    for (const f of fetches) {
      const dkey = doc.ops[f.index]?.dkey;
      const upd = updates.filter((u) => u.dkey === dkey).at(-1) as OpDoc;
      const written = decodeValue((upd.data as ValueDoc[])[0] as ValueDoc, new Rng(0));
      expect(f.result).toEqual({ iods: [{ size: 1024 }], data: [encodeValue(written)] });
      // dts_buf_render: printable letters, NUL-terminated
      expect(written[1023]).toBe(0);
    }
  });

  it('same scenario + seed ⇒ byte-identical serialized trace; another seed changes it', () => {
    const a = runScenario(keySv());
    const b = runScenario(keySv());
    expect(serializeTrace(keySv(), a.events)).toBe(serializeTrace(keySv(), b.events));
    const c = runScenario(keySv(), { seed: 2 });
    expect(serializeTrace(keySv(), c.events)).not.toBe(serializeTrace(keySv(), a.events));
    expect(a.events.every((e, i) => e.seq === i)).toBe(true);
  });

  it('tags every event with the op that caused it and that op’s pipeline', () => {
    const doc = keySv();
    const { events } = runScenario(doc);
    for (const e of events) {
      const op = doc.ops[e.op];
      expect(op).toBeDefined();
      const want =
        op?.op === 'daos_obj_update'
          ? 'daos.update'
          : op?.op === 'daos_obj_fetch'
            ? 'daos.fetch'
            : 'daos.setup';
      expect(e.pipeline).toBe(want);
    }
  });

  it('runSteps stops between events after exactly n events; resuming gives the same trace', () => {
    const full = runScenario(keySv()).events;
    const r = new ScenarioRunner(keySv());
    const s1 = r.runSteps(7);
    expect(s1.reason).toBe('step');
    expect(r.events).toHaveLength(7);
    expect(s1.event?.seq).toBe(6);
    const s2 = r.runSteps(100);
    // The 100th further event is seq 106; the runner stops at the end of its queue entry
    // (VOS steps of one entry run synchronously), so a few more events may follow it.
    expect(s2.event?.seq).toBe(106);
    expect(s2.events).toBeGreaterThanOrEqual(107);
    expect(s2.events).toBe(r.events.length);
    r.runAll();
    expect(serializeTrace(null, r.events)).toBe(serializeTrace(null, full));
  });

  it('runUntil stops at the first matching event (step id or predicate)', () => {
    const r = new ScenarioRunner(keySv());
    const s = r.runUntil({ step: 'obj_rw_reply', phase: 'enter' });
    expect(s.reason).toBe('breakpoint');
    expect(s.event?.step).toBe('obj_rw_reply');
    expect(r.events.at(-1)).toBe(s.event);
    expect(s.event?.op).toBe(5);
    const s2 = r.runUntil((e) => e.pipeline === 'daos.fetch');
    expect(s2.event?.step).toBe('daos_obj_fetch');
    expect(r.events.at(-1)).toBe(s2.event);
    expect(r.runUntil({ step: 'no_such_step' }).reason).toBe('end');
    expect(r.done).toBe(true);
  });

  it('runNextOp runs one op at a time and returns its result line', () => {
    const r = new ScenarioRunner(keySv());
    expect(r.runNextOp()).toEqual({
      index: 0,
      op: 'daos_pool_connect',
      rc: 0,
      rc_name: 'OK',
      result: null,
    });
    expect(r.nextIndex).toBe(1);
    r.runAll();
    expect(r.runNextOp()).toBeUndefined();
  });

  it('appendOp validates, appends, and the new op runs after the document', () => {
    const r = new ScenarioRunner(keySv());
    r.runAll();
    expect(
      r.appendOp({
        op: 'daos_obj_fetch',
        obj: 'obj',
        dkey: 'x',
        iods: [{ akey: 'a', type: 'DAOS_IOD_BAD', size: 1 }],
      }),
    ).toBe('ops[35].iods[0].type: expected DAOS_IOD_SINGLE or DAOS_IOD_ARRAY');
    expect(
      r.appendOp({
        op: 'daos_obj_fetch',
        obj: 'obj',
        dkey: 'dkey_3',
        iods: [{ akey: 'akey_sv', type: 'DAOS_IOD_SINGLE', size: 0 }],
        size_only: true,
      }),
    ).toBeNull();
    const line = r.runNextOp();
    expect(line).toEqual({
      index: 35,
      op: 'daos_obj_fetch',
      rc: 0,
      rc_name: 'OK',
      result: { iods: [{ size: 1024 }] },
    });
  });

  it('an invalid document throws ScenarioError with the path', () => {
    expect(
      () => new ScenarioRunner({ schema: 'iopath.scenario/1', ops: [{ op: 'nope' }] }),
    ).toThrow('ops[0].op: unknown op "nope"');
  });

  it('an IoError becomes the rc; any other exception is a bug and propagates', () => {
    registerOps([
      {
        name: 'test_bug',
        pipeline: 'test',
        check: () => null,
        // eslint-disable-next-line require-yield
        *run() {
          throw new TypeError('model bug');
        },
      },
    ]);
    const r = new ScenarioRunner({
      schema: 'iopath.scenario/1',
      ops: [
        {
          op: 'daos_obj_fetch',
          obj: 'nope',
          dkey: 'd',
          iods: [{ akey: 'a', type: 'DAOS_IOD_SINGLE', size: 0 }],
        },
        { op: 'test_bug' },
      ],
    });
    expect(r.runNextOp()).toMatchObject({ rc: -1002, rc_name: 'DER_NO_HDL' });
    expect(() => r.runNextOp()).toThrow('model bug');
  });
});
