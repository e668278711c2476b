/**
 * Static argument checks for the DAOS ops of a scenario (`OpSpec.check`). Each returns the first
 * problem as "<path relative to the op>: <message>", or null.
 */
import { checkValue } from '../scenario/values.ts';
import type { OpDoc } from '../scenario/types.ts';
import { COND_FLAGS } from './constants.ts';

export type Check = string | null;

export function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isUint(v: unknown, max = Number.MAX_SAFE_INTEGER): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
}

/** Unknown argument names are typos: refuse them (`comment` is always allowed). */
export function onlyArgs(op: OpDoc, allowed: readonly string[]): Check {
  for (const k of Object.keys(op)) {
    if (k === 'op' || k === 'as' || k === 'comment') continue;
    if (!allowed.includes(k))
      return `${k}: unknown argument of ${op.op} (expected ${allowed.join(', ')})`;
  }
  return null;
}

export function needString(op: OpDoc, key: string): Check {
  const v = op[key];
  if (typeof v !== 'string' || v === '') return `${key}: expected a non-empty string`;
  return null;
}

export function needEnum(
  op: OpDoc,
  key: string,
  names: readonly string[],
  optional = false,
): Check {
  const v = op[key];
  if (v === undefined && optional) return null;
  if (typeof v !== 'string' || !names.includes(v)) {
    return `${key}: expected ${names.length <= 3 ? names.join(' or ') : 'one of ' + names.join(', ')}`;
  }
  return null;
}

/** A key: a string (its UTF-8 bytes) or a non-negative integer (8 bytes little-endian). */
export function checkKey(v: unknown, path: string): Check {
  if (typeof v === 'string') return null;
  if (isUint(v)) return null;
  return `${path}: expected a string or a non-negative integer`;
}

export function checkCondFlags(v: unknown, path: string): Check {
  if (v === undefined) return null;
  if (!Array.isArray(v)) return `${path}: expected a list of DAOS_COND_* names`;
  for (let i = 0; i < v.length; i++) {
    const f: unknown = v[i];
    if (typeof f !== 'string' || !(f in COND_FLAGS)) {
      return `${path}[${i}]: expected one of ${Object.keys(COND_FLAGS).join(', ')}`;
    }
  }
  return null;
}

const IOD_KEYS = ['akey', 'type', 'size', 'recxs', 'flags'];

/** `iods` of an update/fetch. */
export function checkIods(op: OpDoc): Check {
  const iods = op.iods;
  if (!Array.isArray(iods)) return 'iods: expected an array of {akey, type, size, recxs?}';
  for (let i = 0; i < iods.length; i++) {
    const p = `iods[${i}]`;
    const iod: unknown = iods[i];
    if (!isObj(iod)) return `${p}: expected an object {akey, type, size, recxs?}`;
    for (const k of Object.keys(iod)) if (!IOD_KEYS.includes(k)) return `${p}.${k}: unknown field`;
    const key = checkKey(iod.akey, `${p}.akey`);
    if (key) return key;
    if (iod.type !== 'DAOS_IOD_SINGLE' && iod.type !== 'DAOS_IOD_ARRAY') {
      return `${p}.type: expected DAOS_IOD_SINGLE or DAOS_IOD_ARRAY`;
    }
    if (!isUint(iod.size)) return `${p}.size: expected a non-negative integer`;
    if (iod.recxs !== undefined) {
      if (!Array.isArray(iod.recxs)) return `${p}.recxs: expected an array of {idx, nr}`;
      const recxs = iod.recxs as unknown[];
      for (let k = 0; k < recxs.length; k++) {
        const r = recxs[k];
        if (!isObj(r)) return `${p}.recxs[${k}]: expected {idx, nr}`;
        for (const f of Object.keys(r))
          if (f !== 'idx' && f !== 'nr') return `${p}.recxs[${k}].${f}: unknown field`;
        // rx_idx may be up to 2^64-1 in C; JSON numbers are exact to 2^53 and bit 63 (2^63)
        // is representable, so the client's parity-bit check can still be exercised.
        if (typeof r.idx !== 'number' || !Number.isInteger(r.idx) || r.idx < 0) {
          return `${p}.recxs[${k}].idx: expected a non-negative integer`;
        }
        if (!isUint(r.nr)) return `${p}.recxs[${k}].nr: expected a non-negative integer`;
      }
    }
    const fl = checkCondFlags(iod.flags, `${p}.flags`);
    if (fl) return fl;
  }
  return null;
}

/** `data` of an update: one value document (or null = no buffer) per iod. */
export function checkData(op: OpDoc): Check {
  if (op.data === undefined) return null; // sgls == NULL (punch by update with size 0)
  if (!Array.isArray(op.data)) return 'data: expected an array with one value per iod';
  const iods = op.iods as unknown[];
  if (op.data.length !== iods.length) {
    return `data: expected ${iods.length} value${iods.length === 1 ? '' : 's'} (one per iod), got ${op.data.length}`;
  }
  const data = op.data as unknown[];
  for (let i = 0; i < data.length; i++) {
    if (data[i] === null) continue;
    const p = checkValue(data[i], `data[${i}]`);
    if (p) return p;
  }
  return null;
}

/** Chain checks: the first problem wins. */
export function first(...checks: (() => Check)[]): Check {
  for (const c of checks) {
    const r = c();
    if (r) return r;
  }
  return null;
}

/**
 * The argument check every op on an open object starts with: only `obj` and `args` are known,
 * `obj` names a handle; then the op's own checks, first failure wins.
 */
export function objOpCheck(op: OpDoc, args: readonly string[], ...more: (() => Check)[]): Check {
  return first(
    () => onlyArgs(op, ['obj', ...args]),
    () => needString(op, 'obj'),
    ...more,
  );
}
