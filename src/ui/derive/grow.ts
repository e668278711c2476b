/** Growable typed arrays for per-line / per-block state (devices are sized by what the trace touches). */

export function growU8(a: Uint8Array, need: number): Uint8Array {
  if (need <= a.length) return a;
  let cap = Math.max(64, a.length);
  while (cap < need) cap *= 2;
  const b = new Uint8Array(cap);
  b.set(a);
  return b;
}

/** A growable list of non-negative integers (e.g. lines waiting for a drain). */
export class IntList {
  constructor(
    public data: Int32Array = new Int32Array(16),
    public length = 0,
  ) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      const b = new Int32Array(this.data.length * 2);
      b.set(this.data);
      this.data = b;
    }
    this.data[this.length++] = v;
  }
  clear(): void {
    this.length = 0;
  }
  clone(): IntList {
    return new IntList(this.data.slice(0, Math.max(16, this.length)), this.length);
  }
}

/** Read a number field of an effect or data record (undefined when absent or not a number). */
export function num(o: { [k: string]: unknown } | undefined, k: string): number | undefined {
  const v = o?.[k];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function str(o: { [k: string]: unknown } | undefined, k: string): string | undefined {
  const v = o?.[k];
  return typeof v === 'string' ? v : undefined;
}

/**
 * Epochs are 64-bit HLC values (`"0x2307fb4757e00002"`, `"2524262400000000002"`): beyond 2^53,
 * so they are kept as bigint (a double would merge neighbouring epochs).
 */
export function toBig(v: unknown): bigint | undefined {
  try {
    if (typeof v === 'bigint') return v;
    if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
    if (typeof v === 'string' && /^(0x[0-9a-f]+|\d+)$/i.test(v)) return BigInt(v);
  } catch {
    return undefined;
  }
  return undefined;
}

/** An epoch as DAOS tools print it: small ones in decimal, HLC ones in hex. */
export function epochText(e: bigint): string {
  return e < 0x100000000n ? e.toString() : `0x${e.toString(16)}`;
}

export const cmpBig = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/** Parse the engine's hex/decimal strings (`"0x43030"`, `"21"`) and plain numbers. */
export function toNum(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v !== '') {
    const n = v.startsWith('0x') ? parseInt(v.slice(2), 16) : Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}
