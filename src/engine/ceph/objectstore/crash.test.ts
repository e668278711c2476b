/**
 * Crash consistency of both stores with their metadata on the device: a seeded workload of
 * transactions (writes at odd offsets, big direct writes, overwrites, truncates, removes,
 * xattrs, omap) on one collection, and a power cut at EVERY persistence point of the device
 * (each write completion and flush), with and without a volatile write cache. After a new
 * store mounts the powered-on device:
 *
 * - the state equals the reference model after exactly some prefix of the transactions (nothing
 *   half-applied), and that prefix holds every transaction whose commit was acknowledged;
 * - space is consistent (BlueStore: `_fsck` — freelist = onode blocks, no block owned twice;
 *   FileStore: no block owned twice, allocator used = owned);
 * - the mounted store keeps working: a new object written afterwards does not clobber anything.
 */
import { describe, expect, test } from 'vitest';
import { bytesEqual } from '../../core/bytes.ts';
import { Rng } from '../../core/rng.ts';
import { createRuntime, type Runtime } from '../../core/runtime.ts';
import { Future, type Proc, sleep } from '../../core/sim.ts';
import { armPowerCut } from '../../media/power-cut.ts';
import { PowerDomainNvme } from '../cluster/power-domain.ts';
import { BlueStore } from './bluestore.ts';
import { FileStore } from './filestore.ts';
import { newTransaction, type Transaction } from './transaction.ts';
import type { ObjectStore } from './types.ts';

const COLL = '1.0_head';
const DEV_BLOCKS = 1024;
const META_BLOCKS = 256;

type Kind = 'bluestore' | 'filestore';

interface ModelObj {
  data: Uint8Array;
  attrs: Map<string, Uint8Array>;
  omap: Map<string, Uint8Array>;
}
type Model = Map<string, ModelObj>;

function makeStore(kind: Kind, rt: Runtime, dev: PowerDomainNvme): ObjectStore {
  return kind === 'bluestore'
    ? new BlueStore(rt, 'osd.0', dev, { walBlocks: META_BLOCKS, deviceClass: 'hdd' })
    : new FileStore(rt, 'osd.0', dev, { journalBlocks: META_BLOCKS });
}

/** `n` pseudo-random bytes: one draw from the seeded Rng, then a cheap xorshift. */
function bytes(rng: Rng, n: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = rng.int(1, 0x7fffffff);
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

const workloads = new Map<number, Transaction[]>();

/** A seeded workload: 24 transactions over 4 objects (built once per seed). */
function workload(seed: number): Transaction[] {
  let w = workloads.get(seed);
  if (!w) {
    w = makeWorkload(seed);
    workloads.set(seed, w);
  }
  return w;
}

function makeWorkload(seed: number): Transaction[] {
  const rng = new Rng(seed, 'crash-workload');
  const out: Transaction[] = [];
  for (let i = 0; i < 24; i++) {
    const t = newTransaction(COLL);
    const oid = `obj${rng.int(0, 3)}`;
    const r = rng.int(0, 99);
    if (r < 45) {
      const off = rng.int(0, 20_000);
      t.ops.push(
        { op: 'touch', oid },
        { op: 'write', oid, off, data: bytes(rng, rng.int(1, 9000)) },
      );
    } else if (r < 55) {
      // a big write: BlueStore's direct (aio) path
      t.ops.push({ op: 'write', oid, off: 0, data: bytes(rng, 81920) });
    } else if (r < 65) {
      t.ops.push({ op: 'truncate', oid, size: rng.int(0, 12_000) });
    } else if (r < 72) {
      t.ops.push({ op: 'remove', oid });
    } else if (r < 86) {
      t.ops.push({ op: 'touch', oid }, { op: 'setattrs', oid, attrs: { _: bytes(rng, 40) } });
      t.ops.push({ op: 'omap_setkeys', oid, kv: { [`k${rng.int(0, 5)}`]: bytes(rng, 30) } });
    } else {
      t.ops.push({ op: 'touch', oid }, { op: 'omap_rmkeys', oid, keys: [`k${rng.int(0, 5)}`] });
    }
    out.push(t);
  }
  return out;
}

/** The reference semantics of the ops (what a prefix of transactions leaves). */
function applyModel(m: Model, t: Transaction): void {
  const obtain = (oid: string): ModelObj => {
    let o = m.get(oid);
    if (!o) {
      o = { data: new Uint8Array(0), attrs: new Map(), omap: new Map() };
      m.set(oid, o);
    }
    return o;
  };
  for (const op of t.ops) {
    switch (op.op) {
      case 'touch':
        obtain(op.oid);
        break;
      case 'write': {
        const o = obtain(op.oid);
        const end = op.off + op.data.length;
        if (end > o.data.length) {
          const d = new Uint8Array(end);
          d.set(o.data);
          o.data = d;
        }
        o.data.set(op.data, op.off);
        break;
      }
      case 'truncate': {
        const o = obtain(op.oid);
        const d = new Uint8Array(op.size);
        d.set(o.data.subarray(0, Math.min(op.size, o.data.length)));
        o.data = d;
        break;
      }
      case 'remove':
        m.delete(op.oid);
        break;
      case 'setattrs':
        for (const k in op.attrs) obtain(op.oid).attrs.set(k, op.attrs[k] as Uint8Array);
        break;
      case 'omap_setkeys':
        for (const k in op.kv) obtain(op.oid).omap.set(k, op.kv[k] as Uint8Array);
        break;
      case 'omap_rmkeys':
        for (const k of op.keys) obtain(op.oid).omap.delete(k);
        break;
      default:
        break;
    }
  }
}

function cloneModel(m: Model): Model {
  const c: Model = new Map();
  for (const [k, o] of m)
    c.set(k, { data: o.data.slice(), attrs: new Map(o.attrs), omap: new Map(o.omap) });
  return c;
}

/** Whether the store shows exactly `m` (sizes, bytes, xattrs, omap, object set). */
function storeEquals(store: ObjectStore, m: Model): boolean {
  const names = store.list(COLL);
  if (names.join() !== [...m.keys()].sort().join()) return false;
  for (const [oid, o] of m) {
    if (store.stat(COLL, oid)?.size !== o.data.length) return false;
    if (!bytesEqual(store.readSync(COLL, oid, 0, o.data.length), o.data)) return false;
    for (const [k, v] of o.attrs) {
      const got = store.getattr(COLL, oid, k);
      if (!got || !bytesEqual(got, v)) return false;
    }
    const om = store.omapGet(COLL, oid);
    if ((om?.size ?? 0) !== o.omap.size) return false;
    for (const [k, v] of o.omap) {
      const got = om?.get(k);
      if (!got || !bytesEqual(got, v)) return false;
    }
  }
  return true;
}

/** Distinct blocks the objects own, or an error string when one is owned twice. */
function ownedBlocks(store: ObjectStore): number | string {
  const owner = new Map<number, string>();
  // The onode maps are internal: BlueStore has its own check; FileStore's table is read here.
  if (store instanceof BlueStore) {
    const errs = store.fsck();
    return errs.length > 0 ? errs.join('; ') : store.usedBlocks;
  }
  const fs = store as unknown as {
    fs: { entries(): Iterable<[string, string, { blocks: Map<number, number> }]> };
  };
  for (const [, oid, o] of fs.fs.entries()) {
    for (const lba of o.blocks.values()) {
      const prev = owner.get(lba);
      if (prev !== undefined) return `lba ${lba} owned by ${prev} and ${oid}`;
      owner.set(lba, oid);
    }
  }
  return owner.size === store.usedBlocks
    ? owner.size
    : `allocator used ${store.usedBlocks} != owned ${owner.size}`;
}

interface RunResult {
  committed: number;
  points: number;
  cut: boolean;
}

/** Run the workload; with `cutAt` the power goes at that persistence point. */
function runWorkload(
  kind: Kind,
  cache: boolean,
  txs: readonly Transaction[],
  cutAt: number | null,
): { rt: Runtime; dev: PowerDomainNvme; res: RunResult } {
  const rt = createRuntime(7);
  const dev = new PowerDomainNvme({
    id: 'osd.0.block',
    blocks: DEV_BLOCKS,
    sim: rt.sim,
    volatileCache: cache,
  });
  const store = makeStore(kind, rt, dev);
  const res: RunResult = { committed: 0, points: 0, cut: false };
  // Count every persistence point (the cut, when armed, replaces the one at `cutAt`).
  let counting = true;
  dev.persistenceHook = () => {
    if (counting) res.points++;
  };
  if (cutAt !== null) {
    counting = false;
    armPowerCut([dev], {
      skip: cutAt,
      onCut: () => {
        res.cut = true;
        store.kill();
      },
    });
  }
  let order = 0;
  const driver = function* (): Proc<void> {
    for (const t of txs) {
      if (res.cut) return; // the OSD is gone: nothing queues any more
      const mine = order++;
      store.queueTransactions(t, {
        onCommit: () => {
          // commits come in order on one collection
          expect(mine).toBe(res.committed);
          res.committed++;
        },
      });
      yield* sleep(150_000);
    }
  };
  const f = rt.sim.spawn('driver', driver(), { op: 0, pipeline: 'ceph.write' });
  rt.sim.run();
  expect(f.done).toBe(true);
  return { rt, dev, res };
}

function remount(kind: Kind, rt: Runtime, dev: PowerDomainNvme): ObjectStore {
  dev.powerOn();
  dev.persistenceHook = undefined;
  const store = makeStore(kind, rt, dev);
  const m = rt.sim.spawn('mount', store.mount(), { op: 1, pipeline: 'ceph.recovery' });
  rt.sim.run();
  expect(m.done).toBe(true);
  void m.value;
  return store;
}

const afters = new Map<number, Uint8Array>();
function afterBytes(seed: number): Uint8Array {
  let b = afters.get(seed);
  if (!b) {
    b = bytes(new Rng(seed, 'after'), 70_000);
    afters.set(seed, b);
  }
  return b;
}

function checkAfterCut(kind: Kind, cache: boolean, seed: number, cutAt: number): void {
  const txs = workload(seed);
  const { rt, dev, res } = runWorkload(kind, cache, txs, cutAt);
  const store = remount(kind, rt, dev);
  // The recovered state is exactly some prefix ≥ what was acknowledged.
  const m: Model = new Map();
  const prefixes: Model[] = [cloneModel(m)];
  for (const t of txs) {
    applyModel(m, t);
    prefixes.push(cloneModel(m));
  }
  let match = -1;
  for (let k = prefixes.length - 1; k >= res.committed; k--) {
    if (storeEquals(store, prefixes[k] as Model)) {
      match = k;
      break;
    }
  }
  const where = `${kind} cache=${cache} seed=${seed} cut at point ${cutAt}`;
  expect(match, `${where}: committed ${res.committed}, no prefix matches`).toBeGreaterThanOrEqual(
    res.committed,
  );
  const owned = ownedBlocks(store);
  expect(typeof owned, `${where}: ${String(owned)}`).toBe('number');
  if (cutAt % 3 !== 0) return; // the rest (a new write, a second mount) on every third point
  // The store goes on: a new object lands on free space, nothing else changes.
  const big = afterBytes(seed);
  const t = newTransaction(COLL);
  t.ops.push({ op: 'touch', oid: 'after' }, { op: 'write', oid: 'after', off: 0, data: big });
  const done = new Future<void>('after');
  store.queueTransactions(t, { onCommit: () => done.resolve() });
  rt.sim.run();
  expect(done.done).toBe(true);
  const want = cloneModel(prefixes[match] as Model);
  want.set('after', { data: big, attrs: new Map(), omap: new Map() });
  expect(storeEquals(store, want), `${where}: state after a new write`).toBe(true);
  expect(typeof ownedBlocks(store)).toBe('number');
  // And once more from the device (a clean kill + mount sees the same).
  store.kill();
  const again = remount(kind, rt, dev);
  expect(storeEquals(again, want), `${where}: second mount`).toBe(true);
}

describe.each([
  ['bluestore', false],
  ['bluestore', true],
  ['filestore', false],
  ['filestore', true],
] as const)('%s (volatile cache %s): power cut at every persistence point', (kind, cache) => {
  test('the uncut run commits everything and mounts to the full state', () => {
    const txs = workload(1);
    const { rt, dev, res } = runWorkload(kind, cache, txs, null);
    expect(res.committed).toBe(txs.length);
    expect(res.points).toBeGreaterThan(txs.length);
    const m: Model = new Map();
    for (const t of txs) applyModel(m, t);
    const store = remount(kind, rt, dev);
    expect(storeEquals(store, m)).toBe(true);
  });

  for (const seed of [1, 2, 3, 4]) {
    test(`seed ${seed}`, () => {
      const { res } = runWorkload(kind, cache, workload(seed), null);
      for (let p = 0; p < res.points; p++) checkAfterCut(kind, cache, seed, p);
    });
  }
});
