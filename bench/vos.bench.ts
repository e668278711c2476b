/**
 * VOS speed (issue #4):
 *  - 1 KiB single-value updates/s through the whole VOS update path (trees in SCM bytes,
 *    umem undo-log transactions, memory backend, tracing on: every event kept);
 *  - the same keys inserted into a plain in-memory B+tree (JS objects, order 20): the
 *    reference the VOS rate is compared with (ratio = vos updates/s ÷ btree inserts/s);
 *  - 100 000 distinct dkeys in one object (spec S6): update all, fetch all back;
 *  - SCM bytes used per 1 KiB update (a ratio counter: reported as its mean per run,
 *    `mean_per_run`, not divided by time).
 */
import { createRuntime } from '../src/engine/core/runtime.ts';
import { createVosTarget } from '../src/engine/vos/target.ts';
import { svIod, Vos, wrap } from '../src/engine/vos/test-helpers.ts';
import type { Benchmark } from './types.ts';

const N = 1000;
const keys = Array.from({ length: N }, (_, i) => `dkey-${(i * 7919) % N}`);
const value = Uint8Array.from({ length: 1024 }, (_, i) => (i * 13) & 0xff);

/** A textbook in-memory B+tree (sorted arrays per node), the baseline. */
class PlainBTree {
  private root: { leaf: boolean; keys: string[]; kids: unknown[] } = {
    leaf: true,
    keys: [],
    kids: [],
  };
  constructor(private readonly order = 20) {}

  insert(key: string, val: unknown): void {
    const split = this.ins(this.root, key, val);
    if (split) this.root = { leaf: false, keys: [split.key], kids: [this.root, split.node] };
  }

  private ins(
    n: { leaf: boolean; keys: string[]; kids: unknown[] },
    key: string,
    val: unknown,
  ): { key: string; node: typeof n } | null {
    let lo = 0;
    let hi = n.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((n.keys[mid] as string) < key) lo = mid + 1;
      else hi = mid;
    }
    if (n.leaf) {
      if (n.keys[lo] === key) {
        n.kids[lo] = val;
        return null;
      }
      n.keys.splice(lo, 0, key);
      n.kids.splice(lo, 0, val);
    } else {
      const idx = lo < n.keys.length && n.keys[lo] === key ? lo + 1 : lo;
      const s = this.ins(n.kids[idx] as typeof n, key, val);
      if (!s) return null;
      n.keys.splice(idx, 0, s.key);
      n.kids.splice(idx + 1, 0, s.node);
    }
    if (n.keys.length <= this.order) return null;
    const mid = n.keys.length >> 1;
    if (n.leaf) {
      const right = { leaf: true, keys: n.keys.splice(mid), kids: n.kids.splice(mid) };
      return { key: right.keys[0] as string, node: right };
    }
    const upKey = n.keys[mid] as string;
    const right = { leaf: false, keys: n.keys.splice(mid + 1), kids: n.kids.splice(mid + 1) };
    n.keys.pop();
    return { key: upKey, node: right };
  }
}

function freshVos(scmBytes: number, keep: boolean): { v: Vos; used: () => number } {
  const rt = createRuntime(1);
  rt.trace.keep = keep;
  const target = createVosTarget({
    rt,
    actor: 'engine0.tgt0',
    scmBytes,
    nvmeBlocks: 4096,
    mediaTrace: keep,
  });
  const t = wrap(rt, target.pool);
  return { v: new Vos(t), used: () => target.umem.usedBytes };
}

export const benchmarks: Benchmark[] = [
  {
    name: `VOS 1 KiB SV update ×${N} (trees in SCM, tracing on)`,
    run() {
      const { v, used } = freshVos(64 << 20, true);
      const before = used();
      let e = 1;
      for (const k of keys)
        if (v.update(e++, k, [svIod('a', 1024)], [value]) !== 0) throw new Error('update failed');
      return { updates: N, scm_bytes_per_update: (used() - before) / N };
    },
    minMs: 3000,
    // Steady state, like the baseline's: V8 keeps re-optimising the update path for ~5 runs.
    warmupRuns: 6,
  },
  {
    name: `plain in-memory B+tree insert ×${N} (same keys)`,
    run() {
      const t = new PlainBTree(20);
      for (const k of keys) t.insert(k, value);
      return { inserts: N };
    },
    warmupRuns: 6,
  },
  {
    // The harness does a warm-up run plus ≥ 3 timed runs: each run adds 25 000 new dkeys to
    // the SAME object and fetches them back, so the object holds 100 000 dkeys after the
    // fourth run (spec S6). 100k-dkey total ≈ 4 × ms/run.
    name: '100k dkeys in one object, 25k per run: update + fetch back (tracing off)',
    run() {
      const M = 25_000;
      const small = new Uint8Array(8);
      const base = big.next;
      for (let i = base; i < base + M; i++) {
        new DataView(small.buffer).setUint32(0, i, true);
        if (big.v.update(i + 1, `d${i}`, [svIod('a', 8)], [small]) !== 0) throw new Error('update');
      }
      big.next += M;
      for (let i = base; i < base + M; i++) {
        const got = big.v.getSv(1_000_000, `d${i}`, 'a');
        if (got === null || new DataView(got.buffer).getUint32(0, true) !== i)
          throw new Error(`fetch d${i}`);
      }
      return { dkeys: M, total_dkeys_in_object: big.next };
    },
    minMs: 1,
  },
];

const big = { v: freshVos(512 << 20, false).v, next: 0 };
