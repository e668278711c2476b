/**
 * Scenario pieces the DAOS tests share: connect, create and open a container, one object of a
 * given class bound to "o", and single-value put/get of akey "a" under a dkey.
 */
import type { OpDoc } from '../scenario/types.ts';

export function objSetup(oclass = 'OC_RP_3G1', opts: { pool?: string; lo?: number } = {}): OpDoc[] {
  const pool = opts.pool ?? 'p';
  // `lo` pins the object id's low bits, for tests whose expected output names the object.
  const lo = opts.lo === undefined ? {} : { lo: opts.lo };
  return [
    { op: 'daos_pool_connect', pool },
    { op: 'daos_cont_create', pool, cont: 'c' },
    { op: 'daos_cont_open', pool, cont: 'c' },
    {
      op: 'daos_obj_generate_oid',
      cont: 'c',
      otype: 'DAOS_OT_MULTI_HASHED',
      oclass,
      as: 'o',
      ...lo,
    },
    { op: 'daos_obj_open', obj: 'o', mode: 'DAOS_OO_RW' },
  ];
}

/** `daos_obj_update` of the single value `v` at dkey / akey "a" of object "o". */
export function putSv(dkey: string, v: string): OpDoc {
  return {
    op: 'daos_obj_update',
    obj: 'o',
    dkey,
    iods: [{ akey: 'a', type: 'DAOS_IOD_SINGLE', size: v.length }],
    data: [{ utf8: v }],
  };
}

/** `daos_obj_fetch` of akey "a" (size unknown: probe, then data). */
export function getSv(dkey: string): OpDoc {
  return {
    op: 'daos_obj_fetch',
    obj: 'o',
    dkey,
    iods: [{ akey: 'a', type: 'DAOS_IOD_SINGLE', size: 0 }],
  };
}
