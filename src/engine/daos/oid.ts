/**
 * Object ids (spec daos-io-path.md §1.2): 128 bits, `{hi, lo}`. DAOS owns the top 32 bits of
 * `hi`: type (63..56), redundancy "ord" (55..48), group count (47..32). `daos_obj_generate_oid`
 * fits the class to the pool (`daos_oclass_fit_max`) and writes those bits.
 */
import { derError } from '../core/errors.ts';
import { u64Hex } from '../core/bytes.ts';
import { GRP_MAX, REDUN_BY_ORD, type RedunDef } from './constants.ts';

export interface ObjId {
  hi: bigint;
  lo: bigint;
}

export const OID_FMT_TYPE_SHIFT = 56n;
export const OID_FMT_CLASS_SHIFT = 48n;
export const OID_FMT_META_SHIFT = 32n;
const LOW32 = 0xffffffffn;

/** `daos_obj_set_oid`: keep the user bits, write type | ord | nr_grps into hi[63..32]. */
export function setOid(oid: ObjId, type: number, ord: number, nrGrps: number): ObjId {
  const hi =
    (oid.hi & LOW32) |
    (BigInt(type) << OID_FMT_TYPE_SHIFT) |
    (BigInt(ord) << OID_FMT_CLASS_SHIFT) |
    (BigInt(Math.min(nrGrps, 65535)) << OID_FMT_META_SHIFT);
  return { hi, lo: oid.lo };
}

export function oidType(oid: ObjId): number {
  return Number((oid.hi >> OID_FMT_TYPE_SHIFT) & 0xffn);
}
export function oidOrd(oid: ObjId): number {
  return Number((oid.hi >> OID_FMT_CLASS_SHIFT) & 0xffn);
}
export function oidGrpNr(oid: ObjId): number {
  return Number((oid.hi >> OID_FMT_META_SHIFT) & 0xffffn);
}
/** `daos_obj_id2class`: `(ord << 24) | nr_grps` — always the concrete group count. */
export function oidClass(oid: ObjId): number {
  return ((oidOrd(oid) << 24) | oidGrpNr(oid)) >>> 0;
}

/** The redundancy of an oid's class; unknown → -DER_INVAL (`obj_ioc_init_oca`). */
export function oidRedun(oid: ObjId): RedunDef {
  const r = REDUN_BY_ORD.get(oidOrd(oid));
  if (!r) throw derError('INVAL', `unknown object class ord ${oidOrd(oid)}`);
  return r;
}

/** `{hi, lo}` as 16-hex-digit strings (the scenario result format). */
export function oidJson(oid: ObjId): { hi: string; lo: string } {
  return { hi: u64Hex(oid.hi).slice(2), lo: u64Hex(oid.lo).slice(2) };
}

/** `hi.lo` in DAOS's log format (`DF_OID` prints `%lu.%lu`-ish; we use hex for readability). */
export function oidText(oid: ObjId): string {
  return `${u64Hex(oid.hi).slice(2)}.${u64Hex(oid.lo).slice(2)}`;
}

/**
 * `reserve_grp_by_rf`: groups held back as rebuild spare capacity.
 */
export function reserveGrpByRf(
  domainNr: number,
  targetNr: number,
  grpSize: number,
  rf: number,
): number {
  if (rf === 0 && domainNr < 16) return 0;
  const tgtPerDom = Math.floor(targetNr / domainNr);
  let reserved: number;
  if (domainNr < 16) reserved = rf;
  else if (domainNr < 32) reserved = rf + 1;
  else if (domainNr < 64) reserved = rf + 2;
  else if (domainNr < 128) reserved = Math.max(Math.ceil(domainNr * 0.04), rf + 2);
  else if (domainNr < 256) reserved = Math.max(Math.ceil(domainNr * 0.06), rf + 2);
  else reserved = Math.max(Math.ceil(domainNr * 0.08), rf + 2);
  const tgts = Math.min(reserved * tgtPerDom, targetNr - grpSize);
  return Math.ceil(Math.max(0, tgts) / grpSize);
}

/**
 * `daos_oclass_fit_max(cid, domain_nr, target_nr, &ord, &nr, rf)`: resolve the "X" group count
 * and check the class fits the pool.
 */
export function oclassFitMax(
  cid: number,
  domainNr: number,
  targetNr: number,
  rf: number,
): { ord: number; nr: number; redun: RedunDef } {
  const ord = (cid >>> 24) & 0xff;
  const redun = REDUN_BY_ORD.get(ord);
  if (!redun) throw derError('INVAL', `unknown object class 0x${cid.toString(16)}`);
  let nr = cid & 0xffff;
  const grpSize = redun.grpSize;
  if (nr === GRP_MAX) {
    nr = Math.max(1, Math.floor(targetNr / grpSize));
    const reserve = reserveGrpByRf(domainNr, targetNr, grpSize, rf);
    if (nr > reserve) nr -= reserve;
  }
  if (grpSize > domainNr) {
    throw derError('INVAL', `group size ${grpSize} > ${domainNr} fault domains`);
  }
  if (nr * grpSize > targetNr) {
    throw derError('INVAL', `${nr} groups × ${grpSize} shards > ${targetNr} targets`);
  }
  return { ord, nr, redun };
}
