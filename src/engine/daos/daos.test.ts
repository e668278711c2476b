import { describe, expect, it } from 'vitest';
import { runScenario } from '../scenario/runner.ts';
import type { OpDoc, ScenarioDoc } from '../scenario/types.ts';
import { oclassIdByName } from './constants.ts';
import { jumpHash, u64ToLe } from './hash.ts';
import { oclassFitMax, oidClass, oidGrpNr, oidType, setOid } from './oid.ts';
import { dkeyHash, placeObject, type TargetRef } from './placement.ts';

function setup(
  oclass = 'OC_SX',
  otype = 'DAOS_OT_MULTI_HASHED',
  extra: Partial<OpDoc> = {},
): OpDoc[] {
  return [
    { op: 'daos_pool_connect', pool: 'p' },
    { op: 'daos_cont_create', pool: 'p', cont: 'c' },
    { op: 'daos_cont_open', pool: 'p', cont: 'c', ...extra },
    { op: 'daos_obj_generate_oid', cont: 'c', otype, oclass, as: 'o' },
    { op: 'daos_obj_open', obj: 'o', mode: 'DAOS_OO_RW' },
  ];
}

function run(ops: OpDoc[], cluster?: ScenarioDoc['cluster']) {
  const doc: ScenarioDoc = { schema: 'iopath.scenario/1', seed: 7, ops };
  if (cluster) doc.cluster = cluster;
  return runScenario(doc);
}

const sv = (akey: string, size: number) => ({ akey, type: 'DAOS_IOD_SINGLE', size });
const arr = (akey: string, size: number, recxs?: { idx: number; nr: number }[]) =>
  recxs ? { akey, type: 'DAOS_IOD_ARRAY', size, recxs } : { akey, type: 'DAOS_IOD_ARRAY', size };
const upd = (dkey: string | number, iods: object[], data?: object[], flags?: string[]): OpDoc => ({
  op: 'daos_obj_update',
  obj: 'o',
  dkey,
  iods,
  ...(data ? { data } : {}),
  ...(flags ? { flags } : {}),
});
const fetch = (dkey: string | number, iods: object[], more: object = {}): OpDoc => ({
  op: 'daos_obj_fetch',
  obj: 'o',
  dkey,
  iods,
  ...more,
});

describe('object ids and classes (spec §1.2, §2.1)', () => {
  it('encodes type, redundancy and group count in the high bits like the spec examples', () => {
    const rp3 = oclassIdByName('OC_RP_3G1') as number;
    expect(rp3).toBe(0x09000001);
    expect(setOid({ hi: 0n, lo: 0n }, 0, rp3 >>> 24, 1).hi).toBe(0x0009000100000000n);
    expect(setOid({ hi: 0n, lo: 0n }, 8, 1, 1).hi).toBe(0x0801000100000000n);
    const ec = oclassIdByName('OC_EC_2P1G1') as number;
    expect(ec).toBe(0x20000001);
    const oid = setOid({ hi: 0xdeadbeefn, lo: 5n }, 11, ec >>> 24, 1);
    expect(oid.hi).toBe(0x0b200001deadbeefn);
    expect([oidType(oid), oidGrpNr(oid), oidClass(oid)]).toEqual([11, 1, 0x20000001]);
  });

  it('names map to the class ids of the table', () => {
    expect(oclassIdByName('OC_S1')).toBe(0x01000001);
    expect(oclassIdByName('OC_SX')).toBe(0x0100ffff);
    expect(oclassIdByName('OC_RP_2GX')).toBe(0x0800ffff);
    expect(oclassIdByName('OC_EC_4P2G1')).toBe(0x23000001);
    expect(oclassIdByName('OC_EC_8P2GX')).toBe(0x2500ffff);
    expect(oclassIdByName('OC_NOPE')).toBeUndefined();
  });

  it('daos_oclass_fit_max: X fits the pool, reserve by RF, too-wide classes are -DER_INVAL', () => {
    expect(oclassFitMax(0x0100ffff, 4, 32, 0).nr).toBe(32);
    expect(oclassFitMax(0x0800ffff, 4, 32, 1).nr).toBe(12);
    expect(() => oclassFitMax(0x09000001, 2, 8, 0)).toThrow(/DER_INVAL/);
    expect(() => oclassFitMax(0x01000010, 2, 8, 0)).toThrow(/DER_INVAL/);
  });

  it('generate_oid returns 16-hex-digit strings with the fitted class', () => {
    const { result } = run(setup('OC_RP_2G1').slice(0, 4));
    const oid = result.ops[3]?.result?.oid as { hi: string; lo: string };
    expect(oid.hi).toBe('0008000100000000');
    expect(oid.lo).toMatch(/^[0-9a-f]{16}$/);
    const bad = run([
      ...setup().slice(0, 3),
      {
        op: 'daos_obj_generate_oid',
        cont: 'c',
        otype: 'DAOS_OT_MULTI_HASHED',
        oclass: 'OC_RP_3G1',
        as: 'o',
      },
    ]);
    expect(bad.result.ops[3]?.rc_name).toBe('DER_INVAL'); // 3 replicas > 2 engines
  });
});

describe('placement (spec §2.2–2.3, simplified)', () => {
  const targets: TargetRef[] = [];
  for (let r = 0; r < 4; r++)
    for (let i = 0; i < 4; i++) targets.push({ id: r * 4 + i, rank: r, idx: i });

  it('puts the replicas of a group on distinct ranks and spreads groups over every target', () => {
    for (let lo = 1n; lo < 40n; lo++) {
      const rp = placeObject(setOid({ hi: 0n, lo }, 0, 9, 4), targets);
      for (let g = 0; g < 4; g++) {
        const ranks = rp.shards.slice(g * 3, g * 3 + 3).map((s) => s.rank);
        expect(new Set(ranks).size).toBe(3);
      }
      const sx = placeObject(setOid({ hi: 0n, lo }, 0, 1, 16), targets);
      expect(new Set(sx.shards.map((s) => s.target)).size).toBe(16);
    }
  });

  it('is a pure function of the oid', () => {
    const oid = setOid({ hi: 0n, lo: 99n }, 0, 1, 16);
    expect(placeObject(oid, targets)).toEqual(placeObject(oid, targets));
  });

  it('jump hash is consistent: growing the buckets only moves keys to the new bucket', () => {
    for (let k = 0n; k < 500n; k++) {
      const key = k * 0x9e3779b97f4a7c15n;
      const a = jumpHash(key, 10);
      const b = jumpHash(key, 11);
      expect(a).toBeGreaterThanOrEqual(0);
      expect(a).toBeLessThan(10);
      if (a !== b) expect(b).toBe(10);
    }
  });

  it('uint64 dkeys hash to their own value', () => {
    const oid = setOid({ hi: 0n, lo: 1n }, 2, 1, 8);
    expect(dkeyHash(oid, u64ToLe(123456789n))).toBe(123456789n);
  });
});

describe('client-side validation: the real codes (spec §1.11)', () => {
  const rc = (ops: OpDoc[]) =>
    run([...setup(), ...ops])
      .result.ops.slice(5)
      .map((l) => l.rc_name);

  it('fetch/update on an unopened handle → -DER_NO_HDL, before any other check', () => {
    const { result } = run([
      ...setup().slice(0, 4),
      fetch('d', [sv('a', 1)]),
      upd('d', [arr('a', 1)], [{ utf8: 'x' }]),
    ]);
    expect(result.ops.slice(4).map((l) => [l.rc, l.rc_name])).toEqual([
      [-1002, 'DER_NO_HDL'],
      [-1002, 'DER_NO_HDL'],
    ]);
  });

  it('array iod without recxs → -DER_INVAL; overlapping recxs → -DER_INVAL', () => {
    expect(rc([upd('d', [arr('a', 1)], [{ utf8: 'abcd' }])])).toEqual(['DER_INVAL']);
    expect(
      rc([
        upd(
          'd',
          [
            arr('a', 1, [
              { idx: 0, nr: 4 },
              { idx: 2, nr: 4 },
            ]),
          ],
          [{ utf8: 'abcdefgh' }],
        ),
      ]),
    ).toEqual(['DER_INVAL']);
    expect(rc([upd('d', [arr('a', 1, [{ idx: 2 ** 63, nr: 1 }])], [{ utf8: 'a' }])])).toEqual([
      'DER_INVAL',
    ]);
  });

  it('a buffer smaller than the value → -DER_REC2BIG', () => {
    expect(rc([upd('d', [sv('a', 10)], [{ utf8: 'short' }])])).toEqual(['DER_REC2BIG']);
    expect(
      rc([upd('d', [arr('a', 4, [{ idx: 0, nr: 3 }])], [{ fill: 'byte', len: 11, byte: 1 }])]),
    ).toEqual(['DER_REC2BIG']);
  });

  it('update on a read-only object handle → -DER_NO_PERM; on a read-only container → server -DER_NO_PERM', () => {
    const ro = setup();
    (ro[4] as OpDoc).mode = 'DAOS_OO_RO';
    const a = run([...ro, upd('d', [sv('a', 1)], [{ utf8: 'x' }]), fetch('d', [sv('a', 1)])]);
    expect(a.result.ops.slice(5).map((l) => l.rc_name)).toEqual(['DER_NO_PERM', 'OK']);
    const b = run([
      ...setup('OC_SX', 'DAOS_OT_MULTI_HASHED', { mode: 'DAOS_COO_RO' }),
      upd('d', [sv('a', 1)], [{ utf8: 'x' }]),
    ]);
    expect(b.result.ops[5]?.rc_name).toBe('DER_NO_PERM');
    // the server refused it: the RPC went out and obj_ioc_begin returned the code
    const ioc = b.events.find((e) => e.step === 'obj_ioc_begin' && e.phase === 'exit');
    expect(ioc?.rc).toBe(-1001);
  });

  it('uint64 dkey types need 8-byte keys', () => {
    const ops = setup('OC_S1', 'DAOS_OT_DKEY_UINT64');
    const r = run([
      ...ops,
      upd(42, [sv('a', 1)], [{ utf8: 'x' }]),
      upd('abc', [sv('a', 1)], [{ utf8: 'x' }]),
      fetch(42, [sv('a', 0)]),
    ]);
    expect(r.result.ops.slice(5).map((l) => l.rc_name)).toEqual(['OK', 'DER_INVAL', 'OK']);
    expect(r.result.ops[7]?.result).toMatchObject({ data: [{ utf8: 'x' }] });
  });
});

describe('storage semantics through the full pipeline', () => {
  it('single value: the latest epoch wins; a missing key fetches size 0 with rc 0', () => {
    const r = run([
      ...setup(),
      upd('d', [sv('a', 3)], [{ utf8: 'one' }]),
      upd('d', [sv('a', 3)], [{ utf8: 'two' }]),
      fetch('d', [sv('a', 3)]),
      fetch('zz', [sv('a', 3)]),
      fetch('d', [sv('a', 0)], { size_only: true }),
    ]);
    const lines = r.result.ops.slice(5);
    expect(lines.map((l) => l.rc)).toEqual([0, 0, 0, 0, 0]);
    expect(lines[2]?.result).toEqual({
      iods: [{ size: 3 }],
      data: [{ base64: 'dHdv', utf8: 'two', len: 3 }],
    });
    expect(lines[3]?.result).toEqual({
      iods: [{ size: 0 }],
      data: [{ base64: '', utf8: '', len: 0 }],
    });
    expect(lines[4]?.result).toEqual({ iods: [{ size: 3 }] });
  });

  it('arrays: overwrites by later epochs, holes read as zeros, REC_ANY fetch learns the record size', () => {
    const r = run([
      ...setup(),
      upd('d', [arr('a', 1, [{ idx: 0, nr: 10 }])], [{ utf8: 'abcdefghij' }]),
      upd('d', [arr('a', 1, [{ idx: 2, nr: 3 }])], [{ utf8: 'XYZ' }]),
      fetch('d', [arr('a', 1, [{ idx: 0, nr: 10 }])]),
      fetch('d', [arr('a', 0, [{ idx: 8, nr: 4 }])]),
      upd('d', [arr('a', 2, [{ idx: 20, nr: 1 }])], [{ utf8: 'zz' }]),
    ]);
    const lines = r.result.ops.slice(5);
    expect(lines[2]?.result).toMatchObject({
      iods: [{ size: 1 }],
      data: [{ utf8: 'abXYZfghij', len: 10 }],
    });
    expect(lines[3]?.result).toMatchObject({
      iods: [{ size: 1 }],
      // Records 10 and 11 are trailing holes: trimmed from iov_len (spec §5.3 ioc_trim_tail_holes).
      data: [{ utf8: 'ij', len: 2 }],
    });
    expect(lines[4]?.rc_name).toBe('DER_INVAL'); // record size change while extents exist
  });

  it('one akey keeps its value kind: mixing single value and array → -DER_NO_PERM', () => {
    const r = run([
      ...setup(),
      upd('d', [sv('a', 2)], [{ utf8: 'hi' }]),
      upd('d', [arr('a', 1, [{ idx: 0, nr: 2 }])], [{ utf8: 'hi' }]),
    ]);
    expect(r.result.ops[6]?.rc_name).toBe('DER_NO_PERM');
  });

  it('conditional updates and fetches return -DER_EXIST / -DER_NONEXIST', () => {
    const r = run([
      ...setup(),
      upd('d', [sv('a', 1)], [{ utf8: 'x' }], ['DAOS_COND_DKEY_UPDATE']),
      upd('d', [sv('a', 1)], [{ utf8: 'x' }], ['DAOS_COND_DKEY_INSERT']),
      upd('d', [sv('a', 1)], [{ utf8: 'y' }], ['DAOS_COND_DKEY_INSERT']),
      fetch('e', [sv('a', 1)], { flags: ['DAOS_COND_DKEY_FETCH'] }),
      fetch('d', [sv('a', 1)], { flags: ['DAOS_COND_DKEY_UPDATE'] }),
      fetch('d', [sv('a', 1)]),
    ]);
    expect(r.result.ops.slice(5).map((l) => l.rc_name)).toEqual([
      'DER_NONEXIST',
      'OK',
      'DER_EXIST',
      'DER_NONEXIST',
      'DER_INVAL',
      'OK',
    ]);
    expect(r.result.ops[10]?.result).toMatchObject({ data: [{ utf8: 'x' }] });
  });

  it('large values: ≥ 4 KiB goes to NVMe (bio_iod_post), ≥ 19456 B moves by bulk (obj_bulk_transfer)', () => {
    const r = run([
      ...setup(),
      upd('d', [sv('big', 40000)], [{ fill: 'random', len: 40000 }]),
      fetch('d', [sv('big', 40000)]),
      upd('d', [sv('mid', 8192)], [{ fill: 'byte', len: 8192, byte: 7 }]),
    ]);
    const steps = (op: number) => r.events.filter((e) => e.op === op).map((e) => e.step);
    expect(steps(5)).toContain('obj_bulk_transfer');
    expect(steps(5)).toContain('bio_iod_post');
    expect(steps(6)).toContain('obj_bulk_transfer');
    expect(steps(7)).not.toContain('obj_bulk_transfer');
    expect(steps(7)).toContain('bio_iod_post');
    const data = r.result.ops[6]?.result?.data as { len: number; base64: string }[];
    expect(data[0]?.len).toBe(40000);
    const bytes = Buffer.from(data[0]?.base64 ?? '', 'base64');
    expect(bytes[39999]).toBe(0);
    expect(/^[a-zA-Z]+$/.test(bytes.subarray(0, 39999).toString('latin1'))).toBe(true);
  });

  it('replicated class: the leader forwards to the replica on another engine; any replica reads it back', () => {
    const r = run([
      ...setup('OC_RP_2G1'),
      upd('d', [sv('a', 4)], [{ utf8: 'repl' }]),
      fetch('d', [sv('a', 4)]),
      fetch('d', [sv('a', 4)]),
      fetch('d', [sv('a', 4)]),
    ]);
    expect(r.result.ops.slice(5).map((l) => l.rc)).toEqual([0, 0, 0, 0]);
    for (const l of r.result.ops.slice(6))
      expect(l.result).toMatchObject({ data: [{ utf8: 'repl' }] });
    const upd5 = r.events.filter((e) => e.op === 5);
    const replica = upd5.find((e) => e.step === 'ds_obj_tgt_update_handler');
    const leader = upd5.find((e) => e.step === 'ds_obj_rw_handler');
    expect(replica).toBeDefined();
    expect(replica?.actor.split('.')[0]).not.toBe(leader?.actor.split('.')[0]);
    // within OBJ_FETCH_LEADER_INTERVAL of the write, the fetches read from the leader
    for (const op of [6, 7, 8]) {
      const h = r.events.find((e) => e.op === op && e.step === 'ds_obj_rw_handler');
      expect(h?.actor).toBe(leader?.actor);
    }
    const stored = upd5
      .filter((e) => e.step === 'vos_update_end' && e.phase === 'exit')
      .map((e) => e.actor);
    expect(new Set(stored).size).toBe(2);
  });

  it('cluster size comes from the document', () => {
    const r = run(setup(), { daos: { engines: 3, targets_per_engine: 2 } });
    const pc = r.events.find((e) => e.step === 'daos_pool_connect');
    expect((pc?.data?.targets as unknown[]).length).toBe(6);
    expect(r.result.ops[3]?.result).toMatchObject({ oid: { hi: '0001000600000000' } });
  });

  it('epochs come from the target HLC and grow; data shapes follow the gdb dumps', () => {
    const r = run([
      ...setup(),
      upd('d', [sv('a', 1)], [{ utf8: 'x' }]),
      upd('d', [sv('a', 1)], [{ utf8: 'y' }]),
    ]);
    const ep = r.events
      .filter((e) => e.step === 'process_epoch' && e.phase === 'exit')
      .map((e) => BigInt(e.data?.orw_epoch as string));
    expect(ep).toHaveLength(2);
    expect((ep[1] as bigint) > (ep[0] as bigint)).toBe(true);
    const api = r.events.find((e) => e.step === 'daos_obj_update' && e.phase === 'enter');
    expect(api?.data?.iods).toEqual([
      {
        iod_name: { iov_buf: 'a', iov_buf_len: 1, iov_len: 1 },
        iod_type: 'DAOS_IOD_SINGLE',
        iod_size: 1,
        iod_flags: 0,
        iod_nr: 1,
        iod_recxs: null,
      },
    ]);
    expect(api?.data?.sgls).toEqual([
      { sg_nr: 1, sg_nr_out: 0, sg_iovs: [{ iov_buf_len: 1, iov_len: 1 }] },
    ]);
    const h = r.events.find((e) => e.step === 'ds_obj_rw_handler' && e.phase === 'enter');
    expect(Object.keys(h?.data ?? {})).toEqual(
      expect.arrayContaining([
        'orw_dti',
        'orw_oid',
        'orw_epoch',
        'orw_dkey_hash',
        'orw_map_ver',
        'orw_iod_array',
        'orw_sgls',
        'orw_shard_tgts',
      ]),
    );
    expect(h?.data?.orw_epoch).toBe('0xffffffffffffffff');
  });
});

describe('enumeration and punch', () => {
  const list = (more: object = {}): OpDoc => ({ op: 'daos_obj_list_dkey', obj: 'o', ...more });

  it('lists dkeys over every group; punched keys disappear; a later update brings the dkey back', () => {
    const keys = Array.from({ length: 12 }, (_, i) => `k${i}`);
    const r = run([
      ...setup(),
      ...keys.map((k) => upd(k, [sv('a', 1)], [{ utf8: 'v' }])),
      list(),
      { op: 'daos_obj_punch_dkeys', obj: 'o', dkeys: ['k3'] },
      list(),
      fetch('k3', [sv('a', 1)]),
      upd('k3', [sv('a', 1)], [{ utf8: 'w' }]),
      fetch('k3', [sv('a', 1)]),
      { op: 'daos_obj_punch_dkeys', obj: 'o', dkeys: ['k1', 'k2'] },
    ]);
    const lines = r.result.ops.slice(17);
    const first = lines[0]?.result?.keys as string[];
    expect([...first].sort()).toEqual([...keys].sort());
    expect(lines[2]?.result?.keys).toEqual(first.filter((k) => k !== 'k3'));
    expect(lines[3]?.result).toMatchObject({ iods: [{ size: 0 }] });
    expect(lines[5]?.result).toMatchObject({ data: [{ utf8: 'w' }] });
    expect(lines[6]?.rc_name).toBe('DER_INVAL'); // nr must be 1
    // one daos_obj_list_dkey call per group of the OC_SX object (8 targets → 8 groups)
    const calls = r.events.filter(
      (e) => e.op === 17 && e.step === 'daos_obj_list_dkey' && e.phase === 'enter',
    );
    expect(calls).toHaveLength(8);
  });

  it('uint64 dkeys enumerate in numeric order within a group', () => {
    const nums = [300, 5, 70000, 42, 1];
    const r = run([
      ...setup('OC_S1', 'DAOS_OT_DKEY_UINT64'),
      ...nums.map((n) => upd(n, [sv('a', 1)], [{ utf8: 'v' }])),
      list(),
    ]);
    expect(r.result.ops[10]?.result).toEqual({ keys: [1, 5, 42, 300, 70000] });
  });

  it('akey listing and akey punch', () => {
    const r = run([
      ...setup(),
      upd('d', [sv('x', 1), sv('y', 1), sv('z', 1)], [{ utf8: '1' }, { utf8: '2' }, { utf8: '3' }]),
      { op: 'daos_obj_list_akey', obj: 'o', dkey: 'd' },
      { op: 'daos_obj_punch_akeys', obj: 'o', dkey: 'd', akeys: ['y'] },
      { op: 'daos_obj_list_akey', obj: 'o', dkey: 'd' },
      fetch('d', [sv('x', 1), sv('y', 1)]),
      { op: 'daos_obj_punch_akeys', obj: 'o', dkey: 'd', akeys: [] },
    ]);
    expect(r.result.ops[6]?.result).toEqual({ keys: ['x', 'y', 'z'] });
    expect(r.result.ops[8]?.result).toEqual({ keys: ['x', 'z'] });
    expect(r.result.ops[9]?.result).toMatchObject({ iods: [{ size: 1 }, { size: 0 }] });
    expect(r.result.ops[10]?.rc_name).toBe('DER_INVAL');
  });

  it('object punch hides every dkey; DAOS_COND_PUNCH on a missing key → -DER_NONEXIST', () => {
    const r = run([
      ...setup(),
      upd('a', [sv('x', 1)], [{ utf8: '1' }]),
      upd('b', [sv('x', 1)], [{ utf8: '2' }]),
      { op: 'daos_obj_punch_dkeys', obj: 'o', dkeys: ['nope'], flags: ['DAOS_COND_PUNCH'] },
      { op: 'daos_obj_punch', obj: 'o' },
      list(),
      fetch('a', [sv('x', 1)]),
    ]);
    expect(r.result.ops.slice(7).map((l) => l.rc_name)).toEqual(['DER_NONEXIST', 'OK', 'OK', 'OK']);
    expect(r.result.ops[9]?.result).toEqual({ keys: [] });
    expect(r.result.ops[10]?.result).toMatchObject({ iods: [{ size: 0 }] });
  });

  it('punch on a read-only handle → -DER_NO_PERM; replicated punch reaches the replica', () => {
    const ro = setup();
    (ro[4] as OpDoc).mode = 'DAOS_OO_RO';
    expect(
      run([...ro, { op: 'daos_obj_punch_dkeys', obj: 'o', dkeys: ['d'] }]).result.ops[5]?.rc_name,
    ).toBe('DER_NO_PERM');
    const r = run([
      ...setup('OC_RP_2G1'),
      upd('d', [sv('a', 1)], [{ utf8: 'x' }]),
      { op: 'daos_obj_punch_dkeys', obj: 'o', dkeys: ['d'] },
      fetch('d', [sv('a', 1)]),
      fetch('d', [sv('a', 1)]),
    ]);
    expect(r.events.some((e) => e.step === 'ds_obj_tgt_punch_handler')).toBe(true);
    const punched = r.events.filter(
      (e) => e.op === 6 && e.step === 'vos_obj_punch' && e.phase === 'exit',
    );
    expect(new Set(punched.map((e) => e.actor)).size).toBe(2);
    for (const l of r.result.ops.slice(7)) expect(l.result).toMatchObject({ iods: [{ size: 0 }] });
  });
});
