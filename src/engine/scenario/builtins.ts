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

/**
 * The seed's `example_daos_array`: a byte array (cell size 1, chunk size 1 MiB) created with
 * metadata (`daos_array_generate_oid(…, add_attr = true)` → DAOS_OT_ARRAY), one write of the
 * rendered buffer, `daos_array_get_size`, a read back (the result must equal the buffer), close.
 */
function daosArray(): ScenarioDoc {
  const buf = { fill: 'random', len: BUFLEN, seed: 1 };
  return {
    schema: 'iopath.scenario/1',
    seed: 1,
    title: 'DAOS example_daos_array',
    description:
      'The seed example: a byte array (cell 1, chunk 1 MiB); write 1 KiB, get the size, read ' +
      'it back and compare, close.',
    cluster: { daos: { engines: 2, targets_per_engine: 4 } },
    ops: [
      { op: 'daos_pool_connect', pool: 'tank' },
      { op: 'daos_cont_create', pool: 'tank', cont: 'example' },
      { op: 'daos_cont_open', pool: 'tank', cont: 'example' },
      { op: 'daos_array_create', cont: 'example', as: 'array', cell_size: 1, chunk_size: 1048576 },
      { op: 'daos_array_write', obj: 'array', offset: 0, value: buf },
      { op: 'daos_array_get_size', obj: 'array' },
      { op: 'daos_array_read', obj: 'array', offset: 0, len: BUFLEN },
      { op: 'daos_array_close', obj: 'array' },
    ],
  };
}

/**
 * The seed's `example_daos_kv`: a flat KV object (DAOS_OT_KV_HASHED, OC_SX); put 10 keys with
 * the 1 KiB buffer; for each key get the size, then the data; list (10); remove one; list (9).
 */
function daosKv(): ScenarioDoc {
  const buf = { fill: 'random', len: BUFLEN, seed: 1 };
  const ops: OpDoc[] = [
    { op: 'daos_pool_connect', pool: 'tank' },
    { op: 'daos_cont_create', pool: 'tank', cont: 'example' },
    { op: 'daos_cont_open', pool: 'tank', cont: 'example' },
    {
      op: 'daos_obj_generate_oid',
      cont: 'example',
      otype: 'DAOS_OT_KV_HASHED',
      oclass: 'OC_SX',
      as: 'kv',
    },
    { op: 'daos_kv_open', obj: 'kv', mode: 'DAOS_OO_RW' },
  ];
  for (let i = 0; i < DKEYS; i++)
    ops.push({ op: 'daos_kv_put', obj: 'kv', key: `key_${i}`, value: buf });
  for (let i = 0; i < DKEYS; i++) {
    ops.push({ op: 'daos_kv_get', obj: 'kv', key: `key_${i}`, size_only: true });
    ops.push({ op: 'daos_kv_get', obj: 'kv', key: `key_${i}` });
  }
  ops.push({ op: 'daos_kv_list', obj: 'kv' });
  ops.push({ op: 'daos_kv_remove', obj: 'kv', key: 'key_0' });
  ops.push({ op: 'daos_kv_list', obj: 'kv' });
  return {
    schema: 'iopath.scenario/1',
    seed: 1,
    title: 'DAOS example_daos_kv',
    description:
      'The seed example: 10 keys with a 1 KiB value each; get each size then its data; list ' +
      'the keys (10), remove one, list again (9).',
    cluster: { daos: { engines: 2, targets_per_engine: 4 } },
    ops,
  };
}

/**
 * The key-array example on a 3-way replicated class (`OC_RP_3G1`, three engines so the replicas
 * sit on distinct ranks): every update runs the DTX of spec §6 (`daos.rw.replicated`), and a
 * small commit threshold makes the batched commit (`dtx.commit`) show up in the trace.
 */
function daosReplicated(): ScenarioDoc {
  const doc = daosKeyArray();
  const gen = doc.ops[3] as OpDoc;
  gen.oclass = 'OC_RP_3G1';
  return {
    ...doc,
    title: 'DAOS key-array example on OC_RP_3G1 (replicated, DTX)',
    description:
      'The key-array example with 3-way replication: the leader forwards each update to two ' +
      'replicas before its own, the replicas prepare, the leader marks the DTX committable and ' +
      'commits them in batches.',
    cluster: { daos: { engines: 3, targets_per_engine: 4, dtx_threshold_count: 4 } },
  };
}

export const BUILTIN_SCENARIOS: Record<string, ScenarioDoc> = {
  'daos-key-sv': daosKeySv(),
  'daos-key-array': daosKeyArray(),
  'daos-array': daosArray(),
  'daos-kv': daosKv(),
  'daos-replicated': daosReplicated(),
  ...CEPH_BUILTINS,
};

/** A built-in scenario by name (a fresh copy), or undefined. */
export function getBuiltinScenario(name: string): ScenarioDoc | undefined {
  if (!Object.prototype.hasOwnProperty.call(BUILTIN_SCENARIOS, name)) return undefined;
  return JSON.parse(JSON.stringify(BUILTIN_SCENARIOS[name])) as ScenarioDoc;
}
