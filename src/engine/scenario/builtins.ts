/**
 * Built-in scenarios (the seed examples), by name. They are ordinary `iopath.scenario/1`
 * documents: the CLI (`iopath run daos-key-sv`), the UI (`?scenario=daos-key-sv`) and the tests
 * run them like any file.
 */
import type { OpDoc, ScenarioDoc } from './types.ts';
import { CEPH_BUILTINS } from '../ceph/builtins.ts';

const DKEYS = 10;
/** BUFLEN of the example: a 1 KiB single value. */
const BUFLEN = 1024;

/**
 * The seed's `example_daos_key_sv`: one buffer rendered once with `dts_buf_render` (a fixed
 * `seed` makes every op carry the same bytes, as the C code reuses `buf`), 10 dkeys with one
 * akey each holding a 1 KiB single value; update all, update all again, then fetch all — the
 * results show each fetched value, which must equal the buffer.
 */
function daosKeySv(): ScenarioDoc {
  const buf = { fill: 'random', len: BUFLEN, seed: 1 };
  const update = (i: number): OpDoc => ({
    op: 'daos_obj_update',
    obj: 'obj',
    dkey: `dkey_${i}`,
    iods: [{ akey: 'akey_sv', type: 'DAOS_IOD_SINGLE', size: BUFLEN }],
    data: [buf],
  });
  const fetch = (i: number): OpDoc => ({
    op: 'daos_obj_fetch',
    obj: 'obj',
    dkey: `dkey_${i}`,
    iods: [{ akey: 'akey_sv', type: 'DAOS_IOD_SINGLE', size: BUFLEN }],
  });
  const ops: OpDoc[] = [
    { op: 'daos_pool_connect', pool: 'tank' },
    { op: 'daos_cont_create', pool: 'tank', cont: 'example' },
    { op: 'daos_cont_open', pool: 'tank', cont: 'example' },
    {
      op: 'daos_obj_generate_oid',
      cont: 'example',
      otype: 'DAOS_OT_MULTI_HASHED',
      oclass: 'OC_SX',
      as: 'obj',
    },
    { op: 'daos_obj_open', obj: 'obj', mode: 'DAOS_OO_RW' },
  ];
  for (let i = 0; i < DKEYS; i++) ops.push(update(i));
  for (let i = 0; i < DKEYS; i++) ops.push(update(i));
  for (let i = 0; i < DKEYS; i++) ops.push(fetch(i));
  return {
    schema: 'iopath.scenario/1',
    seed: 1,
    title: 'DAOS example_daos_key_sv',
    description:
      'The seed example: 10 dkeys, one akey each with a 1 KiB single value; update all, update ' +
      'all again, fetch all and compare.',
    cluster: { daos: { engines: 2, targets_per_engine: 4 } },
    ops,
  };
}

/**
 * The seed's `example_daos_key_array`: 10 dkeys, one akey ("akey") each holding a byte array
 * of 1024 records (`iod_size` 1, recx {0, 1024}, as in the seed's gdb dump); fetch all, list
 * the dkeys (10), punch one dkey, list again (9).
 */
function daosKeyArray(): ScenarioDoc {
  const buf = { fill: 'random', len: BUFLEN, seed: 1 };
  const iod = { akey: 'akey', type: 'DAOS_IOD_ARRAY', size: 1, recxs: [{ idx: 0, nr: BUFLEN }] };
  const ops: OpDoc[] = [
    { op: 'daos_pool_connect', pool: 'tank' },
    { op: 'daos_cont_create', pool: 'tank', cont: 'example' },
    { op: 'daos_cont_open', pool: 'tank', cont: 'example' },
    {
      op: 'daos_obj_generate_oid',
      cont: 'example',
      otype: 'DAOS_OT_MULTI_HASHED',
      oclass: 'OC_SX',
      as: 'obj',
    },
    { op: 'daos_obj_open', obj: 'obj', mode: 'DAOS_OO_RW' },
  ];
  for (let i = 0; i < DKEYS; i++) {
    ops.push({ op: 'daos_obj_update', obj: 'obj', dkey: `dkey_${i}`, iods: [iod], data: [buf] });
  }
  for (let i = 0; i < DKEYS; i++) {
    ops.push({ op: 'daos_obj_fetch', obj: 'obj', dkey: `dkey_${i}`, iods: [iod] });
  }
  ops.push({ op: 'daos_obj_list_dkey', obj: 'obj' });
  ops.push({ op: 'daos_obj_punch_dkeys', obj: 'obj', dkeys: ['dkey_0'] });
  ops.push({ op: 'daos_obj_list_dkey', obj: 'obj' });
  return {
    schema: 'iopath.scenario/1',
    seed: 1,
    title: 'DAOS example_daos_key_array',
    description:
      'The seed example: 10 dkeys, one akey each holding a 1 KiB byte array; fetch all, list ' +
      'the dkeys, punch one, list again.',
    cluster: { daos: { engines: 2, targets_per_engine: 4 } },
    ops,
  };
}

export const BUILTIN_SCENARIOS: Record<string, ScenarioDoc> = {
  'daos-key-sv': daosKeySv(),
  'daos-key-array': daosKeyArray(),
  ...CEPH_BUILTINS,
};

/** A built-in scenario by name (a fresh copy), or undefined. */
export function getBuiltinScenario(name: string): ScenarioDoc | undefined {
  if (!Object.prototype.hasOwnProperty.call(BUILTIN_SCENARIOS, name)) return undefined;
  return JSON.parse(JSON.stringify(BUILTIN_SCENARIOS[name])) as ScenarioDoc;
}
