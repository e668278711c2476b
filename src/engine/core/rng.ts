/**
 * Seeded, splittable pseudo-random number generator (xoshiro128**).
 *
 * Why not Math.random: the engine must give byte-identical traces for the same scenario and
 * seed on every machine. Why splittable: each component (a target, an OSD, the client) forks
 * its own stream by name, so adding randomness in one component does not shift the numbers
 * another component sees.
 */

/** 32-bit FNV-1a over a string: used only to turn labels into seed material. */
function fnv1a32(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** SplitMix32 step, used to expand a seed into the four words of xoshiro state. */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) >>> 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** The label path this stream was forked from; forks are a function of (seed, path). */
  readonly path: string;
  readonly seed: number;

  constructor(seed: number, path = '') {
    this.seed = seed >>> 0;
    this.path = path;
    const st = { s: fnv1a32(path, this.seed ^ 0x9e3779b9) };
    this.a = splitmix32(st);
    this.b = splitmix32(st);
    this.c = splitmix32(st);
    this.d = splitmix32(st);
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** An independent stream named `label`, a pure function of (seed, path, label). */
  fork(label: string): Rng {
    return new Rng(this.seed, this.path === '' ? label : `${this.path}/${label}`);
  }

  /** Next unsigned 32-bit integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.b << 9) >>> 0;
    this.c = (this.c ^ this.a) >>> 0;
    this.d = (this.d ^ this.b) >>> 0;
    this.b = (this.b ^ this.c) >>> 0;
    this.a = (this.a ^ this.d) >>> 0;
    this.c = (this.c ^ t) >>> 0;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform float in [0, 1) with 32 bits of randomness. */
  nextFloat(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [lo, hi] (inclusive), unbiased by rejection. */
  int(lo: number, hi: number): number {
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) {
      throw new RangeError(`Rng.int: bad range [${lo}, ${hi}]`);
    }
    const span = hi - lo + 1;
    if (span > 0x100000000) {
      // Two draws for spans wider than 32 bits (still exact below 2^53).
      const hiPart = this.int(0, Math.floor((span - 1) / 0x100000000));
      return lo + ((hiPart * 0x100000000 + this.nextU32()) % span);
    }
    const limit = 0x100000000 - (0x100000000 % span);
    let x = this.nextU32();
    while (x >= limit) x = this.nextU32();
    return lo + (x % span);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.nextFloat() < p;
  }

  /** Fill a new buffer with random bytes. */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      let w = this.nextU32();
      for (let j = 0; j < 4 && i + j < n; j++) {
        out[i + j] = w & 0xff;
        w >>>= 8;
      }
    }
    return out;
  }

  /** Pick one element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Rng.pick: empty array');
    return items[this.int(0, items.length - 1)] as T;
  }

  /** A 128-bit id as 32 lowercase hex digits (a deterministic stand-in for uuid_generate). */
  uuidHex(): string {
    let s = '';
    for (let i = 0; i < 4; i++) s += this.nextU32().toString(16).padStart(8, '0');
    return s;
  }
}
