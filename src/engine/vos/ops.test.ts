import { describe, expect, it } from 'vitest';
import { getPipeline } from '../pipelines/index.ts';
import { runScenario } from '../scenario/runner.ts';
import type { OpDoc, ScenarioDoc } from '../scenario/types.ts';

const setup: OpDoc[] = [
  { op: 'daos_pool_connect', pool: 'p' },
  { op: 'daos_cont_create', pool: 'p', cont: 'c' },
  { op: 'daos_cont_open', pool: 'p', cont: 'c' },
  {
    op: 'daos_obj_generate_oid',
    cont: 'c',
    otype: 'DAOS_OT_MULTI_HASHED',
    oclass: 'OC_S1',
    as: 'o',
  },
  { op: 'daos_obj_open', obj: 'o', mode: 'DAOS_OO_RW' },
];

function run(ops: OpDoc[], store?: string) {
  const doc: ScenarioDoc = {
    schema: 'iopath.scenario/1',
    seed: 11,
    ops,
    cluster: {
      daos: {
        engines: 1,
        targets_per_engine: 2,
        scm_bytes: 16 << 20,
        nvme_bytes: 16 << 20,
        ...(store ? { store } : {}),
      },
    },
  };
  return runScenario(doc);
}

describe('VOS-level scenario ops (vos_obj_update / vos_obj_fetch / vos_obj_punch)', () => {
  it('write at explicit epochs, read older epochs, punch', () => {
    const t = 'engine0.tgt1';
    const base = { target: t, cont: 'c', obj: 'o' };
    const ops: OpDoc[] = [
      ...setup,
      {
        op: 'vos_obj_update',
        ...base,
        epoch: 10,
        dkey: 'd',
        iods: [{ akey: 'a', type: 'DAOS_IOD_SINGLE', size: 3 }],
        data: [{ utf8: 'one' }],
      },
      {
        op: 'vos_obj_update',
        ...base,
        epoch: 20,
        dkey: 'd',
        iods: [{ akey: 'a', type: 'DAOS_IOD_SINGLE', size: 5 }],
        data: [{ utf8: 'two!!' }],
      },
      {
        op: 'vos_obj_fetch',
        ...base,
        epoch: 15,
        dkey: 'd',
        iods: [{ akey: 'a', type: 'DAOS_IOD_SINGLE', size: 0 }],
      },
      {
        op: 'vos_obj_fetch',
        ...base,
        epoch: 25,
        dkey: 'd',
        iods: [{ akey: 'a', type: 'DAOS_IOD_SINGLE', size: 0 }],
      },
      {
        op: 'vos_obj_update',
        ...base,
        epoch: 12,
        dkey: 'd',
        iods: [{ akey: 'a', type: 'DAOS_IOD_SINGLE', size: 1 }],
        data: [{ utf8: 'x' }],
      },
      { op: 'vos_obj_punch', ...base, epoch: 30, dkey: 'd' },
      {
        op: 'vos_obj_fetch',
        ...base,
        epoch: 31,
        dkey: 'd',
        iods: [{ akey: 'a', type: 'DAOS_IOD_SINGLE', size: 0 }],
        flags: ['DAOS_COND_DKEY_FETCH'],
      },
      {
        op: 'vos_obj_fetch',
        ...base,
        epoch: 29,
        dkey: 'd',
        iods: [{ akey: 'a', type: 'DAOS_IOD_SINGLE', size: 0 }],
      },
      {
        op: 'vos_obj_update',
        ...base,
        epoch: 40,
        dkey: 'e',
        iods: [{ akey: 'arr', type: 'DAOS_IOD_ARRAY', size: 1024, recxs: [{ idx: 0, nr: 5 }] }],
        data: [{ fill: 'byte', byte: 65, len: 5120 }],
      },
      {
        op: 'vos_obj_fetch',
        ...base,
        epoch: 41,
        dkey: 'e',
        iods: [{ akey: 'arr', type: 'DAOS_IOD_ARRAY', size: 0, recxs: [{ idx: 4, nr: 1 }] }],
      },
    ];
    const { result, events } = run(ops);
    const r = result.ops.slice(setup.length);
    expect(r.map((o) => o.rc)).toEqual([0, 0, 0, 0, -2025, 0, -1005, 0, 0, 0]);
    expect(r[2]?.result).toMatchObject({ iods: [{ size: 3 }], data: [{ utf8: 'one' }] });
    expect(r[3]?.result).toMatchObject({ iods: [{ size: 5 }], data: [{ utf8: 'two!!' }] });
    expect(r[7]?.result).toMatchObject({ data: [{ utf8: 'two!!' }] });
    expect(r[9]?.result).toMatchObject({
      iods: [{ size: 1024 }],
      data: [{ utf8: 'A'.repeat(1024) }],
    });
    // The 5 KiB extent went to NVMe: a bio_iod_post with an NVMe biov, and VEA/NVMe effects.
    const post = events.find((e) => e.step === 'bio_iod_post' && e.phase === 'enter');
    expect(JSON.stringify(post?.data)).toContain('DAOS_MEDIA_NVME');
    for (const e of events) {
      expect(
        getPipeline(e.pipeline)?.steps.some((s) => s.id === e.step),
        `${e.pipeline}/${e.step}`,
      ).toBe(true);
    }
  });
});

describe('DAOS client ops over the real VOS (cluster.daos.store = "vos")', () => {
  it('gives the same results as the temporary store and emits the VOS steps', () => {
    const ops: OpDoc[] = [
      ...setup,
      {
        op: 'daos_obj_update',
        obj: 'o',
        dkey: 'k1',
        iods: [
          { akey: 'sv', type: 'DAOS_IOD_SINGLE', size: 1024 },
          { akey: 'big', type: 'DAOS_IOD_SINGLE', size: 5000 },
        ],
        data: [
          { fill: 'random', len: 1024 },
          { fill: 'random', len: 5000 },
        ],
      },
      {
        op: 'daos_obj_update',
        obj: 'o',
        dkey: 'k2',
        iods: [
          {
            akey: 'arr',
            type: 'DAOS_IOD_ARRAY',
            size: 1,
            recxs: [
              { idx: 0, nr: 10 },
              { idx: 100, nr: 4 },
            ],
          },
        ],
        data: [{ utf8: 'abcdefghijWXYZ' }],
      },
      {
        op: 'daos_obj_fetch',
        obj: 'o',
        dkey: 'k1',
        iods: [
          { akey: 'sv', type: 'DAOS_IOD_SINGLE', size: 0 },
          { akey: 'big', type: 'DAOS_IOD_SINGLE', size: 0 },
        ],
      },
      {
        op: 'daos_obj_fetch',
        obj: 'o',
        dkey: 'k2',
        iods: [{ akey: 'arr', type: 'DAOS_IOD_ARRAY', size: 1, recxs: [{ idx: 8, nr: 4 }] }],
      },
      {
        op: 'daos_obj_update',
        obj: 'o',
        dkey: 'k1',
        flags: ['DAOS_COND_DKEY_INSERT'],
        iods: [{ akey: 'sv', type: 'DAOS_IOD_SINGLE', size: 1 }],
        data: [{ utf8: 'z' }],
      },
      { op: 'daos_obj_list_dkey', obj: 'o' },
      { op: 'daos_obj_punch_dkeys', obj: 'o', dkeys: ['k1'] },
      { op: 'daos_obj_list_dkey', obj: 'o' },
      {
        op: 'daos_obj_fetch',
        obj: 'o',
        dkey: 'k1',
        iods: [{ akey: 'sv', type: 'DAOS_IOD_SINGLE', size: 0 }],
      },
    ];
    const tmp = run(ops, 'temporary');
    const vos = run(ops, 'vos');
    const strip = (r: typeof tmp) => r.result.ops.map((o) => ({ rc: o.rc, result: o.result }));
    const a = strip(vos);
    const b = strip(tmp);
    // Key order may differ (VOS enumerates in hashed-key order): compare listings as sets.
    const sortKeys = (x: ReturnType<typeof strip>) =>
      x.map((o) =>
        o.result && Array.isArray(o.result.keys)
          ? { ...o, result: { ...o.result, keys: [...(o.result.keys as string[])].sort() } }
          : o,
      );
    // Known difference: VOS trims trailing holes (ioc_trim_tail_holes, spec §5.3 / S28e), so the
    // fetch of records 8..11 where 10..11 were never written returns 2 bytes, not 4.
    const trimmed = setup.length + 3;
    expect(a[trimmed]?.result).toMatchObject({
      iods: [{ size: 1 }],
      data: [{ utf8: 'ij', len: 2 }],
    });
    expect(sortKeys(a).filter((_, i) => i !== trimmed)).toEqual(
      sortKeys(b).filter((_, i) => i !== trimmed),
    );
    const steps = new Set(vos.events.map((e) => e.step));
    for (const st of [
      'vos_ioc_create',
      'vos_media_select',
      'reserve_space',
      'dkey_update',
      'key_tree_prepare',
      'evt_insert',
      'umem_tx_commit',
      'akey_fetch_single',
      'evt_find',
    ]) {
      expect(steps.has(st), st).toBe(true);
    }
    for (const e of vos.events) {
      expect(
        getPipeline(e.pipeline)?.steps.some((s) => s.id === e.step),
        `${e.pipeline}/${e.step}`,
      ).toBe(true);
    }
  });
});
