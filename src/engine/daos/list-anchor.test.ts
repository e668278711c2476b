import { describe, expect, it } from 'vitest';
import { runScenario } from '../scenario/runner.ts';
import type { OpDoc, ScenarioDoc } from '../scenario/types.ts';

const SETUP: OpDoc[] = [
  { op: 'daos_pool_connect', pool: 'p' },
  { op: 'daos_cont_create', pool: 'p', cont: 'c' },
  { op: 'daos_cont_open', pool: 'p', cont: 'c' },
  {
    op: 'daos_obj_generate_oid',
    cont: 'c',
    otype: 'DAOS_OT_MULTI_HASHED',
    oclass: 'OC_SX',
    as: 'o',
  },
  { op: 'daos_obj_open', obj: 'o', mode: 'DAOS_OO_RW' },
];

const upd = (dkey: string, akeys: string[]): OpDoc => ({
  op: 'daos_obj_update',
  obj: 'o',
  dkey,
  iods: akeys.map((akey) => ({ akey, type: 'DAOS_IOD_SINGLE', size: 1 })),
  data: akeys.map(() => ({ utf8: 'x' })),
});

function run(ops: OpDoc[], store?: string) {
  const doc: ScenarioDoc = {
    schema: 'iopath.scenario/1',
    seed: 9,
    ops: [...SETUP, ...ops],
    cluster: { daos: { engines: 2, targets_per_engine: 2, ...(store ? { store } : {}) } },
  };
  return runScenario(doc);
}

type ListResult = { keys: string[]; calls?: number };

describe('daos_obj_list_dkey / _akey with nr: the application loops on the anchor', () => {
  for (const store of ['vos', 'temporary']) {
    it(`${store} store: 40 dkeys over every group, nr = 3 per call, same keys as one listing per group`, () => {
      const dkeys = Array.from({ length: 40 }, (_, i) => `dkey-${i}`);
      const akeys = Array.from({ length: 7 }, (_, i) => `a${i}`);
      const r = run(
        [
          ...dkeys.map((d) => upd(d, d === 'dkey-5' ? akeys : ['a'])),
          { op: 'daos_obj_list_dkey', obj: 'o' },
          { op: 'daos_obj_list_dkey', obj: 'o', nr: 3 },
          { op: 'daos_obj_list_akey', obj: 'o', dkey: 'dkey-5', nr: 2 },
        ],
        store,
      );
      const ops = r.result.ops.slice(SETUP.length + dkeys.length);
      const full = ops[0]?.result as ListResult;
      const paged = ops[1]?.result as ListResult;
      expect([...full.keys].sort()).toEqual([...dkeys].sort());
      expect(paged.keys).toEqual(full.keys); // same order: group by group, VOS order inside
      // At least ⌈n/3⌉ calls per group, plus the calls that only find a group's EOF.
      expect(paged.calls).toBeGreaterThanOrEqual(Math.ceil(40 / 3));
      const calls = r.events.filter(
        (e) => e.step === 'daos_obj_list_dkey' && e.phase === 'exit' && e.op === SETUP.length + 41,
      );
      expect(calls).toHaveLength(paged.calls as number);
      for (const c of calls) expect(c.data?.nr as number).toBeLessThanOrEqual(3);
      const ak = ops[2]?.result as ListResult;
      expect([...ak.keys].sort()).toEqual(akeys);
      expect(ak.calls).toBe(4); // 2 + 2 + 2 + 1
      // Resumed calls carry the anchor the previous one returned.
      const cbs = r.events.filter(
        (e) => e.step === 'dc_enumerate_cb' && e.phase === 'enter' && e.op === SETUP.length + 41,
      );
      const types = cbs.map((e) => (e.data?.anchor_out as { da_type: string }).da_type);
      expect(types.at(-1)).toBe('DAOS_ANCHOR_TYPE_EOF');
      expect(types.filter((t) => t !== 'DAOS_ANCHOR_TYPE_EOF').length).toBe(types.length - 1);
    });
  }
});
