import { describe, expect, it } from 'vitest';
import { IoError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { createMemoryBackend, type MemoryBackend } from '../memory-backend.ts';
import { PowerCutError, type PersistencePoint } from '../power.ts';
import { createScm, type Scm } from '../scm.ts';
import { createUmem, openUmem, type UmemPool } from './umem.ts';

const SCM_SIZE = 512 * 1024;
const ROOT = 256;

/** What the test believes is in the pool: live objects (off → bytes) and the root bytes. */
interface Model {
  objs: Map<number, Uint8Array>;
  root: Uint8Array;
}
const cloneModel = (m: Model): Model => ({
  objs: new Map([...m.objs].map(([k, v]) => [k, v.slice()])),
  root: m.root.slice(),
});

let template: Uint8Array | undefined;
/** Format a pool (once; later calls copy the formatted image). */
function fmt(backend: MemoryBackend): void {
  if (!template) {
    const b = createMemoryBackend(SCM_SIZE);
    createUmem(createScm({ id: 'scm', backend: b }), { rootSize: ROOT });
    template = b.bytes.slice();
  }
  backend.bytes.set(template);
}

/**
 * A random transaction workload. Returns the model after the last committed transaction and
 * the in-flight one (set while txCommit runs: a cut there may land either way).
 */
function workload(
  pool: UmemPool,
  rng: Rng,
  txs: number,
  start: Model,
  state: { committed: Model; inflight: Model | null },
  /** Large transactions: many ops, big objects and big added ranges (undo log extensions). */
  big = false,
): void {
  const scm = pool.scm;
  state.committed = cloneModel(start);
  for (let t = 0; t < txs; t++) {
    const m = cloneModel(state.committed);
    pool.txBegin();
    const nops = big ? rng.int(4, 14) : rng.int(1, 5);
    let failed = false;
    for (let i = 0; i < nops && !failed; i++) {
      const kind = rng.int(0, 9);
      const live = [...m.objs.keys()];
      if (kind <= 3 || live.length === 0) {
        const size = big
          ? rng.int(2000, 24000)
          : rng.chance(0.05)
            ? rng.int(40000, 70000)
            : rng.int(1, 3000);
        try {
          pool.txBegin(); // nested
          const off = pool.txAlloc(size, rng.chance(0.5));
          const data = rng.bytes(size);
          scm.write(off, data);
          m.objs.set(off, data);
          pool.txCommit();
        } catch (e) {
          if (!(e instanceof IoError)) throw e;
          pool.txAbort();
          failed = true;
        }
      } else if (kind <= 6) {
        const off = rng.pick(live);
        const obj = m.objs.get(off) as Uint8Array;
        const s = rng.int(0, obj.length - 1);
        const len = rng.int(1, Math.min(big ? 20000 : 200, obj.length - s));
        pool.txAddRange(off + s, len);
        const data = rng.bytes(len);
        scm.write(off + s, data);
        obj.set(data, s);
      } else if (kind === 7) {
        const s = rng.int(0, ROOT - 8);
        pool.txAddRange(pool.rootOff + s, 8);
        const data = rng.bytes(8);
        scm.write(pool.rootOff + s, data);
        m.root.set(data, s);
      } else {
        const off = rng.pick(live);
        pool.txFree(off);
        m.objs.delete(off);
      }
    }
    if (failed || rng.chance(0.15)) {
      pool.txAbort(); // after a failed inner tx this only closes the outer level
      continue;
    }
    state.inflight = m;
    pool.txCommit();
    state.inflight = null;
    state.committed = m;
  }
}

/** Why the pool differs from the model, or null when it matches (no expect: diffs are slow). */
function diffPool(pool: UmemPool, m: Model): string | null {
  const blocks = pool.heapWalk();
  const offs = blocks.map((b) => b.off).sort((a, b) => a - b);
  const want = [...m.objs.keys()].sort((a, b) => a - b);
  // No leak, no phantom: the allocations are exactly the live objects.
  if (offs.join() !== want.join())
    return `allocations ${offs.join()} != live objects ${want.join()}`;
  const sorted = [...blocks].sort((a, b) => a.off - b.off);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.off < sorted[i - 1]!.off + sorted[i - 1]!.size)
      return `overlap at ${sorted[i]!.off}`;
  }
  const total = blocks.reduce((a, b) => a + b.size, 0);
  if (pool.usedBytes !== total) return `usedBytes ${pool.usedBytes} != ${total}`;
  for (const [off, data] of m.objs) {
    if (pool.allocSize(off) < data.length) return `object ${off} too small`;
    if (!sameBytes(pool.scm.read(off, data.length), data)) return `object ${off} content`;
  }
  if (!sameBytes(pool.scm.read(pool.rootOff, ROOT), m.root)) return 'root content';
  return null;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function checkPool(pool: UmemPool, m: Model): void {
  expect(diffPool(pool, m)).toBeNull();
}

const emptyModel = (): Model => ({ objs: new Map(), root: new Uint8Array(ROOT) });

/** An SCM over `backend` whose k-th persistence point cuts the power (tearing seeded). */
function scmCutAt(backend: MemoryBackend, seed: number, k: number): Scm {
  const scm = createScm({ id: 'scm', backend, rng: new Rng(seed * 1000 + k) });
  let n = 0;
  scm.persistenceHook = (_p: PersistencePoint) => {
    if (n++ === k) {
      scm.powerCut();
      throw new PowerCutError(scm.id);
    }
  };
  return scm;
}

describe('umem', () => {
  it('commit makes a transaction durable; abort restores every added range', () => {
    const backend = createMemoryBackend(SCM_SIZE);
    const scm = createScm({ id: 'scm', backend });
    const pool = createUmem(scm, { rootSize: ROOT });
    pool.txBegin();
    const a = pool.txAlloc(100, true);
    scm.writeU32(a, 42);
    pool.txAddRange(pool.rootOff, 8);
    scm.writeNum64(pool.rootOff, a);
    pool.txCommit();
    expect(pool.usedBytes).toBe(128);
    pool.txBegin();
    pool.txAddRange(a, 4);
    scm.writeU32(a, 43);
    pool.txFree(a);
    pool.txAbort();
    expect(scm.readU32(a)).toBe(42);
    expect(pool.allocSize(a)).toBe(128);
    // Nothing is lost by a cut after commit.
    scm.powerCut();
    const pool2 = openUmem(createScm({ id: 'scm', backend }));
    expect(pool2.scm.readNum64(pool2.rootOff)).toBe(a);
    expect(pool2.scm.readU32(a)).toBe(42);
    expect(pool2.heapWalk()).toEqual([{ off: a, size: 128 }]);
  });

  it('reservations are volatile until published; cancel returns them', () => {
    const backend = createMemoryBackend(SCM_SIZE);
    const scm = createScm({ id: 'scm', backend });
    const pool = createUmem(scm, { rootSize: ROOT });
    const free0 = pool.freeBytes;
    const r1 = pool.reserve(500);
    const r2 = pool.reserve(500);
    expect(r1.size).toBe(512);
    expect(r2.off).not.toBe(r1.off);
    expect(pool.freeBytes).toBe(free0 - 1024);
    scm.fill(r1.off, r1.size, 0xab);
    scm.persist(r1.off, r1.size);
    pool.txBegin();
    pool.publish([r1]);
    pool.txCommit();
    pool.cancel([r2]);
    expect(pool.usedBytes).toBe(512);
    expect(pool.freeBytes).toBe(free0 - 512);
    const r3 = pool.reserve(64);
    scm.powerCut();
    const pool2 = openUmem(createScm({ id: 'scm', backend }));
    expect(pool2.heapWalk()).toEqual([{ off: r1.off, size: 512 }]);
    expect(() => pool2.allocSize(r3.off)).toThrow(IoError);
    expect(pool2.scm.readU8(r1.off + 511)).toBe(0xab);
  });

  it('NOSPACE leaves nothing half-allocated', () => {
    const backend = createMemoryBackend(SCM_SIZE);
    const pool = createUmem(createScm({ id: 'scm', backend }), { rootSize: ROOT });
    pool.txBegin();
    const before = pool.usedBytes;
    let rc = 0;
    try {
      pool.txAlloc(SCM_SIZE);
    } catch (e) {
      rc = (e as IoError).rc;
    }
    expect(rc).toBe(-1007);
    expect(pool.usedBytes).toBe(before);
    pool.txCommit();
    expect(pool.heapWalk()).toEqual([]);
    expect(() => pool.reserve(SCM_SIZE)).toThrow(/NOSPACE/);
  });

  it('rejects bad input: ranges outside the pool, double free, use outside a tx', () => {
    const pool = createUmem(createScm({ id: 'scm', size: SCM_SIZE }), { rootSize: ROOT });
    expect(() => pool.txAddRange(pool.rootOff, 8)).toThrow(/outside a transaction/);
    pool.txBegin();
    expect(() => pool.txAddRange(0, 8)).toThrow(RangeError);
    expect(() => pool.txAddRange(SCM_SIZE - 4, 8)).toThrow(RangeError);
    const a = pool.txAlloc(64);
    pool.txCommit();
    pool.txBegin();
    pool.txFree(a);
    expect(() => pool.txFree(a)).toThrow(/double free/);
    expect(() => pool.txFree(a + 8)).toThrow(IoError);
    pool.txCommit();
    expect(() => pool.allocSize(a)).toThrow(IoError);
  });

  it('pmemcheck: a store in a transaction outside added ranges and new objects throws', () => {
    const scm = createScm({ id: 'scm', size: SCM_SIZE });
    const pool = createUmem(scm, { rootSize: ROOT, pmemcheck: true });
    pool.txBegin();
    const a = pool.txAlloc(64, true);
    scm.writeU32(a, 1); // new object: fine
    pool.txAddRange(pool.rootOff, 8);
    scm.writeNum64(pool.rootOff, a); // added: fine
    expect(() => scm.writeU32(pool.rootOff + 8, 1)).toThrow(/pmemcheck/);
    pool.txCommit();
    scm.writeU32(pool.rootOff + 8, 1); // outside a transaction nothing is checked
    const r = pool.reserve(100);
    pool.txBegin();
    scm.writeU32(r.off, 5); // reserved object: fine
    expect(() => scm.writeU32(a, 2)).toThrow(/pmemcheck/); // committed object, not added
    pool.txAbort();
  });

  it('open of a device without a pool fails with -DER_NONEXIST', () => {
    expect(() => openUmem(createScm({ id: 'scm', size: SCM_SIZE }))).toThrow(/DER_NONEXIST/);
  });

  it('property: a power cut at every persistence point recovers to a committed state', () => {
    const TXS = 12;
    let cuts = 0;
    for (let seed = 1; seed <= 4; seed++) {
      // Dry run: count the persistence points of this workload.
      const dry = createMemoryBackend(SCM_SIZE);
      fmt(dry);
      let points = 0;
      const dscm = createScm({ id: 'scm', backend: dry });
      dscm.persistenceHook = () => void points++;
      const st = { committed: emptyModel(), inflight: null as Model | null };
      workload(
        openUmem(dscm, { pmemcheck: true }),
        new Rng(seed).fork('work'),
        TXS,
        emptyModel(),
        st,
      );
      checkPool(openUmem(createScm({ id: 'scm', backend: dry })), st.committed);
      const stride = Math.max(1, Math.floor(points / 100));
      for (let k = 0; k < points; k += stride) {
        const backend = createMemoryBackend(SCM_SIZE);
        fmt(backend);
        const scm = scmCutAt(backend, seed, k);
        const state = { committed: emptyModel(), inflight: null as Model | null };
        expect(() =>
          workload(openUmem(scm), new Rng(seed).fork('work'), TXS, emptyModel(), state),
        ).toThrow(PowerCutError);
        cuts++;
        const pool = openUmem(createScm({ id: 'scm', backend }));
        if (state.inflight && diffPool(pool, state.inflight) === null) continue;
        checkPool(pool, state.committed);
        // The recovered pool keeps working.
        const after = { committed: emptyModel(), inflight: null as Model | null };
        workload(pool, new Rng(seed).fork('after'), 3, state.committed, after);
        checkPool(openUmem(createScm({ id: 'scm', backend })), after.committed);
      }
    }
    expect(cuts).toBeGreaterThan(300);
  });

  it('the undo log grows into heap chunks for a big transaction and gives them back', () => {
    const backend = createMemoryBackend(2 << 20);
    const pool = createUmem(createScm({ id: 'scm', backend }), { rootSize: ROOT, ulogSize: 4096 });
    const before = pool.freeBytes;
    pool.txBegin();
    const off = pool.txAlloc(60000);
    pool.txCommit();
    pool.txBegin();
    pool.txAddRange(off, 60000); // 15× the main log: three extension chunks
    expect(pool.undoLogExtensions).toBeGreaterThanOrEqual(1);
    expect(pool.undoLogUsed).toBeGreaterThan(60000);
    pool.scm.fill(off, 60000, 7);
    pool.txCommit();
    expect(pool.undoLogExtensions).toBe(0);
    expect(pool.heapWalk()).toEqual([{ off, size: 65536 }]); // the extensions are free again
    expect(pool.freeBytes).toBe(before - 65536);
    // An abort uses and frees them the same way, and restores every byte.
    pool.txBegin();
    pool.txAddRange(off, 60000);
    pool.scm.fill(off, 60000, 9);
    pool.txAbort();
    expect(pool.scm.read(off, 60000).every((b) => b === 7)).toBe(true);
    expect(pool.heapWalk()).toHaveLength(1);
    // No chunk left to grow into: -DER_NOSPACE, the transaction aborts cleanly.
    const fill: number[] = [];
    pool.txBegin();
    for (;;) {
      try {
        fill.push(pool.txAlloc(65536));
      } catch {
        break;
      }
    }
    pool.txCommit();
    pool.txBegin();
    expect(() => pool.txAddRange(off, 60000)).toThrow(/DER_NOSPACE/);
    pool.txAbort();
    expect(pool.scm.read(off, 60000).every((b) => b === 7)).toBe(true);
    expect(pool.heapWalk()).toHaveLength(1 + fill.length);
  });

  it('property: large transactions (undo log extensions), a power cut at every point', () => {
    const SIZE = 2 << 20;
    const TXS = 5;
    let cuts = 0;
    let grew = 0;
    const base = createMemoryBackend(SIZE);
    createUmem(createScm({ id: 'scm', backend: base }), { rootSize: ROOT, ulogSize: 4096 });
    for (let seed = 1; seed <= 3; seed++) {
      const dry = createMemoryBackend(SIZE);
      dry.bytes.set(base.bytes);
      let points = 0;
      const dscm = createScm({ id: 'scm', backend: dry });
      dscm.persistenceHook = () => void points++;
      const st = { committed: emptyModel(), inflight: null as Model | null };
      const dpool = openUmem(dscm, { pmemcheck: true });
      const ext = dpool as unknown as { ulog: { extensionsUsed: number } };
      workload(dpool, new Rng(seed).fork('big'), TXS, emptyModel(), st, true);
      grew += ext.ulog.extensionsUsed;
      checkPool(openUmem(createScm({ id: 'scm', backend: dry })), st.committed);
      const stride = Math.max(1, Math.floor(points / 90));
      for (let k = 0; k < points; k += stride) {
        const backend = createMemoryBackend(SIZE);
        backend.bytes.set(base.bytes);
        const scm = scmCutAt(backend, seed, k);
        const state = { committed: emptyModel(), inflight: null as Model | null };
        expect(() =>
          workload(openUmem(scm), new Rng(seed).fork('big'), TXS, emptyModel(), state, true),
        ).toThrow(PowerCutError);
        cuts++;
        // Recovery frees the extensions: no leaked chunk (diffPool: allocations = objects).
        const pool = openUmem(createScm({ id: 'scm', backend }));
        if (state.inflight && diffPool(pool, state.inflight) === null) continue;
        checkPool(pool, state.committed);
      }
    }
    expect(grew).toBeGreaterThan(5); // the workload really needed extensions
    expect(cuts).toBeGreaterThan(200);
  });
});
