/**
 * VOS tree classes (spec §7.1): class ids (DBTREE_VOS_BEGIN + n), orders and hkey sizes.
 * The key trees resolve hkey ties with the full key stored after the key record header.
 */
import type { VosMem } from '../mem.ts';
import type { TreeClass } from './btree.ts';
import { KREC_HDR, krecKeyLen } from '../layout.ts';

export const DBTREE_VOS_BEGIN = 10;
export const VOS_BTR_DKEY = DBTREE_VOS_BEGIN + 0;
export const VOS_BTR_AKEY = DBTREE_VOS_BEGIN + 1;
export const VOS_BTR_SINGV = DBTREE_VOS_BEGIN + 2;
export const VOS_BTR_OBJ_TABLE = DBTREE_VOS_BEGIN + 3;
export const VOS_BTR_CONT_TABLE = DBTREE_VOS_BEGIN + 4;

export const VOS_KTR_ORDER = 20;
export const VOS_SVT_ORDER = 5;
export const VOS_OBJ_ORDER = 15;
export const VOS_CONT_ORDER = 20;
export const VOS_EVT_ORDER = 15;

function krecCmp(mem: VosMem, recOff: number, key: Uint8Array): number {
  // compareBytes(stored key, key), compared in place.
  return mem.cmpBytes(recOff + KREC_HDR, krecKeyLen(mem, recOff), key);
}

export const dkeyClass: TreeClass = {
  id: VOS_BTR_DKEY,
  name: 'VOS_BTR_DKEY',
  hkeySize: 16,
  keyCmp: krecCmp,
};

export const akeyClass: TreeClass = {
  id: VOS_BTR_AKEY,
  name: 'VOS_BTR_AKEY',
  hkeySize: 16,
  keyCmp: krecCmp,
};

/** Single-value tree: hkey = epoch (BE u64) ‖ minor epoch (BE u16) ‖ pad — unique per record. */
export const svtClass: TreeClass = { id: VOS_BTR_SINGV, name: 'VOS_BTR_SINGV', hkeySize: 16 };

/** Object index: hkey = daos_unit_oid_t (hi, lo, shard, layout ver) big-endian, memcmp. */
export const oiClass: TreeClass = {
  id: VOS_BTR_OBJ_TABLE,
  name: 'VOS_BTR_OBJ_TABLE',
  hkeySize: 24,
};

/** Container table: hkey = the container uuid (16 bytes). */
export const contClass: TreeClass = {
  id: VOS_BTR_CONT_TABLE,
  name: 'VOS_BTR_CONT_TABLE',
  hkeySize: 16,
};
