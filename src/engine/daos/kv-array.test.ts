import { describe, expect, it } from 'vitest';
import { runScenario } from '../scenario/runner.ts';
import { getBuiltinScenario } from '../scenario/builtins.ts';
import type { OpDoc, ScenarioDoc } from '../scenario/types.ts';

const BASE: OpDoc[] = [
  { op: 'daos_pool_connect', pool: 'p' },
  { op: 'daos_cont_create', pool: 'p', cont: 'c' },
  { op: 'daos_cont_open', pool: 'p', cont: 'c' },
];

function run(ops: OpDoc[]) {
  const doc: ScenarioDoc = { schema: 'iopath.scenario/1', seed: 5, ops: [...BASE, ...ops] };
  return runScenario(doc).result.ops.slice(BASE.length);
}

const kvObj = (otype = 'DAOS_OT_KV_HASHED'): OpDoc[] => [
  { op: 'daos_obj_generate_oid', cont: 'c', otype, oclass: 'OC_SX', as: 'kv' },
  { op: 'daos_kv_open', obj: 'kv', mode: 'DAOS_OO_RW' },
];

describe('KV API (spec §1.6, §8.4)', () => {
  it('put/get/remove/list; missing key → size 0; empty key → -DER_INVAL; non-KV type → -DER_INVAL', () => {
    const l = run([
      ...kvObj(),
      { op: 'daos_kv_put', obj: 'kv', key: 'a', value: { utf8: 'hello' } },
      { op: 'daos_kv_put', obj: 'kv', key: 'b', value: { utf8: '' } },
      { op: 'daos_kv_get', obj: 'kv', key: 'a', size_only: true },
      { op: 'daos_kv_get', obj: 'kv', key: 'a' },
      { op: 'daos_kv_get', obj: 'kv', key: 'zz' },
      { op: 'daos_kv_put', obj: 'kv', key: '', value: { utf8: 'x' } },
      { op: 'daos_kv_put', obj: 'kv', key: 'a', value: { utf8: 'bye' } },
      { op: 'daos_kv_get', obj: 'kv', key: 'a' },
      { op: 'daos_kv_remove', obj: 'kv', key: 'a' },
      { op: 'daos_kv_list', obj: 'kv' },
      {
        op: 'daos_obj_generate_oid',
        cont: 'c',
        otype: 'DAOS_OT_MULTI_HASHED',
        oclass: 'OC_SX',
        as: 'o',
      },
      { op: 'daos_kv_open', obj: 'o', mode: 'DAOS_OO_RW' },
    ]);
    expect(l.map((x) => x.rc_name)).toEqual([
      'OK',
      'OK',
      'OK',
      'OK',
      'OK',
      'OK',
      'OK',
      'DER_INVAL',
      'OK',
      'OK',
      'OK',
      'OK',
      'OK',
      'DER_INVAL',
    ]);
    expect(l[4]?.result).toEqual({ size: 5 });
    expect(l[5]?.result).toMatchObject({ size: 5, value: { utf8: 'hello' } });
    expect(l[6]?.result).toEqual({ size: 0 });
    expect(l[9]?.result).toMatchObject({ size: 3, value: { utf8: 'bye' } });
    expect(l[11]?.result).toEqual({ keys: ['b'] });
  });
});

describe('Array API (spec §1.7, §8.5)', () => {
  const arr = (chunk: number, cell = 1): OpDoc => ({
    op: 'daos_array_create',
    cont: 'c',
    as: 'a',
    cell_size: cell,
    chunk_size: chunk,
  });
  it('records map to dkeys i/chunk+1; reads across chunks; holes read as zeros; get/set size', () => {
    const l = run([
      arr(4),
      { op: 'daos_array_write', obj: 'a', offset: 2, value: { utf8: 'abcdefgh' } },
      { op: 'daos_obj_list_dkey', obj: 'a' },
      { op: 'daos_array_get_size', obj: 'a' },
      { op: 'daos_array_read', obj: 'a', offset: 0, len: 12 },
      { op: 'daos_array_set_size', obj: 'a', size: 7 },
      { op: 'daos_array_get_size', obj: 'a' },
      { op: 'daos_array_read', obj: 'a', offset: 0, len: 10 },
      { op: 'daos_array_set_size', obj: 'a', size: 14 },
      { op: 'daos_array_get_size', obj: 'a' },
      { op: 'daos_array_set_size', obj: 'a', size: 0 },
      { op: 'daos_array_get_size', obj: 'a' },
    ]);
    expect(l.map((x) => x.rc_name)).toEqual(l.map(() => 'OK'));
    // records 2..9: dkeys 1 (2,3), 2 (4..7), 3 (8,9); dkey 0 is the metadata
    expect([...(l[2]?.result as { keys: number[] }).keys].sort()).toEqual([0, 1, 2, 3]);
    expect(l[3]?.result).toEqual({ size: 10 });
    expect(l[4]?.result).toMatchObject({ value: { utf8: '\u0000\u0000abcdefgh\u0000\u0000' } });
    expect(l[6]?.result).toEqual({ size: 7 });
    expect(l[7]?.result).toMatchObject({ value: { utf8: '\u0000\u0000abcde\u0000\u0000\u0000' } });
    expect(l[9]?.result).toEqual({ size: 14 });
    expect(l[11]?.result).toEqual({ size: 0 });
  });

  it('create twice → -DER_EXIST; open of a missing array → -DER_NONEXIST; size mismatch → -DER_INVAL', () => {
    const l = run([
      { op: 'daos_obj_generate_oid', cont: 'c', otype: 'DAOS_OT_ARRAY', oclass: 'OC_SX', as: 'x' },
      { op: 'daos_array_open', cont: 'c', obj: 'x' },
      { op: 'daos_array_create', cont: 'c', obj: 'x', cell_size: 4, chunk_size: 8 },
      { op: 'daos_array_create', cont: 'c', obj: 'x', cell_size: 4, chunk_size: 8 },
      { op: 'daos_array_write', obj: 'x', offset: 0, value: { utf8: 'abc' } },
      { op: 'daos_array_close', obj: 'x' },
      { op: 'daos_array_open', cont: 'c', obj: 'x' },
      { op: 'daos_array_read', obj: 'y', offset: 0, len: 1 },
      {
        op: 'daos_obj_generate_oid',
        cont: 'c',
        otype: 'DAOS_OT_KV_HASHED',
        oclass: 'OC_SX',
        as: 'k',
      },
      { op: 'daos_array_create', cont: 'c', obj: 'k', cell_size: 1, chunk_size: 8 },
    ]);
    expect(l.map((x) => x.rc_name)).toEqual([
      'OK',
      'DER_NONEXIST',
      'OK',
      'DER_EXIST',
      'DER_INVAL',
      'OK',
      'OK',
      'DER_NO_HDL',
      'OK',
      'DER_INVAL',
    ]);
    expect(l[6]?.result).toMatchObject({ cell_size: 4, chunk_size: 8 });
  });
});

describe('built-ins of the seed', () => {
  it('daos-array: size 1024 and the read equals the written buffer', () => {
    const doc = getBuiltinScenario('daos-array') as ScenarioDoc;
    const { result } = runScenario(doc);
    const w = result.ops.find((l) => l.op === 'daos_array_write');
    expect(w?.rc).toBe(0);
    expect(result.ops.find((l) => l.op === 'daos_array_get_size')?.result).toEqual({ size: 1024 });
    const read = result.ops.find((l) => l.op === 'daos_array_read')?.result as {
      value: { base64: string; len: number };
    };
    expect(read.value.len).toBe(1024);
    // The same seeded buffer the write used, fetched through a kv of the same value below.
    const kv = runScenario(getBuiltinScenario('daos-kv')).result;
    const got = kv.ops.find((l) => l.op === 'daos_kv_get' && l.result?.value !== undefined)
      ?.result as { value: { base64: string } };
    expect(read.value.base64).toBe(got.value.base64);
  });

  it('daos-kv: 10 keys, size then data, list 10, remove one, list 9', () => {
    const { result, events } = runScenario(getBuiltinScenario('daos-kv'));
    expect(result.ops.every((l) => l.rc === 0)).toBe(true);
    const gets = result.ops.filter((l) => l.op === 'daos_kv_get');
    expect(gets.filter((l) => l.result?.size === 1024)).toHaveLength(20);
    const lists = result.ops.filter((l) => l.op === 'daos_kv_list');
    expect((lists[0]?.result?.keys as string[]).length).toBe(10);
    expect((lists[1]?.result?.keys as string[]).length).toBe(9);
    expect(lists[1]?.result?.keys as string[]).not.toContain('key_0');
    // the seed's calls, in order
    const order = [
      'daos_obj_open',
      'daos_obj_update',
      'daos_obj_fetch',
      'daos_obj_list_dkey',
      'daos_obj_punch_dkeys',
    ];
    const firsts = order.map((s) => events.findIndex((e) => e.step === s));
    expect(firsts.every((i) => i >= 0)).toBe(true);
    expect([...firsts].sort((a, b) => a - b)).toEqual(firsts);
  });

  it('daos-replicated: every update is a DTX over three replicas; lists 10 then 9', () => {
    const { result, events } = runScenario(getBuiltinScenario('daos-replicated'));
    expect(result.ops.every((l) => l.rc === 0)).toBe(true);
    const lists = result.ops.filter((l) => l.op === 'daos_obj_list_dkey');
    expect((lists[0]?.result?.keys as string[]).length).toBe(10);
    expect((lists[1]?.result?.keys as string[]).length).toBe(9);
    const upd = events.filter((e) => e.pipeline === 'daos.rw.replicated');
    expect(
      upd.filter((e) => e.step === 'ds_obj_tgt_update_handler' && e.phase === 'enter'),
    ).toHaveLength(20);
    expect(events.some((e) => e.pipeline === 'dtx.commit' && e.step === 'vos_dtx_commit')).toBe(
      true,
    );
  });
});
