/**
 * The wire- and log-level structures of the Ceph model, named and printed as Ceph prints them
 * (spec §1 "Printed identifiers"): eversion_t `27'1`, pg_t `2.b`, hobject_t
 * `2:d96a01e0:::testobj:head`, osd_reqid_t `client.4153.0:1`.
 */
import type { Json } from '../trace/event.ts';
import { IdentityRing } from './identity-ring.ts';

/** eversion_t: (map epoch of the primary when it prepared the write, per-PG counter). */
export interface Eversion {
  readonly epoch: number;
  readonly version: number;
}

export const EV_ZERO: Eversion = { epoch: 0, version: 0 };

/**
 * The printed forms in this file are memoised: an op's eversion, pg_t, hobject and reqid are
 * printed into a dozen trace events and OpTracker descriptions each, within a short span of
 * the op. The memos are small direct-mapped tables keyed by the printed values (not WeakMaps:
 * a WeakMap entry per op is ephemeron work in every young-generation GC), so a slot holds the
 * newest value that maps to it and a stale slot just prints again.
 */
const MEMO_SLOTS = 256;
const evMemo: Array<{ epoch: number; version: number; s: string } | undefined> =
  new Array<undefined>(MEMO_SLOTS).fill(undefined);

export function evStr(v: Eversion): string {
  const i = (v.version ^ v.epoch) & (MEMO_SLOTS - 1);
  const m = evMemo[i];
  if (m !== undefined && m.version === v.version && m.epoch === v.epoch) return m.s;
  const s = `${v.epoch}'${v.version}`;
  evMemo[i] = { epoch: v.epoch, version: v.version, s };
  return s;
}

/** Lexicographic (epoch, version) comparison, as eversion_t's operator<. */
export function evCmp(a: Eversion, b: Eversion): number {
  return a.epoch !== b.epoch ? a.epoch - b.epoch : a.version - b.version;
}

/** pg_t: pool id and placement seed (the stable-mod'ed hash). */
export interface PgId {
  readonly pool: number;
  readonly ps: number;
}

/**
 * pool × 2^32 + ps → `pool.ps`, one entry per PG: a pg_t is printed ~28 times per replicated
 * write, and the client makes a fresh pg_t object per op, so a per-object memo would miss
 * once per op and feed a WeakMap; a number-keyed Map always hits after the first op on a PG.
 */
const pgStrs = new Map<number, string>();

export function pgStr(pg: PgId): string {
  const key = pg.pool * 0x100000000 + pg.ps;
  let s = pgStrs.get(key);
  if (s === undefined) {
    s = `${pg.pool}.${pg.ps.toString(16)}`;
    pgStrs.set(key, s);
  }
  return s;
}

/**
 * `osd.N`, one string per OSD id: the messenger keys its connections by entity name, and a
 * name built per message would be hashed again on every send.
 */
const osdNames: string[] = [];

export function osdEntity(id: number): string {
  return (osdNames[id] ??= `osd.${id}`);
}

/** Reverse the bits of a 32-bit value (hobject_t prints its hash bit-reversed). */
export function bitReverse32(x: number): number {
  let v = x >>> 0;
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  v = (v >>> 16) | (v << 16);
  return v >>> 0;
}

/** hobject_t of a head object (no snapshots in this model). */
export interface HObject {
  readonly pool: number;
  readonly name: string;
  /** ceph_str_hash_rjenkins(name), the full 32-bit raw hash. */
  readonly hash: number;
}

const hobjMemo: Array<{ pool: number; name: string; s: string } | undefined> = new Array<undefined>(
  MEMO_SLOTS,
).fill(undefined);

export function hobjStr(o: HObject): string {
  const i = o.hash & (MEMO_SLOTS - 1);
  const m = hobjMemo[i];
  if (m !== undefined && m.pool === o.pool && m.name === o.name) return m.s;
  const s = `${o.pool}:${bitReverse32(o.hash).toString(16).padStart(8, '0')}:::${o.name}:head`;
  hobjMemo[i] = { pool: o.pool, name: o.name, s };
  return s;
}

/** osd_reqid_t: client entity, incarnation 0, tid. */
export interface ReqId {
  readonly client: number;
  readonly tid: number;
}

const reqidMemo: Array<{ client: number; tid: number; s: string } | undefined> =
  new Array<undefined>(MEMO_SLOTS).fill(undefined);

export function reqidStr(r: ReqId): string {
  const i = (r.tid ^ r.client) & (MEMO_SLOTS - 1);
  const m = reqidMemo[i];
  if (m !== undefined && m.tid === r.tid && m.client === r.client) return m.s;
  const s = `client.${r.client}.0:${r.tid}`;
  reqidMemo[i] = { client: r.client, tid: r.tid, s };
  return s;
}

/** CEPH_OSD_FLAG_* (spec §1). */
export const OSD_FLAG = {
  ACK: 0x1,
  ONNVRAM: 0x2,
  ONDISK: 0x4,
  RETRY: 0x8,
  READ: 0x10,
  WRITE: 0x20,
  BALANCE_READS: 0x100,
  LOCALIZE_READS: 0x2000,
  KNOWN_REDIR: 0x400000,
} as const;

/** ceph_osd_op_flag_string order: the names Ceph joins with '+' in op descriptions. */
/** flags → string, remembered: a client sends a handful of distinct flag words per run. */
const osdFlagStrings = new Map<number, string>();

export function osdFlagString(flags: number): string {
  let s = osdFlagStrings.get(flags);
  if (s === undefined) {
    s = osdFlagStringOf(flags);
    osdFlagStrings.set(flags, s);
  }
  return s;
}

function osdFlagStringOf(flags: number): string {
  const parts: string[] = [];
  if (flags & OSD_FLAG.ACK) parts.push('ack');
  if (flags & OSD_FLAG.ONNVRAM) parts.push('onnvram');
  if (flags & OSD_FLAG.ONDISK) parts.push('ondisk');
  if (flags & OSD_FLAG.RETRY) parts.push('retry');
  if (flags & OSD_FLAG.READ) parts.push('read');
  if (flags & OSD_FLAG.WRITE) parts.push('write');
  if (flags & OSD_FLAG.BALANCE_READS) parts.push('balance_reads');
  if (flags & OSD_FLAG.LOCALIZE_READS) parts.push('localize_reads');
  if (flags & OSD_FLAG.KNOWN_REDIR) parts.push('known_if_redirected');
  return parts.join('+');
}

/** CEPH_OSD_OP_* codes (mode + type + number, spec §1). */
export const OSD_OP_CODE = {
  read: 0x1201,
  stat: 0x1202,
  'sparse-read': 0x1205,
  call: 0x1401,
  write: 0x2201,
  writefull: 0x2202,
  append: 0x2206,
  delete: 0x2205,
  create: 0x220d,
  'set-alloc-hint': 0x2223,
} as const;

/** One sub-op of an MOSDOp (OSDOp): what the client asked for, with its in/out data. */
export type OSDOp =
  | { op: 'read'; off: number; len: number; fadvise?: string }
  | { op: 'sparse-read'; off: number; len: number; fadvise?: string }
  | { op: 'stat' }
  | { op: 'write'; off: number; data: Uint8Array; fadvise?: string }
  | { op: 'writefull'; data: Uint8Array }
  | { op: 'append'; data: Uint8Array }
  | { op: 'delete' }
  | { op: 'create'; exclusive: boolean }
  | { op: 'set-alloc-hint'; objectSize: number; writeSize: number }
  | { op: 'call'; cls: string; method: string; indata: Uint8Array };

/** Whether an OSDOp modifies the object (CEPH_OSD_MODE_WR). */
export function isWriteOp(o: OSDOp): boolean {
  switch (o.op) {
    case 'read':
    case 'sparse-read':
    case 'stat':
      return false;
    case 'call':
      return o.indata.length >= 0 && CLS_WRITE_METHODS.has(`${o.cls}.${o.method}`);
    default:
      return true;
  }
}

/** The class methods registered with CLS_METHOD_WR (the rest are read-only). */
export const CLS_WRITE_METHODS = new Set([
  'rbd.create',
  'rbd.set_id',
  'rbd.dir_add_image',
  'rbd.object_map_resize',
  'rbd.object_map_update',
  'lock.lock',
  'lock.unlock',
  'lock.assert_locked',
]);

/** How Ceph prints one OSDOp inside `osd_op(... [..] ...)`. */
export function osdOpStr(o: OSDOp): string {
  switch (o.op) {
    case 'read':
    case 'sparse-read':
      return `${o.op} ${o.off}~${o.len}${o.fadvise ? ` [${o.fadvise}]` : ''}`;
    case 'stat':
    case 'delete':
      return o.op;
    case 'create':
      return o.exclusive ? 'create' : 'create';
    case 'write':
      return `write ${o.off}~${o.data.length}${o.fadvise ? ` [${o.fadvise}]` : ''}`;
    case 'writefull':
      return `writefull 0~${o.data.length}`;
    case 'append':
      return `append 0~${o.data.length}`;
    case 'set-alloc-hint':
      return `set-alloc-hint object_size ${o.objectSize} write_size ${o.writeSize}`;
    case 'call':
      return `call ${o.cls}.${o.method} in=${o.indata.length}b`;
  }
}

/** A compact, JSON-safe view of an OSDOp for trace `data` (payload bytes summarised). */
export function osdOpJson(o: OSDOp): Json {
  switch (o.op) {
    case 'write':
      return { op: 'write', off: o.off, len: o.data.length };
    case 'writefull':
    case 'append':
      return { op: o.op, len: o.data.length };
    case 'call':
      return { op: 'call', cls: o.cls, method: o.method, inlen: o.indata.length };
    case 'set-alloc-hint':
      return { op: o.op, object_size: o.objectSize, write_size: o.writeSize };
    case 'read':
    case 'sparse-read':
      return { op: o.op, off: o.off, len: o.len };
    default:
      return { op: o.op };
  }
}

/** One entry of a PG log (pg_log_entry_t, spec §7). */
export interface PgLogEntry {
  readonly op: 'modify' | 'delete' | 'error';
  readonly soid: HObject;
  readonly version: Eversion;
  readonly priorVersion: Eversion;
  readonly reqid: ReqId;
  readonly userVersion: number;
  readonly returnCode: number;
  /** Virtual ns of the write (mtime). */
  readonly mtime: number;
}

/** The ops vectors traced last (an op's vector is traced within a short span, then never). */
const opsJsons = new IdentityRing<readonly OSDOp[], Json>(64);

/**
 * `ops.map(osdOpJson)`, built once per ops vector: the same MOSDOp ops are traced by the
 * client (op_submit, _send_op) and the primary (ms_fast_dispatch, do_op, do_osd_ops). Trace
 * data is never mutated, so the events share the array.
 */
export function osdOpsJson(ops: readonly OSDOp[]): Json {
  return opsJsons.get(ops, buildOpsJson);
}

function buildOpsJson(ops: readonly OSDOp[]): Json {
  return ops.map(osdOpJson);
}
