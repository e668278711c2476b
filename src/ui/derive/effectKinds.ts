/**
 * Which effect kinds each event carries, as one 32-bit mask per event — built from the store's
 * raw effect bytes (no JSON decoding), so folds and logs that care about a few kinds (the SCM
 * map: `scm.*`, `tx.*`, `alloc`…; the sequence diagram: `msg.*`) jump over every other event
 * without building or decoding it. Most events have no effects at all; of those that do, a
 * view usually wants a fraction.
 *
 * Bits are handed out per trace in first-seen order: the first 31 distinct kinds get a bit of
 * their own, later ones share the overflow bit 31 (a filter that wants any overflowed kind
 * includes that bit: over-inclusion only costs a decode, never a wrong answer). An event whose
 * effects the scanner cannot read with certainty (a `kind` value with escapes, no `"kind"` key
 * at all) gets every bit. The mask is a filter, never the answer: readers still decode the
 * effects of the events it selects and check each effect's kind.
 *
 * The index grows with the trace (`upTo(n)` scans only what is new) and is rebuilt for a new
 * trace (the list's `identity`).
 */
import type { TraceEvent } from '../../protocol/index.ts';
import { eventList, type EventList, type Events } from './eventList.ts';

const OVERFLOW = 31;
export const ALL_KINDS = 0xffffffff;

/** A reader's interest: exact kinds (`"alloc"`) and prefixes ending in a dot (`"scm."`). */
export type KindFilter = readonly string[];

export class EffectKinds {
  /** masks[i] for i < done. */
  private masks = new Uint32Array(1024);
  private done = 0;
  /** kind → bit number. */
  private readonly bits = new Map<string, number>();
  private readonly byteKinds = new Map<string, number>();

  /**
   * Masks covering events [0, n) of `l` (n clamped to it; `l` is the trace this index belongs
   * to, or a longer list with the same prefix): scans what is not indexed yet.
   */
  upTo(l: EventList, n: number): Uint32Array {
    const to = Math.min(n, l.length);
    if (to > this.masks.length) {
      let cap = this.masks.length;
      while (cap < to) cap *= 2;
      const b = new Uint32Array(cap);
      b.set(this.masks.subarray(0, this.done));
      this.masks = b;
    }
    const m = this.masks;
    for (let i = this.done; i < to; i++) {
      if (l.hasEffects && !l.hasEffects(i)) {
        m[i] = 0;
        continue;
      }
      const raw = l.effectsBytes?.(i);
      m[i] = raw ? this.scan(raw) : this.decoded(l.get(i));
    }
    if (to > this.done) this.done = to;
    return m;
  }

  /** Number of events indexed so far. */
  get covered(): number {
    return this.done;
  }

  /** The mask of the kinds a filter names (as the bits stand now: call after upTo). */
  maskOf(filter: KindFilter): number {
    let mask = 1 << OVERFLOW;
    for (const [kind, bit] of this.bits) {
      for (const f of filter) {
        if (f.endsWith('.') ? kind.startsWith(f) : kind === f) {
          mask |= 1 << bit;
          break;
        }
      }
    }
    return mask >>> 0;
  }

  private bit(kind: string): number {
    let b = this.bits.get(kind);
    if (b === undefined) {
      b = Math.min(this.bits.size, OVERFLOW);
      this.bits.set(kind, b);
    }
    return b;
  }

  /** Plain event objects (tests, small arrays): the kinds of the decoded effects. */
  private decoded(e: TraceEvent | undefined): number {
    let m = 0;
    for (const f of e?.effects ?? []) m |= 1 << this.bit(f.kind);
    return m >>> 0;
  }

  /**
   * The kinds named in raw effect JSON: every `"kind"` key followed (after optional blanks) by
   * `:` and a string value. Quotes inside JSON strings are escaped, so `"kind"` with real quotes
   * is a key or a whole string value; a value is not followed by `:`.
   */
  private scan(raw: Uint8Array): number {
    let m = 0;
    let found = false;
    let p = 0;
    for (;;) {
      p = raw.indexOf(K, p);
      if (p < 0) break;
      const at = p;
      p++;
      if (
        raw[at - 1] !== QUOTE ||
        raw[at + 1] !== I ||
        raw[at + 2] !== N ||
        raw[at + 3] !== D ||
        raw[at + 4] !== QUOTE
      )
        continue;
      let q = skipBlanks(raw, at + 5);
      if (raw[q] !== COLON) continue;
      q = skipBlanks(raw, q + 1);
      if (raw[q] !== QUOTE) continue;
      const start = q + 1;
      const end = raw.indexOf(QUOTE, start);
      if (end < 0) return ALL_KINDS;
      let ascii = true;
      for (let k = start; k < end; k++)
        if (raw[k] === BACKSLASH || (raw[k] as number) > 0x7e) ascii = false;
      if (!ascii) return ALL_KINDS;
      let key = '';
      for (let k = start; k < end; k++) key += String.fromCharCode(raw[k] as number);
      let b = this.byteKinds.get(key);
      if (b === undefined) {
        b = this.bit(key);
        this.byteKinds.set(key, b);
      }
      m |= 1 << b;
      found = true;
      p = end + 1;
    }
    return found ? m >>> 0 : ALL_KINDS;
  }
}

const K = 0x6b;
const I = 0x69;
const N = 0x6e;
const D = 0x64;
const QUOTE = 0x22;
const COLON = 0x3a;
const BACKSLASH = 0x5c;

function skipBlanks(raw: Uint8Array, p: number): number {
  let q = p;
  for (;;) {
    const c = raw[q];
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) q++;
    else return q;
  }
}

/** By trace identity; a list whose identity is not an object (an empty array) gets a fresh one. */
const indexes = new WeakMap<object, EffectKinds>();

/** The kind index of a trace (one per trace identity, shared by every reader). */
export function effectKinds(given: Events): EffectKinds {
  const l = eventList(given);
  const id = l.identity;
  if (typeof id !== 'object' || id === null) return new EffectKinds();
  let k = indexes.get(id);
  if (!k) {
    k = new EffectKinds();
    indexes.set(id, k);
  }
  return k;
}

/** Warm the index in idle slices (state/warmer.ts): at most `maxEvents` more events per call. */
export const effectKindsWarmer = {
  warm(given: Events, maxEvents: number): boolean {
    const l = eventList(given);
    const k = effectKinds(l);
    const n = l.length;
    // Scanning is far cheaper than decoding: take bigger bites than the derivations.
    k.upTo(l, Math.min(n, k.covered + Math.max(1, maxEvents) * 16));
    return k.covered >= n;
  },
};
