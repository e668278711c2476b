/**
 * Resumable enumeration (vos_iterate with an anchor; spec §1.8): dkeys of an object, akeys of a
 * dkey, visible extents of an array akey. Each call returns at most `nr` entries (and, with a
 * key buffer, only the keys that fit in it) and an anchor that the next call resumes from; the
 * anchor is EOF once the iterator ran off the end. A call may therefore return fewer entries
 * than asked — even none — without being at EOF.
 *
 * Key anchors hold the btree position of the last key returned (`da_buf` = its 16-byte hkey,
 * plus the full key so hashed-key collisions resume correctly); the next call probes the tree
 * for the first record strictly after it (BTR_PROBE_GT), so keys added or punched between
 * calls do not make the walk repeat or skip what is still visible. Keys come in the order VOS
 * iterates them: btree (hkey) order. Extent anchors hold the next record index.
 *
 * Every call records a read timestamp on the entity being enumerated (vos_ts_set_update), like
 * the one-shot listings in api.ts.
 */
import { toHex } from '../core/bytes.ts';
import { derError } from '../core/errors.ts';
import type { Json } from '../trace/event.ts';
import type { BKey, Cursor, DbTree } from './btree/btree.ts';
import type { EvTree } from './evtree.ts';
import { vosIlogFetch } from './ilog-update.ts';
import { NO_PUNCH, type IlogInfo, type PunchMark } from './ilog.ts';
import { tsPath } from './io-update.ts';
import { KREC, OBJ_DF, krecKey } from './layout.ts';
import {
  akeyValueTree,
  dkeyAkeyTree,
  keyTreePrepare,
  objDkeyTree,
  objKeyKinds,
  oiFind,
  type VosCont,
  type VosPool,
} from './pool.ts';
import type { VosOid, VosRecx } from './types.ts';

/** daos_anchor_t.da_type */
export const DAOS_ANCHOR_TYPE_ZERO = 0;
export const DAOS_ANCHOR_TYPE_HKEY = 1;
export const DAOS_ANCHOR_TYPE_KEY = 2;
export const DAOS_ANCHOR_TYPE_EOF = 3;
export const ANCHOR_TYPE_NAMES = [
  'DAOS_ANCHOR_TYPE_ZERO',
  'DAOS_ANCHOR_TYPE_HKEY',
  'DAOS_ANCHOR_TYPE_KEY',
  'DAOS_ANCHOR_TYPE_EOF',
] as const;

/** A VOS iterator anchor (the `da_type` + `da_buf` part of daos_anchor_t). */
export interface VosAnchor {
  readonly type: number;
  /** Key iterators: hkey and full key of the last key returned. */
  readonly hkey?: Uint8Array;
  readonly key?: Uint8Array;
  /** Extent iterator: the first record index not yet returned. */
  readonly idx?: bigint;
}

export const ANCHOR_ZERO: VosAnchor = { type: DAOS_ANCHOR_TYPE_ZERO };
export const ANCHOR_EOF: VosAnchor = { type: DAOS_ANCHOR_TYPE_EOF };

export function anchorIsEof(a: VosAnchor): boolean {
  return a.type === DAOS_ANCHOR_TYPE_EOF;
}

export function anchorDump(a: VosAnchor): Json {
  const out: { [k: string]: Json } = { da_type: ANCHOR_TYPE_NAMES[a.type] ?? a.type };
  if (a.hkey !== undefined) out.da_buf = toHex(a.hkey);
  if (a.idx !== undefined) out.da_buf = '0x' + a.idx.toString(16);
  return out;
}

export interface KeyPage {
  keys: Uint8Array[];
  anchor: VosAnchor;
}

export interface RecxEntry {
  recx: VosRecx;
  epoch: bigint;
  rsize: number;
}

export interface RecxPage {
  recxs: RecxEntry[];
  anchor: VosAnchor;
}

/** How much one call may return: `nr` entries (≥ 1) and optionally `bufLen` bytes of keys. */
export interface IterLimit {
  nr: number;
  /** The sgl's bytes for packed keys; a first key that does not fit → -DER_KEY2BIG. */
  bufLen?: number;
}

function checkLimit(lim: IterLimit): void {
  if (!(lim.nr >= 1)) throw derError('INVAL', `enumeration nr ${lim.nr} (must be ≥ 1)`);
}

/**
 * Walk `tree` from `anchor`, keeping the keys `visible` accepts, until `lim` is reached or the
 * tree ends. The anchor returned points at the last key returned (or EOF).
 */
function walkKeys(
  tree: DbTree | null,
  anchor: VosAnchor,
  lim: IterLimit,
  visible: (recOff: number) => boolean,
): KeyPage {
  checkLimit(lim);
  if (anchorIsEof(anchor) || tree === null) return { keys: [], anchor: ANCHOR_EOF };
  let c: Cursor | null;
  if (anchor.type === DAOS_ANCHOR_TYPE_ZERO) c = tree.probe('FIRST');
  else {
    if (anchor.hkey === undefined || anchor.key === undefined)
      throw derError('INVAL', 'key anchor without a position');
    const probe: BKey = { hkey: anchor.hkey, key: anchor.key };
    c = tree.probe('GT', probe);
  }
  const keys: Uint8Array[] = [];
  let used = 0;
  let last: VosAnchor | null = null;
  const mem = tree.mem;
  while (c !== null && c.valid) {
    const recOff = c.recOff;
    if (visible(recOff)) {
      if (keys.length >= lim.nr) return { keys, anchor: last ?? anchor };
      const key = krecKey(mem, recOff).slice();
      if (lim.bufLen !== undefined && used + key.length > lim.bufLen) {
        if (keys.length === 0)
          throw derError('KEY2BIG', `key of ${key.length} bytes does not fit in ${lim.bufLen}`);
        return { keys, anchor: last ?? anchor };
      }
      keys.push(key);
      used += key.length;
      // The tree's own hkey of this record: the probe key of the resume.
      last = { type: DAOS_ANCHOR_TYPE_HKEY, hkey: c.hkey.slice(), key };
    }
    if (!c.next()) break;
  }
  return { keys, anchor: ANCHOR_EOF };
}

/** The object if it is visible at `epoch` (with its ilog info), or null. */
export function objVisible(
  cont: VosCont,
  oid: VosOid,
  epoch: bigint,
): { off: number; info: IlogInfo } | null {
  const mem = cont.pool.mem;
  const off = oiFind(cont, oid);
  if (off === null) return null;
  const info = vosIlogFetch(mem, off + OBJ_DF.vo_ilog, epoch, NO_PUNCH);
  return info.visible ? { off, info } : null;
}

function keyVisible(pool: VosPool, recOff: number, epoch: bigint, parentPunch: PunchMark): boolean {
  return vosIlogFetch(pool.mem, recOff + KREC.kr_ilog, epoch, parentPunch).visible;
}

/** The visible dkey record of `dkey` at `epoch` (with its ilog info), or null. */
export function dkeyVisible(
  pool: VosPool,
  cont: VosCont,
  oid: VosOid,
  dkey: Uint8Array,
  epoch: bigint,
): { off: number; info: IlogInfo } | null {
  const mem = pool.mem;
  const obj = objVisible(cont, oid, epoch);
  if (obj === null) return null;
  const kinds = objKeyKinds(oid);
  const dtree = objDkeyTree(mem, obj.off, kinds.dkey, false);
  if (dtree === null) return null;
  const k = keyTreePrepare(mem, dtree, kinds.dkey, dkey, false, true);
  if (k === null) return null;
  const info = vosIlogFetch(mem, k.off + KREC.kr_ilog, epoch, obj.info.priorPunch);
  return info.visible ? { off: k.off, info } : null;
}

/** vos_iterate(VOS_ITER_DKEY) from `anchor`: the next visible dkeys of the object. */
export function vosIterateDkeys(
  pool: VosPool,
  cont: VosCont,
  oid: VosOid,
  epoch: bigint,
  anchor: VosAnchor,
  lim: IterLimit,
): KeyPage {
  pool.ts.read(tsPath(cont, oid), epoch, pool.rt.ids.next('vos.tx'));
  const obj = objVisible(cont, oid, epoch);
  if (obj === null) {
    checkLimit(lim);
    return { keys: [], anchor: ANCHOR_EOF };
  }
  const kinds = objKeyKinds(oid);
  const dtree = objDkeyTree(pool.mem, obj.off, kinds.dkey, false);
  return walkKeys(dtree, anchor, lim, (r) => keyVisible(pool, r, epoch, obj.info.priorPunch));
}

/** vos_iterate(VOS_ITER_AKEY) from `anchor`: the next visible akeys of one dkey. */
export function vosIterateAkeys(
  pool: VosPool,
  cont: VosCont,
  oid: VosOid,
  dkey: Uint8Array,
  epoch: bigint,
  anchor: VosAnchor,
  lim: IterLimit,
): KeyPage {
  pool.ts.read(tsPath(cont, oid, dkey), epoch, pool.rt.ids.next('vos.tx'));
  const dk = dkeyVisible(pool, cont, oid, dkey, epoch);
  if (dk === null) {
    checkLimit(lim);
    return { keys: [], anchor: ANCHOR_EOF };
  }
  const kind = objKeyKinds(oid).akey;
  const atree = dkeyAkeyTree(pool.mem, dk.off, kind, false);
  return walkKeys(atree, anchor, lim, (r) => keyVisible(pool, r, epoch, dk.info.priorPunch));
}

/**
 * vos_iterate(VOS_ITER_RECX) from `anchor`: the next visible, non-hole extent pieces of an array
 * akey in index order (each piece as the evtree's visibility query cuts it).
 */
export function vosIterateRecx(
  pool: VosPool,
  cont: VosCont,
  oid: VosOid,
  dkey: Uint8Array,
  akey: Uint8Array,
  epoch: bigint,
  anchor: VosAnchor,
  lim: IterLimit,
): RecxPage {
  checkLimit(lim);
  pool.ts.read(tsPath(cont, oid, dkey, akey), epoch, pool.rt.ids.next('vos.tx'));
  if (anchorIsEof(anchor)) return { recxs: [], anchor: ANCHOR_EOF };
  const mem = pool.mem;
  const dk = dkeyVisible(pool, cont, oid, dkey, epoch);
  if (dk === null) return { recxs: [], anchor: ANCHOR_EOF };
  const kind = objKeyKinds(oid).akey;
  const atree = dkeyAkeyTree(mem, dk.off, kind, false);
  const ak = atree === null ? null : keyTreePrepare(mem, atree, kind, akey, false, false);
  if (ak === null) return { recxs: [], anchor: ANCHOR_EOF };
  const ainfo = vosIlogFetch(mem, ak.off + KREC.kr_ilog, epoch, dk.info.priorPunch);
  if (!ainfo.visible) return { recxs: [], anchor: ANCHOR_EOF };
  const evt = akeyValueTree(mem, ak.off, 'array', false) as EvTree | null;
  if (evt === null) return { recxs: [], anchor: ANCHOR_EOF };
  const from = anchor.type === DAOS_ANCHOR_TYPE_ZERO ? 0n : (anchor.idx ?? 0n);
  const pieces = evt
    .find(from, 0xffff_ffff_ffff_ffffn, epoch, ainfo.priorPunch, ainfo.create)
    .filter((v) => !v.hole);
  const recxs: RecxEntry[] = pieces.slice(0, lim.nr).map((v) => ({
    recx: { idx: v.lo, nr: Number(v.hi - v.lo + 1n) },
    epoch: v.epoch,
    rsize: v.inob,
  }));
  if (pieces.length <= lim.nr) return { recxs, anchor: ANCHOR_EOF };
  const lastR = recxs[recxs.length - 1] as RecxEntry;
  return {
    recxs,
    anchor: { type: DAOS_ANCHOR_TYPE_HKEY, idx: lastR.recx.idx + BigInt(lastR.recx.nr) },
  };
}
