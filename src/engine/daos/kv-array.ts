/**
 * The KV API (spec §1.6, `src/client/kv/dc_kv.c`) and the Array API (§1.7,
 * `src/client/array/dc_array.c`) as scenario ops: thin client libraries over the object API,
 * so each call runs the `daos_obj_*` pipelines underneath.
 *
 * KV: dkey = the key (no NUL), akey = "0", one single value.
 * Array: record i → dkey u64 `i / chunk_size + 1`, record `i % chunk_size` of akey "0"
 * (array value, iod_size = cell_size); dkey 0 akey "0" holds the 24-byte metadata
 * [magic 0xdaca55a9daca55a9, cell_size, chunk_size] for `DAOS_OT_ARRAY`.
 */
import { derError } from '../core/errors.ts';
import { utf8Encode } from '../core/bytes.ts';
import type { Proc } from '../core/sim.ts';
import type { Runtime } from '../core/runtime.ts';
import type { Json } from '../trace/event.ts';
import type { OpDoc, OpOutcome, OpSpec, ScenarioWorld } from '../scenario/types.ts';
import { decodeValue, encodeValue, type ValueDoc } from '../scenario/values.ts';
import { daosCluster, type DaosCluster } from './cluster.ts';
import { daosObjFetch, type FetchOut, type ObjIoArgs } from './client.ts';
import { COND_FLAGS, IOD_TYPES, OTYPES } from './constants.ts';
import { u64FromLe, u64ToLe } from './hash.ts';
import type { DaosIod, Sgl } from './io-types.ts';
import { daosObjListKeys } from './list.ts';
import { oidJson, oidType } from './oid.ts';
import { first, isUint, needString, objOpCheck, onlyArgs, type Check } from './op-args.ts';
import { generateOid, objOpen, updateWithDtx, type OidBinding } from './ops.ts';
import { daosObjPunch } from './punch.ts';
import { DAOS_GET, daosObjQueryKey } from './query-key.ts';

const AKEY0 = utf8Encode('0');

/**
 * Run one object-API call under its own pipeline (`daos.fetch` inside `daos_array_get_size` …):
 * the events of a library call are those of the object calls it makes.
 */
function* under<T>(rt: Runtime, pipeline: string, body: Proc<T>): Proc<T> {
  const cur = rt.sim.current;
  const saved = cur?.ctx.pipeline;
  if (cur) cur.ctx.pipeline = pipeline;
  try {
    return yield* body;
  } finally {
    if (cur && saved !== undefined) cur.ctx.pipeline = saved;
  }
}
/** `daos_obj_update` as a library call makes it (pipeline `daos.update`, batched commit first). */
function objUpdate(cl: DaosCluster, args: ObjIoArgs): Proc<void> {
  return under(cl.rt, 'daos.update', updateWithDtx(cl, args));
}

/** `daos_obj_fetch` as a library call makes it (pipeline `daos.fetch`). */
function objFetch(cl: DaosCluster, args: ObjIoArgs): Proc<FetchOut> {
  return under(cl.rt, 'daos.fetch', daosObjFetch(cl, args));
}

/** `daos_obj_punch_dkeys` of one dkey (pipeline `daos.punch`). */
function punchDkey(cl: DaosCluster, oh: string, dkey: Uint8Array): Proc<void> {
  return under(
    cl.rt,
    'daos.punch',
    daosObjPunch(cl, 'dkeys', { oh, flags: 0, dkeys: [dkey], akeys: null }),
  );
}

const ARRAY_MAGIC = 0xdaca55a9daca55a9n;

function sv(size: number, flags = 0): DaosIod {
  return { name: AKEY0, type: IOD_TYPES.DAOS_IOD_SINGLE, size, flags, nr: 1, recxs: null };
}

function oneSgl(bytes: Uint8Array, len = bytes.length): Sgl {
  return { iovs: [{ buf: bytes, len }], nrOut: 0 };
}

function boundType(world: ScenarioWorld, name: unknown): number | undefined {
  const b = world.bindings.get(String(name)) as OidBinding | undefined;
  return b?.kind === 'daos.oid' ? oidType(b.oid) : undefined;
}

// ---- KV ------------------------------------------------------------------------------------

const KV_TYPES: number[] = [
  OTYPES.DAOS_OT_KV_HASHED,
  OTYPES.DAOS_OT_KV_UINT64,
  OTYPES.DAOS_OT_KV_LEXICAL,
];

const kvOpen: OpSpec = {
  name: 'daos_kv_open',
  pipeline: 'daos.setup',
  check: (op) => objOpen.check(op),
  *run(op, world, index): Proc<OpOutcome> {
    const t = boundType(world, op.obj);
    if (t !== undefined && !KV_TYPES.includes(t))
      throw derError('INVAL', 'daos_kv_open: the object type is not a DAOS_OT_KV_* type');
    return yield* objOpen.run(op, world, index);
  },
};

function kvKey(op: OpDoc): Uint8Array {
  const k = utf8Encode(String(op.key));
  if (k.length === 0) throw derError('INVAL', 'empty key');
  return k;
}

const kvPut: OpSpec = {
  name: 'daos_kv_put',
  pipeline: 'daos.update',
  check: (op) =>
    objOpCheck(
      op,
      ['key', 'value'],
      (): Check => (typeof op.key === 'string' ? null : 'key: expected a string'),
      (): Check => (op.value !== undefined && op.value !== null ? null : 'value: expected a value'),
    ),
  *run(op, world, index): Proc<OpOutcome> {
    const cl = daosCluster(world);
    const bytes = decodeValue(op.value as ValueDoc, world.rt.rng.fork(`value/op${index}/kv`));
    yield* objUpdate(cl, {
      oh: String(op.obj),
      flags: 0,
      dkey: kvKey(op),
      iods: [sv(bytes.length)],
      sgls: [oneSgl(bytes)],
    });
    return { rc: 0 };
  },
};

const kvGet: OpSpec = {
  name: 'daos_kv_get',
  pipeline: 'daos.fetch',
  check: (op) =>
    objOpCheck(
      op,
      ['key', 'size_only'],
      (): Check => (typeof op.key === 'string' ? null : 'key: expected a string'),
      (): Check =>
        op.size_only !== undefined && typeof op.size_only !== 'boolean'
          ? 'size_only: expected true or false'
          : null,
    ),
  *run(op, world): Proc<OpOutcome> {
    const cl = daosCluster(world);
    const base = { oh: String(op.obj), flags: 0, dkey: kvKey(op) };
    // buf NULL → size query (no sgl), as daos_kv_get does; then the data with that size.
    const probe = yield* objFetch(cl, { ...base, iods: [sv(0)], sgls: null });
    const size = probe.sizes[0] ?? 0;
    if (op.size_only === true || size === 0) return { rc: 0, result: { size } };
    const sgl = oneSgl(new Uint8Array(size), 0);
    yield* objFetch(cl, { ...base, iods: [sv(size)], sgls: [sgl] });
    const v = sgl.iovs[0];
    const value = encodeValue(v ? v.buf.subarray(0, v.len) : new Uint8Array(0));
    return { rc: 0, result: { size, value } };
  },
};

const kvRemove: OpSpec = {
  name: 'daos_kv_remove',
  pipeline: 'daos.punch',
  check: (op) =>
    objOpCheck(op, ['key'], (): Check =>
      typeof op.key === 'string' ? null : 'key: expected a string',
    ),
  *run(op, world): Proc<OpOutcome> {
    const cl = daosCluster(world);
    yield* punchDkey(cl, String(op.obj), kvKey(op));
    return { rc: 0 };
  },
};

const kvList: OpSpec = {
  name: 'daos_kv_list',
  pipeline: 'daos.list',
  check: (op) => objOpCheck(op, []),
  *run(op, world): Proc<OpOutcome> {
    const cl = daosCluster(world);
    const keys = yield* under(cl.rt, 'daos.list', daosObjListKeys(cl, String(op.obj), null));
    const out: Json[] = keys.map((k) => {
      const e = encodeValue(k);
      return typeof e.utf8 === 'string' ? e.utf8 : { base64: e.base64 as string };
    });
    return { rc: 0, result: { keys: out } };
  },
};

// ---- Array ---------------------------------------------------------------------------------

interface ArrayAttr {
  cell: number;
  chunk: number;
}

function arrays(cl: DaosCluster): Map<string, ArrayAttr> {
  const c = cl as DaosCluster & { arrays?: Map<string, ArrayAttr> };
  c.arrays ??= new Map();
  return c.arrays;
}

function attrOf(cl: DaosCluster, name: string): ArrayAttr {
  const a = arrays(cl).get(name);
  if (!a || !cl.client.objects.has(name)) throw derError('NO_HDL', `array ${name} is not open`);
  return a;
}

function metaBytes(cell: number, chunk: number): Uint8Array {
  const b = new Uint8Array(24);
  b.set(u64ToLe(ARRAY_MAGIC), 0);
  b.set(u64ToLe(BigInt(cell)), 8);
  b.set(u64ToLe(BigInt(chunk)), 16);
  return b;
}

const ARRAY_ARGS = (op: OpDoc): Check =>
  first(
    () => onlyArgs(op, ['cont', 'obj', 'as', 'oclass', 'cell_size', 'chunk_size']),
    () => needString(op, 'cont'),
    (): Check =>
      typeof op.obj === 'string' || typeof op.as === 'string'
        ? null
        : 'obj: expected the name of a bound oid (or give as)',
    (): Check =>
      op.cell_size === undefined || isUint(op.cell_size) ? null : 'cell_size: expected an integer',
    (): Check =>
      op.chunk_size === undefined || isUint(op.chunk_size)
        ? null
        : 'chunk_size: expected an integer',
  );

/** The object name of an array op: `obj`, or a fresh DAOS_OT_ARRAY oid bound to `as`. */
function* arrayObj(op: OpDoc, world: ScenarioWorld, index: number): Proc<string> {
  if (typeof op.obj === 'string') return op.obj;
  const name = String(op.as);
  const r = yield* under(
    world.rt,
    'daos.setup',
    generateOid.run(
      {
        op: 'daos_obj_generate_oid',
        cont: op.cont,
        otype: 'DAOS_OT_ARRAY',
        oclass: op.oclass ?? 'OC_SX',
        as: name,
      },
      world,
      index,
    ),
  );
  if (r.rc !== 0) throw derError('INVAL', 'daos_obj_generate_oid failed');
  return name;
}

const arrayCreate: OpSpec = {
  name: 'daos_array_create',
  pipeline: 'daos.update',
  check: ARRAY_ARGS,
  *run(op, world, index): Proc<OpOutcome> {
    const cl = daosCluster(world);
    const name = yield* arrayObj(op, world, index);
    const t = boundType(world, name);
    if (
      t !== OTYPES.DAOS_OT_ARRAY &&
      t !== OTYPES.DAOS_OT_ARRAY_BYTE &&
      t !== OTYPES.DAOS_OT_ARRAY_ATTR
    )
      throw derError('INVAL', 'daos_array_create: not an array object type');
    const cell = (op.cell_size as number | undefined) ?? 1;
    const chunk = (op.chunk_size as number | undefined) ?? 1024 * 1024;
    if (cell === 0 || chunk === 0) throw derError('INVAL', 'cell_size and chunk_size must be > 0');
    yield* under(
      world.rt,
      'daos.setup',
      objOpen.run({ op: 'daos_obj_open', obj: name, mode: 'DAOS_OO_RW' }, world, index),
    );
    if (t === OTYPES.DAOS_OT_ARRAY) {
      const flags = COND_FLAGS.DAOS_COND_DKEY_INSERT | COND_FLAGS.DAOS_COND_AKEY_INSERT;
      yield* objUpdate(cl, {
        oh: name,
        flags,
        dkey: u64ToLe(0n),
        iods: [sv(24)],
        sgls: [oneSgl(metaBytes(cell, chunk))],
      });
    }
    arrays(cl).set(name, { cell, chunk });
    const b = world.bindings.get(name) as OidBinding;
    return { rc: 0, result: { oid: oidJson(b.oid) } };
  },
};

const arrayOpen: OpSpec = {
  name: 'daos_array_open',
  pipeline: 'daos.fetch',
  check: ARRAY_ARGS,
  *run(op, world, index): Proc<OpOutcome> {
    const cl = daosCluster(world);
    const name = yield* arrayObj(op, world, index);
    const t = boundType(world, name);
    yield* under(
      world.rt,
      'daos.setup',
      objOpen.run({ op: 'daos_obj_open', obj: name, mode: 'DAOS_OO_RW' }, world, index),
    );
    let attr: ArrayAttr;
    if (t === OTYPES.DAOS_OT_ARRAY) {
      const sgl = oneSgl(new Uint8Array(24), 0);
      const flags = COND_FLAGS.DAOS_COND_DKEY_FETCH | COND_FLAGS.DAOS_COND_AKEY_FETCH;
      yield* objFetch(cl, { oh: name, flags, dkey: u64ToLe(0n), iods: [sv(24)], sgls: [sgl] });
      const b = sgl.iovs[0]?.buf ?? new Uint8Array(24);
      const magic = u64FromLe(b.subarray(0, 8));
      const cell = Number(u64FromLe(b.subarray(8, 16)));
      const chunk = Number(u64FromLe(b.subarray(16, 24)));
      if (magic !== ARRAY_MAGIC || cell === 0 || chunk === 0)
        throw derError('NO_PERM', 'bad array metadata');
      attr = { cell, chunk };
    } else if (t === OTYPES.DAOS_OT_ARRAY_BYTE || t === OTYPES.DAOS_OT_ARRAY_ATTR) {
      // daos_array_open_with_attr: no I/O.
      const cell = op.cell_size as number | undefined;
      const chunk = op.chunk_size as number | undefined;
      if (!cell || !chunk) throw derError('INVAL', 'cell_size and chunk_size are required');
      attr = { cell, chunk };
    } else throw derError('INVAL', 'daos_array_open: not an array object type');
    arrays(cl).set(name, attr);
    const b = world.bindings.get(name) as OidBinding;
    return { rc: 0, result: { oid: oidJson(b.oid), cell_size: attr.cell, chunk_size: attr.chunk } };
  },
};

/** Split records [idx, idx+nr) by chunk: one (dkey, recx) per chunk touched (compute_dkey). */
function chunks(
  a: ArrayAttr,
  idx: number,
  nr: number,
): { dkey: number; off: number; nr: number; at: number }[] {
  const out = [];
  let i = idx;
  const end = idx + nr;
  while (i < end) {
    const d = Math.floor(i / a.chunk);
    const off = i % a.chunk;
    const n = Math.min(a.chunk - off, end - i);
    out.push({ dkey: d + 1, off, nr: n, at: i - idx });
    i += n;
  }
  return out;
}

function arrIod(a: ArrayAttr, off: number, nr: number): DaosIod {
  return {
    name: AKEY0,
    type: IOD_TYPES.DAOS_IOD_ARRAY,
    size: a.cell,
    flags: 0,
    nr: 1,
    recxs: [{ idx: off, nr }],
  };
}

const arrayWrite: OpSpec = {
  name: 'daos_array_write',
  pipeline: 'daos.update',
  check: (op) =>
    objOpCheck(
      op,
      ['offset', 'value'],
      (): Check => (isUint(op.offset) ? null : 'offset: expected a record index'),
      (): Check => (op.value !== undefined && op.value !== null ? null : 'value: expected a value'),
    ),
  *run(op, world, index): Proc<OpOutcome> {
    const cl = daosCluster(world);
    const name = String(op.obj);
    const a = attrOf(cl, name);
    const bytes = decodeValue(op.value as ValueDoc, world.rt.rng.fork(`value/op${index}/array`));
    if (bytes.length % a.cell !== 0) throw derError('INVAL', 'sgl bytes ≠ records × cell_size');
    for (const c of chunks(a, op.offset as number, bytes.length / a.cell)) {
      const part = bytes.subarray(c.at * a.cell, (c.at + c.nr) * a.cell);
      const args: ObjIoArgs = {
        oh: name,
        flags: 0,
        dkey: u64ToLe(BigInt(c.dkey)),
        iods: [arrIod(a, c.off, c.nr)],
        sgls: [oneSgl(part)],
      };
      yield* objUpdate(cl, args);
    }
    return { rc: 0 };
  },
};

function readRecords(
  cl: DaosCluster,
  name: string,
  a: ArrayAttr,
  idx: number,
  nr: number,
): Proc<Uint8Array>;
function readRecords(
  cl: DaosCluster,
  name: string,
  a: ArrayAttr,
  idx: number,
  nr: number,
  nullIfHole: true,
): Proc<Uint8Array | null>;
/** Read records [idx, idx+nr): one fetch per chunk; `nullIfHole`: null when nothing was there. */
function* readRecords(
  cl: DaosCluster,
  name: string,
  a: ArrayAttr,
  idx: number,
  nr: number,
  nullIfHole = false,
): Proc<Uint8Array | null> {
  const out = new Uint8Array(nr * a.cell);
  let got = 0;
  for (const c of chunks(a, idx, nr)) {
    const sgl = oneSgl(new Uint8Array(c.nr * a.cell), 0);
    yield* objFetch(cl, {
      oh: name,
      flags: 0,
      dkey: u64ToLe(BigInt(c.dkey)),
      iods: [arrIod(a, c.off, c.nr)],
      sgls: [sgl],
    });
    const v = sgl.iovs[0];
    // Never-written cells leave the user buffer untouched (zeros here).
    if (v) out.set(v.buf.subarray(0, v.len), c.at * a.cell);
    got += v?.len ?? 0;
  }
  return nullIfHole && got === 0 ? null : out;
}

const arrayRead: OpSpec = {
  name: 'daos_array_read',
  pipeline: 'daos.fetch',
  check: (op) =>
    objOpCheck(
      op,
      ['offset', 'len'],
      (): Check => (isUint(op.offset) ? null : 'offset: expected a record index'),
      (): Check => (isUint(op.len) ? null : 'len: expected a number of records'),
    ),
  *run(op, world): Proc<OpOutcome> {
    const cl = daosCluster(world);
    const name = String(op.obj);
    const a = attrOf(cl, name);
    const bytes = yield* readRecords(cl, name, a, op.offset as number, op.len as number);
    return { rc: 0, result: { value: encodeValue(bytes) } };
  },
};

/**
 * `daos_array_get_size`: `daos_obj_query_key(DAOS_GET_DKEY | DAOS_GET_RECX | DAOS_GET_MAX)` on
 * akey "0" → the highest dkey and its highest visible extent; size = chunk_size × (dkey − 1) +
 * rx_idx + rx_nr, 0 when the highest dkey is 0 (metadata only) or nothing matches.
 */
function* arraySize(cl: DaosCluster, name: string, a: ArrayAttr): Proc<number> {
  const r = yield* under(
    cl.rt,
    'daos.list',
    daosObjQueryKey(cl, {
      oh: name,
      flags: DAOS_GET.DAOS_GET_DKEY | DAOS_GET.DAOS_GET_RECX | DAOS_GET.DAOS_GET_MAX,
      dkey: null,
      akey: AKEY0,
    }),
  );
  if (!r?.dkey || !r.recx || r.dkey.length !== 8) return 0;
  const max = u64FromLe(r.dkey);
  if (max === 0n) return 0;
  return a.chunk * (Number(max) - 1) + Number(r.recx.idx) + r.recx.nr;
}

const arrayGetSize: OpSpec = {
  name: 'daos_array_get_size',
  pipeline: 'daos.list',
  check: (op) => objOpCheck(op, []),
  *run(op, world): Proc<OpOutcome> {
    const cl = daosCluster(world);
    const name = String(op.obj);
    const size = yield* arraySize(cl, name, attrOf(cl, name));
    return { rc: 0, result: { size } };
  },
};

const arraySetSizeOp: OpSpec = {
  name: 'daos_array_set_size',
  pipeline: 'daos.punch',
  check: (op) =>
    objOpCheck(op, ['size'], (): Check =>
      isUint(op.size) ? null : 'size: expected a number of records',
    ),
  *run(op, world): Proc<OpOutcome> {
    const cl = daosCluster(world);
    const name = String(op.obj);
    yield* arraySetSize(cl, name, attrOf(cl, name), op.size as number);
    return { rc: 0 };
  },
};

/** An extent punch: an array update with `iod_size` 0 over the records (spec §7.4). */
function* extentPunch(cl: DaosCluster, name: string, dkey: number, off: number, nr: number) {
  const iod: DaosIod = { ...arrIod({ cell: 0, chunk: 0 }, off, nr), size: 0 };
  yield* objUpdate(cl, {
    oh: name,
    flags: 0,
    dkey: u64ToLe(BigInt(dkey)),
    iods: [iod],
    sgls: null,
  });
}

/**
 * `daos_array_set_size` (spec §1.7): list the dkeys; punch every dkey above the one holding
 * record size−1 (dkey 1 is extent-punched over [0, chunk) instead, to keep an epoch there);
 * in the dkey holding size−1, extent-punch the records above it; if record size−1 does not
 * exist, write one zero record there. Not an allocation: extending writes one record.
 */
function* arraySetSize(cl: DaosCluster, name: string, a: ArrayAttr, size: number): Proc<void> {
  const keys = yield* under(cl.rt, 'daos.list', daosObjListKeys(cl, name, null));
  const lastDkey = size === 0 ? 0 : Math.floor((size - 1) / a.chunk) + 1;
  const above = keys
    .filter((k) => k.length === 8 && u64FromLe(k) > BigInt(lastDkey))
    .map((k) => Number(u64FromLe(k)))
    .sort((x, y) => x - y);
  for (const d of above) {
    if (d === 1) yield* extentPunch(cl, name, 1, 0, a.chunk);
    else yield* punchDkey(cl, name, u64ToLe(BigInt(d)));
  }
  if (size === 0) return;
  const off = (size - 1) % a.chunk;
  const hasLast = keys.some((k) => k.length === 8 && u64FromLe(k) === BigInt(lastDkey));
  if (hasLast && off + 1 < a.chunk)
    yield* extentPunch(cl, name, lastDkey, off + 1, a.chunk - off - 1);
  // Does record size−1 exist? A one-record fetch: a hole leaves iov_len 0.
  const probe = hasLast ? yield* readRecords(cl, name, a, size - 1, 1, true) : null;
  if (probe === null)
    yield* objUpdate(cl, {
      oh: name,
      flags: 0,
      dkey: u64ToLe(BigInt(lastDkey)),
      iods: [arrIod(a, off, 1)],
      sgls: [oneSgl(new Uint8Array(a.cell))],
    });
}

const arrayClose: OpSpec = {
  name: 'daos_array_close',
  pipeline: 'daos.setup',
  check: (op) => objOpCheck(op, []),
  *run(op, world): Proc<OpOutcome> {
    const cl = daosCluster(world);
    const name = String(op.obj);
    attrOf(cl, name);
    cl.client.objects.delete(name);
    arrays(cl).delete(name);
    yield* [];
    world.rt.trace.point('daos_array_close', 'client', { data: { oh: name } });
    return { rc: 0 };
  },
};

export const DAOS_KV_ARRAY_OPS: OpSpec[] = [
  kvOpen,
  kvPut,
  kvGet,
  kvRemove,
  kvList,
  arrayCreate,
  arrayOpen,
  arrayWrite,
  arrayRead,
  arrayGetSize,
  arraySetSizeOp,
  arrayClose,
];
