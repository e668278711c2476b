import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { createRuntime } from '../../core/runtime.ts';
import {
  createMemoryBackend,
  createScm,
  createUmem,
  openUmem,
  PowerCutError,
} from '../../media/index.ts';
import type { BlockBackend } from '../../media/types.ts';
import { VosMem } from '../mem.ts';
import { keyProbe } from '../keys.ts';
import { BTR_NODE_LEAF, DbTree } from './btree.ts';
import { svtClass } from './classes.ts';

const SCM = 4 << 20;

/** uint64-ordered 16-byte hkeys (SV tree class: no tie-break, record = any offset). */
function k(i: number): { hkey: Uint8Array; key: Uint8Array } {
  const b = new Uint8Array(16);
  new DataView(b.buffer).setUint32(0, i, false);
  return { hkey: b, key: b };
}

function fresh(backend: BlockBackend = createMemoryBackend(SCM), traced = false) {
  const rt = createRuntime(1);
  const scm = createScm({ id: 'scm0', backend });
  const umem = createUmem(scm, { rootSize: 64 });
  const mem = new VosMem(umem, traced ? rt.trace : undefined);
  mem.actor = 'engine0.tgt0';
  return { rt, scm, umem, mem, backend };
}

/** Every non-root node holds ≥ 1 record (leaf) / ≥ 1 key (internal); returns node count. */
function checkFill(tree: DbTree): number {
  const root = tree.rootNode;
  if (root === 0) return 0;
  let nodes = 0;
  const walk = (off: number, isRoot: boolean): void => {
    nodes++;
    const n = tree.readNode(off);
    if (!isRoot) expect(n.keyn, `node ${off}`).toBeGreaterThanOrEqual(1);
    if (n.flags & BTR_NODE_LEAF) return;
    walk(n.child, false);
    for (let i = 0; i < n.keyn; i++) walk(tree.recAt(n, i), false);
  };
  walk(root, true);
  return nodes;
}

function keysOf(tree: DbTree): number[] {
  return [...tree.records()].map((r) =>
    new DataView(r.hkey.buffer, r.hkey.byteOffset).getUint32(0, false),
  );
}

describe('dbtree delete: rebalance, merge, root shrink (btr_delete)', () => {
  it('random inserts/deletes at orders 3..6: order kept, no empty node, every node freed at the end', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const rng = new Rng(seed);
      const { umem, mem } = fresh();
      const order = 3 + (seed % 4);
      mem.txBegin();
      const tree = DbTree.create(mem, umem.rootOff, svtClass, order);
      mem.txCommit();
      const base = umem.usedBytes;
      const ref = new Set<number>();
      for (let op = 0; op < 600; op++) {
        const i = rng.int(0, 150);
        mem.txBegin();
        if (rng.chance(0.55)) {
          tree.upsert(k(i), () => 8 + i);
          ref.add(i);
        } else {
          expect(tree.delete(k(i))).toBe(ref.has(i) ? 8 + i : null);
          ref.delete(i);
        }
        mem.txCommit();
        if (op % 25 === 0) {
          expect(tree.verify()).toBe(ref.size);
          checkFill(tree);
        }
      }
      expect(keysOf(tree)).toEqual([...ref].sort((a, b) => a - b));
      mem.txBegin();
      for (const i of [...ref]) expect(tree.delete(k(i))).toBe(8 + i);
      mem.txCommit();
      expect(tree.rootNode).toBe(0);
      expect(tree.depth).toBe(0);
      expect(umem.usedBytes).toBe(base); // every node freed
    }
  });

  it('deleting a sorted run traces leaf and child rebalances, merges and root shrinks', () => {
    const { rt, umem, mem } = fresh(undefined, true);
    mem.txBegin();
    const tree = DbTree.create(mem, umem.rootOff, svtClass, 3);
    for (let i = 0; i < 40; i++) tree.insert(k(i), 8 + i);
    mem.txCommit();
    const depth0 = tree.depth;
    expect(depth0).toBeGreaterThanOrEqual(3);
    const nodes0 = checkFill(tree);
    mem.txBegin();
    for (let i = 0; i < 36; i++) tree.delete(k(i));
    mem.txCommit();
    expect(keysOf(tree)).toEqual([36, 37, 38, 39]);
    expect(tree.depth).toBeLessThan(depth0);
    expect(checkFill(tree)).toBeLessThan(nodes0);
    const steps = new Set(rt.trace.events.map((e) => e.step));
    for (const s of [
      'btr_node_del_leaf_rebal',
      'btr_node_del_leaf_merge',
      'btr_node_del_child_merge',
      'btr_root_del_rec',
    ])
      expect(steps.has(s), s).toBe(true);
    const kinds = new Set(rt.trace.events.flatMap((e) => (e.effects ?? []).map((x) => x.kind)));
    for (const kd of ['tree.delete', 'tree.rebalance', 'tree.merge', 'tree.shrink'])
      expect(kinds.has(kd), kd).toBe(true);
    // A rebalance from the left sibling and an internal one: delete from the right end.
    mem.txBegin();
    for (let i = 40; i < 80; i++) tree.insert(k(i), 8 + i);
    for (let i = 79; i >= 45; i--) tree.delete(k(i));
    mem.txCommit();
    const rebal = rt.trace.events.flatMap((e) =>
      (e.effects ?? []).filter((x) => x.kind === 'tree.rebalance'),
    );
    expect(rebal.some((x) => x.from === 'left')).toBe(true);
    expect(rebal.some((x) => x.leaf === false)).toBe(true);
    expect(tree.verify()).toBe(keysOf(tree).length);
  });

  it('a power cut anywhere inside a merging delete: recovery gives the tree before the delete', () => {
    // Find a delete that merges and shrinks, then cut power at each persistence point of its
    // transaction in turn.
    const build = (backend: BlockBackend) => {
      const f = fresh(backend);
      f.mem.txBegin();
      const tree = DbTree.create(f.mem, f.umem.rootOff, svtClass, 3);
      for (let i = 0; i < 12; i++) tree.insert(k(i), 8 + i);
      for (let i = 0; i < 6; i++) tree.delete(k(i));
      f.mem.txCommit();
      return { ...f, tree };
    };
    const victims = [6, 7, 8];
    const before = [6, 7, 8, 9, 10, 11];
    const after = [9, 10, 11];
    let cuts = 0;
    let committed = false;
    for (let point = 0; !committed; point++) {
      const backend = createMemoryBackend(SCM);
      const { scm, mem, tree } = build(backend);
      const depth = tree.depth;
      let n = 0;
      scm.persistenceHook = () => {
        if (n++ === point) {
          scm.powerCut();
          throw new PowerCutError(scm.id);
        }
      };
      try {
        mem.txBegin();
        for (const v of victims) tree.delete(k(v));
        mem.txCommit();
        committed = true;
      } catch (e) {
        if (!(e instanceof PowerCutError)) throw e;
        cuts++;
      }
      const umem2 = openUmem(createScm({ id: 'scm0', backend }));
      const t2 = new DbTree(new VosMem(umem2), umem2.rootOff, svtClass);
      const got = keysOf(t2);
      expect(got).toEqual(committed ? after : before);
      expect(t2.verify()).toBe(got.length);
      if (!committed) expect(t2.depth).toBe(depth);
      checkFill(t2);
      if (point > 500) throw new Error('the delete never committed');
    }
    expect(cuts).toBeGreaterThan(3);
  });

  it('keys of a real key tree (hashed dkeys) survive heavy deletion in order', () => {
    const { umem, mem } = fresh();
    mem.txBegin();
    const tree = DbTree.create(mem, umem.rootOff, svtClass, 4);
    const keys = Array.from({ length: 200 }, (_, i) =>
      keyProbe('lexical', new TextEncoder().encode(`key-${String(i).padStart(4, '0')}`)),
    );
    keys.forEach((kk, i) => tree.insert(kk, 8 + i));
    keys.forEach((kk, i) => {
      if (i % 3 !== 0) tree.delete(kk);
    });
    mem.txCommit();
    expect([...tree.records()].map((r) => r.recOff)).toEqual(
      keys.map((_, i) => 8 + i).filter((_, i) => i % 3 === 0),
    );
    expect(tree.verify()).toBe(67);
    checkFill(tree);
  });
});
