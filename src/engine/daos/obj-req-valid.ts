/**
 * `obj_req_valid` (client-side checks of an update/fetch, spec §1.11 "Client-side validation",
 * in that order). Throws IoError with the real code of the first failed check.
 */
import { derError } from '../core/errors.ts';
import { COND_FLAGS, OO_WRITE_MASK, otypeAkeyIsUint64, otypeDkeyIsUint64 } from './constants.ts';
import type { ObjHandle } from './cluster.ts';
import { sglBufSize, type DaosIod, type Sgl } from './io-types.ts';
import { oidType } from './oid.ts';

const C = COND_FLAGS;
const PARITY_BIT = 2 ** 63;

export function objReqValid(
  oh: ObjHandle | undefined,
  isUpdate: boolean,
  flags: number,
  dkey: Uint8Array,
  iods: readonly DaosIod[],
  sgls: readonly (Sgl | null)[] | null,
): ObjHandle {
  // 1. invalid object handle
  if (!oh) throw derError('NO_HDL', 'object handle is not open');
  // 2. conditional-flag combinations (§1.10)
  if (isUpdate) {
    if (flags & (C.DAOS_COND_PUNCH | C.DAOS_COND_DKEY_FETCH | C.DAOS_COND_AKEY_FETCH)) {
      throw derError('INVAL', 'update with a punch/fetch condition');
    }
    if (
      flags & C.DAOS_COND_PER_AKEY &&
      flags & (C.DAOS_COND_AKEY_UPDATE | C.DAOS_COND_AKEY_INSERT)
    ) {
      throw derError('INVAL', 'DAOS_COND_PER_AKEY with a global akey condition');
    }
  } else {
    const bad =
      C.DAOS_COND_PUNCH |
      C.DAOS_COND_DKEY_INSERT |
      C.DAOS_COND_DKEY_UPDATE |
      C.DAOS_COND_AKEY_INSERT |
      C.DAOS_COND_AKEY_UPDATE;
    if (flags & bad) throw derError('INVAL', 'fetch with an insert/update/punch condition');
    if (flags & C.DAOS_COND_PER_AKEY && flags & C.DAOS_COND_AKEY_FETCH) {
      throw derError('INVAL', 'DAOS_COND_PER_AKEY with DAOS_COND_AKEY_FETCH');
    }
  }
  const type = oidType(oh.oid);
  // 3. dkey
  if (dkey.length === 0) throw derError('INVAL', 'empty dkey');
  if (otypeDkeyIsUint64(type) && dkey.length !== 8)
    throw derError('INVAL', 'uint64 dkey must be 8 bytes');
  // 4. nr == 0
  if (iods.length === 0) throw derError('INVAL', 'nr is 0');
  for (let i = 0; i < iods.length; i++) {
    const iod = iods[i] as DaosIod;
    // A NULL sgl inside a non-NULL sgl array holds no buffer at all.
    const sgl: Sgl | null = sgls ? (sgls[i] ?? { iovs: [], nrOut: 0 }) : null;
    // 6. per iod
    if (iod.name.length === 0) throw derError('INVAL', `iods[${i}]: empty akey`);
    if (otypeAkeyIsUint64(type) && iod.name.length !== 8)
      throw derError('INVAL', `iods[${i}]: uint64 akey must be 8 bytes`);
    for (const r of iod.recxs ?? []) {
      if (r.idx >= PARITY_BIT) throw derError('INVAL', `iods[${i}]: rx_idx has bit 63 set`);
    }
    if (iod.type !== 1 && iod.type !== 2) {
      if (iod.type === 0 && iod.nr === 0 && !iod.recxs) continue;
      throw derError('INVAL', `iods[${i}]: bad iod_type ${iod.type}`);
    }
    if (iod.type === 2) {
      // 7. ARRAY
      if (iod.nr > 0 && iod.recxs === null)
        throw derError('INVAL', `iods[${i}]: array iod without recxs`);
      if (!sgls && iod.size !== 0)
        throw derError('INVAL', `iods[${i}]: no sgl for a non-zero record size`);
      const recxs = iod.recxs ?? [];
      if (iod.nr === 0 || recxs.length === 0) throw derError('INVAL', `iods[${i}]: iod_nr is 0`);
      if (recxs.length === 1 && (recxs[0] as { nr: number }).nr === 0)
        throw derError('INVAL', `iods[${i}]: rx_nr is 0`);
      const sorted = recxs.slice().sort((a, b) => a.idx - b.idx);
      for (let k = 0; k < sorted.length; k++) {
        const r = sorted[k] as { idx: number; nr: number };
        if (recxs.length >= 4 && r.nr === 0) throw derError('INVAL', `iods[${i}]: rx_nr is 0`);
        const next = sorted[k + 1];
        if (next && r.idx + r.nr > next.idx)
          throw derError('INVAL', `iods[${i}]: overlapping recxs`);
      }
      if (iod.size !== 0 && sgl) {
        let recs = 0;
        for (const r of recxs) recs += r.nr;
        if (iod.size * recs > sglBufSize(sgl))
          throw derError(
            'REC2BIG',
            `iods[${i}]: ${iod.size * recs} bytes > sgl buffer ${sglBufSize(sgl)}`,
          );
      }
    } else {
      // 8. SINGLE
      if (iod.nr !== 1) throw derError('INVAL', `iods[${i}]: iod_nr must be 1 for a single value`);
      if (!sgl && isUpdate && iod.size !== 0)
        throw derError('INVAL', `iods[${i}]: no sgl for a non-zero single value`);
      if (iod.size !== 0 && sgl && iod.size > sglBufSize(sgl)) {
        throw derError(
          'REC2BIG',
          `iods[${i}]: value of ${iod.size} bytes > sgl buffer ${sglBufSize(sgl)}`,
        );
      }
    }
  }
  // 9. modification on a read-only handle
  if (isUpdate && (oh.mode & OO_WRITE_MASK) === 0)
    throw derError('NO_PERM', 'object opened read-only');
  return oh;
}
