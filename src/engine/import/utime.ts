/**
 * Ceph `utime_t` as OpTracker prints it: `2026-11-21T22:33:24.358058+0000` (ISO 8601, a
 * fraction of 1..9 digits, a `+hhmm`/`-hhmm`/`Z` zone). Parsed without `Date` (banned in the
 * engine) into whole seconds since the epoch plus nanoseconds, so differences are exact even
 * when the dump carries nanosecond fractions (ns since 1970 would not fit a double).
 */

export interface Utime {
  /** Seconds since 1970-01-01T00:00:00Z (UTC). */
  sec: number;
  /** 0 … 999 999 999. */
  nsec: number;
}

const UTIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The time, or null when `s` is not a Ceph timestamp (the caller names the JSON path). */
export function parseUtime(s: string): Utime | null {
  const m = UTIME.exec(s);
  if (!m) return null;
  const [y, mo, d, h, mi, se] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (mo < 1 || mo > 12 || d < 1 || d > (DAYS_IN_MONTH[mo - 1] ?? 0)) return null;
  if (h > 23 || mi > 59 || se > 60) return null;
  const frac = m[7] ?? '';
  const nsec = frac === '' ? 0 : Number(frac.padEnd(9, '0'));
  let offset = 0;
  const z = m[8];
  if (z !== undefined && z !== 'Z') {
    const digits = z.replace(':', '');
    const oh = Number(digits.slice(1, 3));
    const om = Number(digits.slice(3, 5));
    if (oh > 23 || om > 59) return null;
    offset = (z.startsWith('-') ? -1 : 1) * (oh * 3600 + om * 60);
  }
  const sec = daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - offset;
  return { sec, nsec };
}

/** a − b in nanoseconds (exact for spans below ~104 days). */
export function diffNs(a: Utime, b: Utime): number {
  return (a.sec - b.sec) * 1e9 + (a.nsec - b.nsec);
}

export function compareUtime(a: Utime, b: Utime): number {
  return a.sec !== b.sec ? a.sec - b.sec : a.nsec - b.nsec;
}
