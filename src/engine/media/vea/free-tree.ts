/**
 * VEA's persistent free-extent tree (DAOS `vsi_md_free_btr`, order `VEA_TREE_ODR` = 20): a
 * B+tree in SCM keyed by block offset, value = block count. It is VEA's own small tree because
 * the media layer must not import VOS (whose dbtree is the general one).
 *
 * Every change happens inside the caller's umem transaction: a node is added to the undo log
 * (`txAddRange`) before it is modified, new nodes come from `txAlloc`, emptied nodes go back
 * with `txFree` (applied at commit). So a power cut anywhere leaves either the old tree or the
 * new one, never a torn mix; recovery is umem's undo-log replay.
 *
 * Node (`NODE_SIZE` bytes): `[flags u32 (bit 0: leaf)][count u32][pad u64]` then up to
 * ORDER+1 entries `[key u64][value u64]` (one spare slot: a node splits right after it
 * overflows). A leaf's value is the extent's block count; an internal node's value is the SCM
 * offset of a child whose keys are all ≥ the entry's key (entry 0 stands for −∞).
 *
 * Deletion removes emptied nodes (and collapses a root with one child) but does not merge
 * underfull siblings — lookups stay correct, the tree is just less dense than DAOS's dbtree,
 * which does rebalance.
 */
import { derError } from '../../core/errors.ts';
import type { Umem } from '../types.ts';

export const TREE_ORDER = 20;
const HDR = 16;
const ENTRY = 16;
export const NODE_SIZE = HDR + (TREE_ORDER + 1) * ENTRY;
const LEAF = 1;

interface PathStep {
  node: number;
  /** Child index taken (internal) or entry position (leaf). */
  idx: number;
}

export class FreeTree {
  private readonly scm: Umem['scm'];

  /** `rootPtr`: SCM offset of the 8-byte root pointer (in VEA's space descriptor). */
  constructor(
    private readonly umem: Umem,
    private readonly rootPtr: number,
  ) {
    this.scm = umem.scm;
  }

  /** Create an empty tree (inside a transaction): a leaf root. */
  static format(umem: Umem, rootPtr: number): FreeTree {
    const root = umem.txAlloc(NODE_SIZE, true);
    umem.scm.writeU32(root, LEAF);
    umem.txAddRange(rootPtr, 8);
    umem.scm.writeNum64(rootPtr, root);
    return new FreeTree(umem, rootPtr);
  }

  private get root(): number {
    return this.scm.readNum64(this.rootPtr);
  }

  private count(n: number): number {
    return this.scm.readU32(n + 4);
  }

  private isLeaf(n: number): boolean {
    return (this.scm.readU32(n) & LEAF) !== 0;
  }

  private key(n: number, i: number): number {
    return this.scm.readNum64(n + HDR + i * ENTRY);
  }

  private val(n: number, i: number): number {
    return this.scm.readNum64(n + HDR + i * ENTRY + 8);
  }

  /** Every (key, value) in key order; checks the structure as it goes (vea_load). */
  walk(): { off: number; cnt: number }[] {
    const out: { off: number; cnt: number }[] = [];
    let visited = 0;
    const visit = (n: number, depth: number): void => {
      if (++visited > 1 << 22 || depth > 64) throw derError('DF_INVAL', 'VEA tree loops');
      const c = this.count(n);
      if (c > TREE_ORDER) throw derError('DF_INVAL', `VEA tree node ${n} holds ${c} entries`);
      for (let i = 0; i < c; i++) {
        if (this.isLeaf(n)) out.push({ off: this.key(n, i), cnt: this.val(n, i) });
        else visit(this.val(n, i), depth + 1);
      }
    };
    visit(this.root, 0);
    return out;
  }

  /** Nodes in the tree (for tests: no leak of tree nodes). */
  nodes(): number[] {
    const out: number[] = [];
    const visit = (n: number): void => {
      out.push(n);
      if (!this.isLeaf(n)) for (let i = 0; i < this.count(n); i++) visit(this.val(n, i));
    };
    visit(this.root);
    return out;
  }

  /** Path from the root to the leaf where `key` is or would go. */
  private descend(key: number): PathStep[] {
    const path: PathStep[] = [];
    let n = this.root;
    while (!this.isLeaf(n)) {
      const c = this.count(n);
      let i = 0;
      while (i + 1 < c && this.key(n, i + 1) <= key) i++;
      path.push({ node: n, idx: i });
      n = this.val(n, i);
    }
    const c = this.count(n);
    let pos = 0;
    while (pos < c && this.key(n, pos) < key) pos++;
    path.push({ node: n, idx: pos });
    return path;
  }

  /** Write entry i of node n (the node must already be in the undo log, or new). */
  private put(n: number, i: number, key: number, val: number): void {
    this.scm.writeNum64(n + HDR + i * ENTRY, key);
    this.scm.writeNum64(n + HDR + i * ENTRY + 8, val);
  }

  /** Insert entry (key, val) at position pos of node n, shifting the rest right. */
  private insertAt(n: number, pos: number, key: number, val: number): void {
    const c = this.count(n);
    this.umem.txAddRange(n, NODE_SIZE);
    if (pos < c) {
      const from = n + HDR + pos * ENTRY;
      this.scm.write(from + ENTRY, this.scm.read(from, (c - pos) * ENTRY));
    }
    this.put(n, pos, key, val);
    this.scm.writeU32(n + 4, c + 1);
  }

  private removeAt(n: number, pos: number): void {
    const c = this.count(n);
    this.umem.txAddRange(n, NODE_SIZE);
    if (pos + 1 < c) {
      const from = n + HDR + (pos + 1) * ENTRY;
      this.scm.write(from - ENTRY, this.scm.read(from, (c - pos - 1) * ENTRY));
    }
    this.scm.fill(n + HDR + (c - 1) * ENTRY, ENTRY, 0);
    this.scm.writeU32(n + 4, c - 1);
  }

  insert(key: number, val: number): void {
    const path = this.descend(key);
    const leaf = path[path.length - 1] as PathStep;
    if (leaf.idx < this.count(leaf.node) && this.key(leaf.node, leaf.idx) === key) {
      throw new Error(`VEA tree: key ${key} already present`);
    }
    this.insertAt(leaf.node, leaf.idx, key, val);
    this.splitUp(path, path.length - 1);
  }

  /** Split path[level]'s node if it overflowed, then its parent, up to a new root. */
  private splitUp(path: PathStep[], level: number): void {
    for (let l = level; l >= 0; l--) {
      const n = (path[l] as PathStep).node;
      const c = this.count(n);
      if (c <= TREE_ORDER) return;
      const half = Math.ceil(c / 2);
      const right = this.umem.txAlloc(NODE_SIZE, true);
      this.scm.writeU32(right, this.scm.readU32(n) & LEAF);
      this.scm.writeU32(right + 4, c - half);
      this.scm.write(right + HDR, this.scm.read(n + HDR + half * ENTRY, (c - half) * ENTRY));
      // n is in the undo log already (insertAt added it in this transaction).
      this.scm.fill(n + HDR + half * ENTRY, (c - half) * ENTRY, 0);
      this.scm.writeU32(n + 4, half);
      const sep = this.key(right, 0);
      if (l === 0) {
        const root = this.umem.txAlloc(NODE_SIZE, true);
        this.scm.writeU32(root + 4, 2);
        this.put(root, 0, this.key(n, 0), n);
        this.put(root, 1, sep, right);
        this.umem.txAddRange(this.rootPtr, 8);
        this.scm.writeNum64(this.rootPtr, root);
        return;
      }
      const parent = path[l - 1] as PathStep;
      this.insertAt(parent.node, parent.idx + 1, sep, right);
    }
  }

  /** Remove `key` (it must be present); emptied nodes are freed. */
  remove(key: number): void {
    const path = this.descend(key);
    const leaf = path[path.length - 1] as PathStep;
    if (leaf.idx >= this.count(leaf.node) || this.key(leaf.node, leaf.idx) !== key) {
      throw new Error(`VEA tree: key ${key} not present`);
    }
    this.removeAt(leaf.node, leaf.idx);
    for (let l = path.length - 1; l > 0; l--) {
      const n = (path[l] as PathStep).node;
      if (this.count(n) > 0) break;
      const parent = path[l - 1] as PathStep;
      this.removeAt(parent.node, parent.idx);
      this.umem.txFree(n);
    }
    // A root with one child hands the root over to it.
    let root = this.root;
    while (!this.isLeaf(root) && this.count(root) === 1) {
      const child = this.val(root, 0);
      this.umem.txAddRange(this.rootPtr, 8);
      this.scm.writeNum64(this.rootPtr, child);
      this.umem.txFree(root);
      root = child;
    }
    if (!this.isLeaf(root) && this.count(root) === 0) {
      // Every leaf emptied: the root becomes an empty leaf again.
      this.umem.txAddRange(root, 8);
      this.scm.writeU32(root, LEAF);
    }
  }

  /** Change the value of `key` (one atomic 8-byte store, undo-logged). */
  setValue(key: number, val: number): void {
    const path = this.descend(key);
    const leaf = path[path.length - 1] as PathStep;
    if (leaf.idx >= this.count(leaf.node) || this.key(leaf.node, leaf.idx) !== key) {
      throw new Error(`VEA tree: key ${key} not present`);
    }
    const at = leaf.node + HDR + leaf.idx * ENTRY + 8;
    this.umem.txAddRange(at, 8);
    this.scm.writeNum64(at, val);
  }

  /**
   * Move `key` up to `newKey` in place with a new value: valid when no other key lies in
   * (key, newKey] — the entry keeps its position, and separators above stay lower bounds.
   */
  raiseKey(key: number, newKey: number, val: number): void {
    if (newKey < key) throw new Error('VEA tree: raiseKey must not lower a key');
    const path = this.descend(key);
    const leaf = path[path.length - 1] as PathStep;
    if (leaf.idx >= this.count(leaf.node) || this.key(leaf.node, leaf.idx) !== key) {
      throw new Error(`VEA tree: key ${key} not present`);
    }
    const at = leaf.node + HDR + leaf.idx * ENTRY;
    this.umem.txAddRange(at, ENTRY);
    this.put(leaf.node, leaf.idx, newKey, val);
  }
}
