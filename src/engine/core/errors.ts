/**
 * Return codes of the two simulated systems.
 *
 * DAOS: `enum daos_error_number` (GURT range from 1000, DAOS range from 2000); APIs return the
 * negative value (`-DER_NONEXIST` = -1005). Ceph: Linux errno values, negated (`-ENOENT` = -2).
 * Spec: daos-io-path.md §1.11, cross-checked against daos_errno.h.
 */

/** DAOS error numbers (positive; APIs return the negation). */
export const DER = {
  NO_PERM: 1001,
  NO_HDL: 1002,
  INVAL: 1003,
  EXIST: 1004,
  NONEXIST: 1005,
  UNREACH: 1006,
  NOSPACE: 1007,
  ALREADY: 1008,
  NOMEM: 1009,
  NOSYS: 1010,
  TIMEDOUT: 1011,
  BUSY: 1012,
  AGAIN: 1013,
  PROTO: 1014,
  UNINIT: 1015,
  TRUNC: 1016,
  OVERFLOW: 1017,
  CANCELED: 1018,
  OOG: 1019,
  HG: 1020,
  UNREG: 1021,
  ADDRSTR_GEN: 1022,
  PMIX: 1023,
  IVCB_FORWARD: 1024,
  MISC: 1025,
  BADPATH: 1026,
  NOTDIR: 1027,
  CORPC_INCOMPLETE: 1028,
  NO_RAS_RANK: 1029,
  NOTATTACH: 1030,
  MISMATCH: 1031,
  EXCLUDED: 1032,
  NOREPLY: 1033,
  DOS: 1034,
  BAD_TARGET: 1035,
  GRPVER: 1036,
  HLC_SYNC: 1037,
  NO_SHMEM: 1038,
  ADD_METRIC_FAILED: 1039,
  DURATION_MISMATCH: 1040,
  OP_NOT_PERMITTED: 1041,
  EXCEEDS_PATH_LEN: 1042,
  METRIC_NOT_FOUND: 1043,
  SHMEM_PERMS: 1044,
  HG_FATAL: 1045,
  QUOTA_LIMIT: 1046,
  IO: 2001,
  FREE_MEM: 2002,
  ENOENT: 2003,
  NOTYPE: 2004,
  NOSCHEMA: 2005,
  NOLOCAL: 2006,
  STALE: 2007,
  NOTLEADER: 2008,
  TGT_CREATE: 2009,
  EP_RO: 2010,
  EP_OLD: 2011,
  KEY2BIG: 2012,
  REC2BIG: 2013,
  IO_INVAL: 2014,
  EQ_BUSY: 2015,
  DOMAIN: 2016,
  SHUTDOWN: 2017,
  INPROGRESS: 2018,
  NOTAPPLICABLE: 2019,
  NOTREPLICA: 2020,
  CSUM: 2021,
  DF_INVAL: 2022,
  DF_INCOMPT: 2023,
  REC_SIZE: 2024,
  TX_RESTART: 2025,
  DATA_LOSS: 2026,
  OP_CANCELED: 2027,
  TX_BUSY: 2028,
  AGENT_INCOMPAT: 2029,
  NEED_TX: 2030,
  RF: 2031,
  FETCH_AGAIN: 2032,
  TX_UNCERTAIN: 2033,
  AGENT_COMM: 2034,
  ID_MISMATCH: 2035,
  TGT_RETRY: 2036,
  NOTSUPPORTED: 2037,
  CONTROL_INCOMPAT: 2038,
  NO_SERVICE: 2039,
  TX_ID_REUSED: 2040,
  UPDATE_AGAIN: 2041,
  NVME_IO: 2042,
  NO_CERT: 2043,
  BAD_CERT: 2044,
  VOS_PARTIAL_UPDATE: 2045,
  CHKPT_BUSY: 2046,
  DIV_BY_ZERO: 2047,
  OVERLOAD_RETRY: 2048,
  NOT_RESUME: 2049,
  CONT_NONEXIST: 2050,
  CONT_DESTROYING: 2051,
  IGNORE: 2052,
} as const;

export type DerName = keyof typeof DER;

/** Linux errno values used by Ceph (positive; Ceph returns the negation). */
export const ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  EIO: 5,
  ENXIO: 6,
  E2BIG: 7,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  EINVAL: 22,
  EFBIG: 27,
  ENOSPC: 28,
  EROFS: 30,
  EDOM: 33,
  ERANGE: 34,
  ENAMETOOLONG: 36,
  ENOSYS: 38,
  ENOTEMPTY: 39,
  ENODATA: 61,
  EOVERFLOW: 75,
  EOPNOTSUPP: 95,
  ENOTCONN: 107,
  ESHUTDOWN: 108,
  ETIMEDOUT: 110,
  EALREADY: 114,
  EINPROGRESS: 115,
  ESTALE: 116,
  EDQUOT: 122,
  ECANCELED: 125,
} as const;

export type ErrnoName = keyof typeof ERRNO;

const derByValue = new Map<number, string>(
  Object.entries(DER).map(([name, value]) => [value, `DER_${name}`]),
);
const errnoByValue = new Map<number, string>(
  Object.entries(ERRNO).map(([name, value]) => [value, name]),
);

/** Which table a return code belongs to. */
export type RcSystem = 'daos' | 'ceph';

/**
 * The name of a return code: 0 → "OK"; -1005 → "DER_NONEXIST"; -2 → "ENOENT".
 * Negative values ≥ 1000 are DAOS codes, smaller ones errno. Unknown → "UNKNOWN(-n)".
 */
export function rcName(rc: number): string {
  if (rc === 0) return 'OK';
  const abs = Math.abs(rc);
  const name = abs >= 1000 ? derByValue.get(abs) : errnoByValue.get(abs);
  return name ?? `UNKNOWN(${rc})`;
}

/** The negative return code for a DER name: `der('NONEXIST')` → -1005. */
export function der(name: DerName): number {
  return -DER[name];
}

/** The negative return code for an errno name: `errno('ENOENT')` → -2. */
export function errno(name: ErrnoName): number {
  return -ERRNO[name];
}

/**
 * An error carrying a real return code. Engine code throws it where the real system would
 * return an error up the stack; API boundaries catch it and return `rc`.
 */
export class IoError extends Error {
  readonly rc: number;
  readonly rcName: string;

  constructor(rc: number, detail?: string) {
    const name = rcName(rc);
    super(detail === undefined ? `${name} (${rc})` : `${name} (${rc}): ${detail}`);
    this.name = 'IoError';
    this.rc = rc;
    this.rcName = name;
  }
}

/** Throw a DAOS error: `throw derError('INVAL', 'iod_nr is 0')`. */
export function derError(name: DerName, detail?: string): IoError {
  return new IoError(der(name), detail);
}

/** Throw a Ceph errno error. */
export function errnoError(name: ErrnoName, detail?: string): IoError {
  return new IoError(errno(name), detail);
}

/** The rc of any thrown value: an IoError's code, otherwise rethrow (a bug, not an IO error). */
export function rcOf(err: unknown): number {
  if (err instanceof IoError) return err.rc;
  throw err;
}
