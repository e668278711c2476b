/**
 * How the inspector prints values, gdb-style: addresses and offsets in hex, sizes in bytes
 * plus human units, long strings clipped. Pure, so the rules are unit-tested.
 *
 * The engine already writes 64-bit ids and HLC epochs as hex strings; numbers are what we
 * decorate here, by the field's name (the same names the C structures use).
 */

/** Fields holding an address or an offset into a medium (`umoff`, `bio_addr.ba_off`, `addr`). */
const ADDRESS_KEY = /(^|_)(addr|address|ptr|off|offset|umoff|base|lba)$|^ba_off$|Addr$|Off(set)?$/;
/** Fields holding a byte count (`iod_size`, `rx_len`, `len`, `size`, `bytes`). */
const SIZE_KEY = /(^|_)(size|len|length|bytes|sz|nob)$|Size$|Len$|Bytes$/;

export function hex(n: number): string {
  return n < 0 ? `-0x${(-n).toString(16)}` : `0x${n.toString(16)}`;
}

export function humanBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  if (u === 0) return `${n} B`;
  const s = v.toFixed(2).replace(/\.?0+$/, '');
  return `${s} ${units[u]}`;
}

export type ValueClass = 'number' | 'string' | 'bool' | 'null' | 'address' | 'size';

export interface Formatted {
  text: string;
  /** A second reading of the same value (decimal for an address, units for a size). */
  note?: string;
  cls: ValueClass;
}

const MAX_STRING = 120;

export function formatScalar(key: string, value: unknown): Formatted {
  if (value === null || value === undefined) return { text: 'NULL', cls: 'null' };
  if (typeof value === 'boolean') return { text: value ? 'true' : 'false', cls: 'bool' };
  if (typeof value === 'number') {
    if (Number.isInteger(value) && ADDRESS_KEY.test(key)) {
      return { text: hex(value), note: String(value), cls: 'address' };
    }
    if (Number.isInteger(value) && SIZE_KEY.test(key)) {
      return value >= 1024
        ? { text: String(value), note: humanBytes(value), cls: 'size' }
        : { text: String(value), cls: 'size' };
    }
    return { text: String(value), cls: 'number' };
  }
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  if (s.length > MAX_STRING) {
    return {
      text: JSON.stringify(s.slice(0, MAX_STRING)).slice(0, -1) + '…"',
      note: `${s.length} chars`,
      cls: 'string',
    };
  }
  return { text: JSON.stringify(s), cls: 'string' };
}

/** One-line summary of a structure for its collapsed row, like gdb's `{…}` / `[N]`. */
export function summarize(value: unknown): string {
  if (Array.isArray(value)) return `[${value.length}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    const head = keys.slice(0, 3).join(', ');
    return keys.length > 3 ? `{${head}, …}` : `{${head}}`;
  }
  return '';
}

export function isBranch(value: unknown): value is object {
  return value !== null && typeof value === 'object';
}
