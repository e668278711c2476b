/**
 * Object classes run inside the OSD (`call <class>.<method>`): the subset of cls_rbd and
 * cls_lock librbd uses to create, open, lock and write an image. A method reads the object
 * through `ClsContext` and records its mutations there; the PG turns them into transaction ops
 * (so they replicate like any write). Inputs/outputs are little-endian binary, encoded by
 * `cls/codec.ts` — the same helpers librbd uses on the client side.
 */
import type { Proc } from '../../core/sim.ts';
import { errno } from '../../core/errors.ts';
import { utf8Decode, utf8Encode } from '../../core/bytes.ts';
import { Decoder, Encoder } from './codec.ts';

export interface ClsContext {
  readonly oid: string;
  exists(): boolean;
  size(): number;
  read(off: number, len: number): Proc<Uint8Array>;
  omapGet(key: string): Uint8Array | undefined;
  omapKeys(): string[];
  // Mutations (applied in order after the method returns 0).
  create(exclusive: boolean): number;
  write(off: number, data: Uint8Array): void;
  writeFull(data: Uint8Array): void;
  omapSet(kv: Record<string, Uint8Array>): void;
  omapRm(keys: string[]): void;
}

export interface ClsResult {
  rval: number;
  out?: Uint8Array;
}

/** A method returns its result directly, or as a process when it reads object data. */
export type ClsMethod = (ctx: ClsContext, indata: Uint8Array) => ClsResult | Proc<ClsResult>;

const methods = new Map<string, ClsMethod>();

export function clsMethod(cls: string, method: string): ClsMethod | undefined {
  return methods.get(`${cls}.${method}`);
}

function reg(name: string, m: ClsMethod): void {
  methods.set(name, m);
}

const ok = (out?: Uint8Array): ClsResult => (out ? { rval: 0, out } : { rval: 0 });
const fail = (name: Parameters<typeof errno>[0]): ClsResult => ({ rval: errno(name) });

// ---- cls_rbd: directory, id, header ------------------------------------------------------

reg('rbd.dir_add_image', function (ctx, indata) {
  const d = new Decoder(indata);
  const name = d.str();
  const id = d.str();
  if (ctx.omapGet(`name_${name}`) || ctx.omapGet(`id_${id}`)) return fail('EEXIST');
  ctx.create(false);
  ctx.omapSet({
    [`name_${name}`]: new Encoder().str(id).done(),
    [`id_${id}`]: new Encoder().str(name).done(),
  });
  return ok();
});

reg('rbd.dir_get_id', function (ctx, indata) {
  const name = new Decoder(indata).str();
  const v = ctx.omapGet(`name_${name}`);
  return v ? ok(v) : fail('ENOENT');
});

reg('rbd.set_id', function (ctx, indata) {
  const id = new Decoder(indata).str();
  if (ctx.exists() && ctx.size() > 0) return fail('EEXIST');
  ctx.writeFull(new Encoder().str(id).done());
  return ok();
});

reg('rbd.get_id', function* (ctx) {
  if (!ctx.exists()) return fail('ENOENT');
  const data = yield* ctx.read(0, ctx.size());
  return ok(data);
});

reg('rbd.create', function (ctx, indata) {
  const d = new Decoder(indata);
  const objectPrefix = d.str();
  const size = d.u64();
  const order = d.u8();
  const features = d.u64();
  // cls_rbd checks the object_prefix key, not the object (librbd sends create(excl) first).
  if (ctx.omapGet('object_prefix')) return fail('EEXIST');
  ctx.create(false);
  ctx.omapSet({
    size: new Encoder().u64(size).done(),
    order: new Encoder().u8(order).done(),
    features: new Encoder().u64(features).done(),
    object_prefix: new Encoder().str(objectPrefix).done(),
    snap_seq: new Encoder().u64(0).done(),
  });
  return ok();
});

function headerKey(ctx: ClsContext, key: string): ClsResult {
  if (!ctx.exists()) return fail('ENOENT');
  const v = ctx.omapGet(key);
  return v ? ok(v) : fail('ENOENT');
}

reg('rbd.get_size', (ctx) => headerKey(ctx, 'size'));
reg('rbd.get_features', (ctx) => headerKey(ctx, 'features'));
reg('rbd.get_object_prefix', (ctx) => headerKey(ctx, 'object_prefix'));
reg('rbd.get_order', (ctx) => headerKey(ctx, 'order'));
reg('rbd.get_flags', function (ctx) {
  if (!ctx.exists()) return fail('ENOENT');
  return ok(new Encoder().u64(0).done());
});

// ---- cls_rbd: object map (BitVector<2>, 4 objects per byte, MSB first) ---------------------

export const OBJECT_NONEXISTENT = 0;
export const OBJECT_EXISTS = 1;
export const OBJECT_PENDING = 2;
export const OBJECT_EXISTS_CLEAN = 3;

export function objectMapGet(map: Uint8Array, i: number): number {
  const byte = map[i >> 2] ?? 0;
  return (byte >> ((3 - (i & 3)) * 2)) & 3;
}

export function objectMapSet(map: Uint8Array, i: number, state: number): void {
  const shift = (3 - (i & 3)) * 2;
  const b = map[i >> 2] ?? 0;
  map[i >> 2] = (b & ~(3 << shift)) | ((state & 3) << shift);
}

reg('rbd.object_map_resize', function (ctx, indata) {
  const d = new Decoder(indata);
  const objectCount = d.u64();
  const defaultState = d.u8();
  const map = new Uint8Array(Math.ceil(objectCount / 4));
  for (let i = 0; i < objectCount; i++) objectMapSet(map, i, defaultState);
  const hdr = new Encoder().u64(objectCount).done();
  ctx.writeFull(concat(hdr, map));
  return ok();
});

reg('rbd.object_map_load', function* (ctx) {
  if (!ctx.exists()) return fail('ENOENT');
  return ok(yield* ctx.read(0, ctx.size()));
});

reg('rbd.object_map_update', function* (ctx, indata) {
  const d = new Decoder(indata);
  const start = d.u64();
  const end = d.u64();
  const newState = d.u8();
  const hasCurrent = d.u8() === 1;
  const current = hasCurrent ? d.u8() : -1;
  if (!ctx.exists()) return fail('ENOENT');
  const all = yield* ctx.read(0, ctx.size());
  const count = new Decoder(all).u64();
  if (end > count) return fail('ERANGE');
  const map = all.slice(8);
  let changed = false;
  for (let i = start; i < end; i++) {
    const s = objectMapGet(map, i);
    if (hasCurrent && s !== current) continue;
    if (s !== newState) {
      objectMapSet(map, i, newState);
      changed = true;
    }
  }
  if (changed) {
    // Rewrite only the bytes that cover [start, end) (cls_rbd writes the dirty footer range).
    const from = start >> 2;
    const to = Math.ceil(end / 4);
    ctx.write(8 + from, map.slice(from, to));
  }
  return ok();
});

// ---- cls_lock -------------------------------------------------------------------------------

const LOCK_KEY = 'lock.rbd_lock';

reg('lock.lock', function (ctx, indata) {
  const cookie = new Decoder(indata).str();
  const held = ctx.omapGet(LOCK_KEY);
  if (held && utf8Decode(held) !== cookie) return fail('EBUSY');
  if (held) return fail('EEXIST');
  ctx.create(false);
  ctx.omapSet({ [LOCK_KEY]: utf8Encode(cookie) });
  return ok();
});

reg('lock.unlock', function (ctx, indata) {
  const cookie = new Decoder(indata).str();
  const held = ctx.omapGet(LOCK_KEY);
  if (!held || utf8Decode(held) !== cookie) return fail('ENOENT');
  ctx.omapRm([LOCK_KEY]);
  return ok();
});

reg('lock.assert_locked', function (ctx, indata) {
  const cookie = new Decoder(indata).str();
  const held = ctx.omapGet(LOCK_KEY);
  if (!held || utf8Decode(held) !== cookie) return fail('EBUSY');
  return ok();
});

reg('lock.get_info', function (ctx) {
  if (!ctx.exists()) return fail('ENOENT');
  const held = ctx.omapGet(LOCK_KEY);
  return ok(new Encoder().str(held ? utf8Decode(held) : '').done());
});

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const o = new Uint8Array(a.length + b.length);
  o.set(a, 0);
  o.set(b, a.length);
  return o;
}
