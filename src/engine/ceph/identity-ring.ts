/**
 * A tiny memo keyed by object identity that remembers only the last `size` keys. For values
 * derived from an immutable per-op structure that several events print within a short span
 * (an MOSDOp's ops, a pg_log_entry_t traced by the primary and both replicas). A WeakMap
 * would remember them all, but it costs more than recomputing (a miss ~0.7 µs, a hit ~0.2 µs,
 * and ephemeron work in every GC); here a hit is a short scan and a miss only recomputes.
 */
export class IdentityRing<K extends object, V> {
  private readonly keys: Array<K | undefined>;
  private readonly values: Array<V | undefined>;
  private next = 0;

  constructor(private readonly size: number) {
    this.keys = new Array<K | undefined>(size).fill(undefined);
    this.values = new Array<V | undefined>(size).fill(undefined);
  }

  /** The value remembered for `k`, else `make(k)` (remembered in place of the oldest). */
  get(k: K, make: (k: K) => V): V {
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] === k) return this.values[i] as V;
    const v = make(k);
    keys[this.next] = k;
    this.values[this.next] = v;
    this.next = (this.next + 1) % this.size;
    return v;
  }
}
