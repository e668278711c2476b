/**
 * VOS entry points as one call each, the way DAOS's VOS tests drive VOS (vos_obj_update,
 * vos_obj_fetch, vos_obj_punch, vos_iterate / enumeration, vos_obj_query_key). The update and
 * fetch run the same steps the object server runs (begin → prep → copy → post → end).
 */
import { IoError } from '../core/errors.ts';
import type { Proc } from '../core/sim.ts';
import { DAOS_PROP_CO_DEDUP_OFF, dedupCsumsOf, vosDedupVerify } from './dedup.ts';
import { vosIlogFetch } from './ilog-update.ts';
import { dkeyVisible, objVisible } from './iterate.ts';
import type { IlogInfo } from './ilog.ts';
import {
  bioIodCopyFetch,
  bioIodPrepFetch,
  vosFetchBegin,
  vosFetchEnd,
  type FetchRequest,
} from './io-fetch.ts';
import {
  bioIodCopyUpdate,
  bioIodPostUpdate,
  bioIodPrepUpdate,
  tsPath,
  vosUpdateBegin,
  vosUpdateEnd,
  type UpdateRequest,
} from './io-update.ts';
import { KREC, krecKey } from './layout.ts';
import {
  akeyValueTree,
  dkeyAkeyTree,
  objDkeyTree,
  objKeyKinds,
  type VosCont,
  type VosPool,
} from './pool.ts';
import type { EvTree } from './evtree.ts';
import { vosObjPunch, type PunchRequest } from './punch.ts';
import type { VosOid, VosRecx, VosSgl } from './types.ts';

/** vos_obj_update: the whole update path; throws IoError with the real rc. */
export function* vosObjUpdate(
  pool: VosPool,
  req: UpdateRequest,
  sgls: readonly (VosSgl | null)[],
): Proc<void> {
  // Dedup needs the client's extent checksums (computed for dedup even with checksums off).
  const dedup = req.rma === true && req.cont.dedup.type !== DAOS_PROP_CO_DEDUP_OFF;
  if (dedup && req.dedupCsums === undefined)
    req = { ...req, dedupCsums: dedupCsumsOf(req.cont.dedup, req.iods, sgls) };
  const ioc = yield* vosUpdateBegin(pool, req);
  try {
    yield* bioIodPrepUpdate(ioc);
    yield* bioIodCopyUpdate(ioc, sgls);
    if (ioc.dedup !== null) yield* vosDedupVerify(ioc);
    yield* bioIodPostUpdate(ioc);
  } catch (e) {
    if (!(e instanceof IoError)) throw e;
    yield* vosUpdateEnd(ioc, e.rc);
    throw e;
  }
  yield* vosUpdateEnd(ioc, 0);
}

/** vos_obj_fetch: sizes land in req.iods[i].size, data in the sgls. */
export function* vosObjFetch(
  pool: VosPool,
  req: FetchRequest,
  sgls: readonly (VosSgl | null)[] | null,
): Proc<void> {
  const ioc = yield* vosFetchBegin(pool, req);
  try {
    if (sgls !== null) {
      yield* bioIodPrepFetch(ioc);
      yield* bioIodCopyFetch(ioc, sgls);
    }
  } catch (e) {
    if (e instanceof IoError) yield* vosFetchEnd(ioc, e.rc);
    throw e;
  }
  yield* vosFetchEnd(ioc, 0);
}

export { vosObjPunch };
export type { PunchRequest, UpdateRequest, FetchRequest };

// ---- enumeration and query ----------------------------------------------------------------

/**
 * Listing is by incarnation log: a key is listed iff it is visible at the epoch (spec §1.8). A
 * key whose values were all punched by extent/zero-size updates is still listed until the key
 * itself is punched — which is why akey punch propagates to the dkey (§7.4).
 */
function visibleAkeys(
  pool: VosPool,
  dkrec: number,
  dinfo: IlogInfo,
  kind: 'hashed' | 'uint64' | 'lexical',
  epoch: bigint,
): { key: Uint8Array; off: number; info: IlogInfo }[] {
  const mem = pool.mem;
  const atree = dkeyAkeyTree(mem, dkrec, kind, false);
  if (atree === null) return [];
  const out: { key: Uint8Array; off: number; info: IlogInfo }[] = [];
  for (const r of atree.records()) {
    const info = vosIlogFetch(mem, r.recOff + KREC.kr_ilog, epoch, dinfo.priorPunch);
    if (info.visible) out.push({ key: krecKey(mem, r.recOff), off: r.recOff, info });
  }
  return out;
}

/** Visible dkeys at `epoch`, in tree order (vos_iterate VOS_ITER_DKEY); records an object read. */
export function vosListDkeys(
  pool: VosPool,
  cont: VosCont,
  oid: VosOid,
  epoch: bigint,
): Uint8Array[] {
  const mem = pool.mem;
  pool.ts.read(tsPath(cont, oid), epoch, pool.rt.ids.next('vos.tx'));
  const obj = objVisible(cont, oid, epoch);
  if (obj === null) return [];
  const kinds = objKeyKinds(oid);
  const dtree = objDkeyTree(mem, obj.off, kinds.dkey, false);
  if (dtree === null) return [];
  const out: Uint8Array[] = [];
  for (const r of dtree.records()) {
    const info = vosIlogFetch(mem, r.recOff + KREC.kr_ilog, epoch, obj.info.priorPunch);
    if (info.visible) out.push(krecKey(mem, r.recOff));
  }
  return out;
}

/** Visible akeys of a dkey at `epoch` (VOS_ITER_AKEY). */
export function vosListAkeys(
  pool: VosPool,
  cont: VosCont,
  oid: VosOid,
  dkey: Uint8Array,
  epoch: bigint,
): Uint8Array[] {
  pool.ts.read(tsPath(cont, oid, dkey), epoch, pool.rt.ids.next('vos.tx'));
  const dk = dkeyVisible(pool, cont, oid, dkey, epoch);
  if (dk === null) return [];
  return visibleAkeys(pool, dk.off, dk.info, objKeyKinds(oid).akey, epoch).map((a) => a.key);
}

/** Visible extents of an array akey (VOS_ITER_RECX, visible + non-hole, merged per entry). */
export function vosListRecx(
  pool: VosPool,
  cont: VosCont,
  oid: VosOid,
  dkey: Uint8Array,
  akey: Uint8Array,
  epoch: bigint,
): { recx: VosRecx; epoch: bigint; rsize: number }[] {
  const mem = pool.mem;
  const dk = dkeyVisible(pool, cont, oid, dkey, epoch);
  if (dk === null) return [];
  const ak = visibleAkeys(pool, dk.off, dk.info, objKeyKinds(oid).akey, epoch).find(
    (a) => a.key.length === akey.length && a.key.every((b, i) => b === akey[i]),
  );
  if (ak === undefined) return [];
  const evt = akeyValueTree(mem, ak.off, 'array', false) as EvTree | null;
  if (evt === null) return [];
  return evt
    .find(0n, 0xffff_ffff_ffff_ffffn, epoch, ak.info.priorPunch, ak.info.create)
    .filter((v) => !v.hole)
    .map((v) => ({
      recx: { idx: v.lo, nr: Number(v.hi - v.lo + 1n) },
      epoch: v.epoch,
      rsize: v.inob,
    }));
}

/** DAOS_GET_* flags of vos_obj_query_key. */
export const DAOS_GET_MAX = 1;
export const DAOS_GET_MIN = 2;
export const DAOS_GET_DKEY = 4;
export const DAOS_GET_AKEY = 8;
export const DAOS_GET_RECX = 16;

/**
 * vos_obj_query_key: the max (or min) visible dkey / akey / recx. Key bytes come back as
 * stored; recx is the highest (lowest) visible extent.
 */
export function vosQueryKey(
  pool: VosPool,
  cont: VosCont,
  oid: VosOid,
  flags: number,
  epoch: bigint,
  dkeyIn?: Uint8Array,
  akeyIn?: Uint8Array,
): { dkey?: Uint8Array; akey?: Uint8Array; recx?: VosRecx } | null {
  const max = (flags & DAOS_GET_MAX) !== 0;
  const pick = <T>(xs: T[]): T | undefined => (max ? xs[xs.length - 1] : xs[0]);
  let dkey = dkeyIn;
  if (flags & DAOS_GET_DKEY || dkey === undefined) {
    dkey = pick(vosListDkeys(pool, cont, oid, epoch));
    if (dkey === undefined) return null;
  }
  const out: { dkey?: Uint8Array; akey?: Uint8Array; recx?: VosRecx } = { dkey };
  if (!(flags & (DAOS_GET_AKEY | DAOS_GET_RECX))) return out;
  let akey = akeyIn;
  if (flags & DAOS_GET_AKEY || akey === undefined) {
    akey = pick(vosListAkeys(pool, cont, oid, dkey, epoch));
    if (akey === undefined) return null;
  }
  out.akey = akey;
  if (flags & DAOS_GET_RECX) {
    const r = pick(vosListRecx(pool, cont, oid, dkey, akey, epoch));
    if (r === undefined) return null;
    out.recx = r.recx;
  }
  return out;
}
