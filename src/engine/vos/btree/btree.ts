/**
 * dbtree: a B+tree whose root, nodes and records live in SCM (src/common/btree.c in DAOS).
 *
 * Layout (little-endian; see ../README.md):
 *   btr_root (24 B, embedded in its owner: pool df, container df, obj df, key record)
 *     +0 u16 tr_order   max records per node
 *     +2 u16 tr_depth   0 = empty tree, 1 = the root is a leaf
 *     +4 u16 tr_class   tree class id (VOS_BTR_*)
 *     +6 u16 tr_hksize  hashed-key bytes per record slot
 *     +8 u32 tr_feats   BTR_FEAT_*
 *     +12 u32 tr_gen    bumped on every structural change (iterators notice)
 *     +16 u64 tr_node   SCM offset of the root node (0 when empty)
 *   btr_node (16 B header + tr_order record slots)
 *     +0 u16 tn_flags   BTR_NODE_LEAF | BTR_NODE_ROOT
 *     +2 u16 tn_keyn    records in use
 *     +4 u32 pad
 *     +8 u64 tn_child   leftmost child (internal nodes)
 *     +16 slots: { u64 rec_off; u8 hkey[tr_hksize] } — in a leaf rec_off is the record; in an
 *         internal node it is the child holding keys ≥ hkey.
 *
 * Keys are ordered by the 16-byte "hkey" (memcmp), ties broken by the full key stored in the
 * record (tree class `keyCmp`) — the way DAOS resolves hashed-key collisions. Because equal
 * hkeys may straddle a split, internal nodes route a probe to the last child whose separator is
 * strictly below the probe and the leaf cursor walks right from there.
 *
 * Every store goes through VosMem (undo-log snapshot first); callers open the transaction.
 * Deletion frees empty nodes but does not rebalance half-empty ones (DAOS's btr_delete merges
 * or grabs from a sibling; lookups and order are unaffected, only node fill differs).
 */
import { derError } from '../../core/errors.ts';
import type { VosMem } from '../mem.ts';
import { getOff, setOff } from '../mem.ts';

export const BTR_ROOT_SIZE = 24;
export const BTR_NODE_HDR = 16;
export const BTR_NODE_LEAF = 1;
export const BTR_NODE_ROOT = 2;

export const BTR_FEAT_UINT_KEY = 1;
export const BTR_FEAT_DIRECT_KEY = 2;
export const BTR_FEAT_DYNAMIC_ROOT = 4;

export type ProbeOp = 'EQ' | 'GE' | 'GT' | 'LE' | 'LT' | 'FIRST' | 'LAST';

/** A probe key: its hkey (fixed size, memcmp order) and the full key bytes. */
export interface BKey {
  readonly hkey: Uint8Array;
  readonly key: Uint8Array;
}

/** Per-class callbacks (btr_ops). */
export interface TreeClass {
  readonly id: number;
  readonly name: string;
  readonly hkeySize: number;
  /** Compare the key held by record `recOff` with `key` (negative: record sorts first). */
  keyCmp?(mem: VosMem, recOff: number, key: Uint8Array): number;
}

interface Node {
  off: number;
  flags: number;
  keyn: number;
  child: number;
  recs: number[];
  hks: Uint8Array[];
}

interface PathEnt {
  node: Node;
  /** Leaf: record index. Internal: child position (0 = tn_child, j = recs[j-1]). */
  idx: number;
}

/** A position in the tree (result of a probe); `recOff`/`hkey` of the record it points at. */
export class Cursor {
  constructor(
    readonly tree: DbTree,
    readonly path: PathEnt[],
  ) {}

  private get leaf(): PathEnt {
    return this.path[this.path.length - 1] as PathEnt;
  }

  get recOff(): number {
    const l = this.leaf;
    return l.node.recs[l.idx] as number;
  }

  get hkey(): Uint8Array {
    const l = this.leaf;
    return l.node.hks[l.idx] as Uint8Array;
  }

  /** True while the cursor points at a record. */
  get valid(): boolean {
    const l = this.path[this.path.length - 1];
    return l !== undefined && l.idx >= 0 && l.idx < l.node.keyn;
  }

  next(): boolean {
    const l = this.leaf;
    l.idx++;
    if (l.idx < l.node.keyn) return true;
    for (let lv = this.path.length - 2; lv >= 0; lv--) {
      const pe = this.path[lv] as PathEnt;
      if (pe.idx < pe.node.keyn) {
        pe.idx++;
        this.path.length = lv + 1;
        this.tree.descend(this.path, 'left');
        return this.valid;
      }
    }
    l.idx = l.node.keyn;
    return false;
  }

  prev(): boolean {
    const l = this.leaf;
    l.idx--;
    if (l.idx >= 0) return true;
    for (let lv = this.path.length - 2; lv >= 0; lv--) {
      const pe = this.path[lv] as PathEnt;
      if (pe.idx > 0) {
        pe.idx--;
        this.path.length = lv + 1;
        this.tree.descend(this.path, 'right');
        return this.valid;
      }
    }
    l.idx = -1;
    return false;
  }
}

export class DbTree {
  readonly order: number;
  readonly hks: number;
  readonly feats: number;

  /** Open an existing tree whose btr_root is at `rootOff`. */
  constructor(
    readonly mem: VosMem,
    readonly rootOff: number,
    readonly cls: TreeClass,
  ) {
    const v = mem.view(rootOff, BTR_ROOT_SIZE);
    this.order = v.getUint16(0, true);
    this.hks = v.getUint16(6, true);
    this.feats = v.getUint32(8, true);
    if (this.order < 3 || v.getUint16(4, true) !== cls.id || this.hks !== cls.hkeySize) {
      throw derError('DF_INVAL', `btree root at ${rootOff} is not a ${cls.name} tree`);
    }
  }

  /** dbtree_create_inplace: write an empty btr_root (inside the caller's transaction). */
  static create(mem: VosMem, rootOff: number, cls: TreeClass, order: number, feats = 0): DbTree {
    const b = new Uint8Array(BTR_ROOT_SIZE);
    const v = new DataView(b.buffer);
    v.setUint16(0, order, true);
    v.setUint16(2, 0, true);
    v.setUint16(4, cls.id, true);
    v.setUint16(6, cls.hkeySize, true);
    v.setUint32(8, feats, true);
    mem.write(rootOff, b);
    return new DbTree(mem, rootOff, cls);
  }

  /** Is there a tree root at `rootOff` (tr_order set)? */
  static exists(mem: VosMem, rootOff: number): boolean {
    return mem.u16(rootOff) !== 0;
  }

  get depth(): number {
    return this.mem.u16(this.rootOff + 2);
  }

  get rootNode(): number {
    return this.mem.off(this.rootOff + 16);
  }

  get nodeSize(): number {
    return BTR_NODE_HDR + this.order * (8 + this.hks);
  }

  // ---- node I/O -------------------------------------------------------------------------

  readNode(off: number): Node {
    const slot = 8 + this.hks;
    const hdr = this.mem.view(off, BTR_NODE_HDR);
    const keyn = hdr.getUint16(2, true);
    const body = this.mem.read(off + BTR_NODE_HDR, keyn * slot);
    const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
    const recs: number[] = [];
    const hks: Uint8Array[] = [];
    for (let i = 0; i < keyn; i++) {
      recs.push(getOff(dv, i * slot));
      hks.push(body.subarray(i * slot + 8, i * slot + slot));
    }
    return { off, flags: hdr.getUint16(0, true), keyn, child: getOff(hdr, 8), recs, hks };
  }

  private writeNode(n: Node): void {
    const slot = 8 + this.hks;
    const b = new Uint8Array(BTR_NODE_HDR + n.keyn * slot);
    const dv = new DataView(b.buffer);
    dv.setUint16(0, n.flags, true);
    dv.setUint16(2, n.keyn, true);
    setOff(dv, 8, n.child);
    for (let i = 0; i < n.keyn; i++) {
      setOff(dv, BTR_NODE_HDR + i * slot, n.recs[i] as number);
      b.set(n.hks[i] as Uint8Array, BTR_NODE_HDR + i * slot + 8);
    }
    this.mem.write(n.off, b);
  }

  private allocNode(flags: number): Node {
    const off = this.mem.alloc(this.nodeSize, true);
    return { off, flags, keyn: 0, child: 0, recs: [], hks: [] };
  }

  private setRoot(node: number, depth: number): void {
    const b = new Uint8Array(BTR_ROOT_SIZE - 2);
    const v = new DataView(b.buffer);
    v.setUint16(0, depth, true);
    const cur = this.mem.view(this.rootOff, BTR_ROOT_SIZE);
    v.setUint16(2, cur.getUint16(4, true), true);
    v.setUint16(4, cur.getUint16(6, true), true);
    v.setUint32(6, cur.getUint32(8, true), true);
    v.setUint32(10, (cur.getUint32(12, true) + 1) >>> 0, true);
    setOff(v, 14, node);
    this.mem.write(this.rootOff + 2, b);
  }

  // ---- comparison -----------------------------------------------------------------------

  private static hcmp(a: Uint8Array, b: Uint8Array): number {
    for (let i = 0; i < a.length; i++) {
      const d = (a[i] as number) - (b[i] as number);
      if (d !== 0) return d;
    }
    return 0;
  }

  /** Order of the record at (node, i) relative to the probe: <0 record first, 0 same key. */
  private cmpRec(n: Node, i: number, k: BKey): number {
    const h = DbTree.hcmp(n.hks[i] as Uint8Array, k.hkey);
    if (h !== 0 || this.cls.keyCmp === undefined) return h;
    return this.cls.keyCmp(this.mem, n.recs[i] as number, k.key);
  }

  /** Child position for a lower-bound search: number of separators strictly below the probe. */
  private route(n: Node, k: BKey): number {
    let lo = 0;
    let hi = n.keyn;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (DbTree.hcmp(n.hks[mid] as Uint8Array, k.hkey) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private childAt(n: Node, pos: number): number {
    return pos === 0 ? n.child : (n.recs[pos - 1] as number);
  }

  /** Extend `path` (ending at an internal entry) down to a leaf along the left/right edge. */
  descend(path: PathEnt[], side: 'left' | 'right'): void {
    for (;;) {
      const last = path[path.length - 1] as PathEnt;
      if (last.node.flags & BTR_NODE_LEAF) return;
      const child = this.readNode(this.childAt(last.node, last.idx));
      const idx = side === 'left' ? 0 : child.flags & BTR_NODE_LEAF ? child.keyn - 1 : child.keyn;
      path.push({ node: child, idx });
    }
  }

  /**
   * Cursor at the first record ≥ probe (may be past the end: check `valid`). `advanced` says
   * the walk left the leaf the separators routed to (insertion then goes before it).
   */
  private lowerBound(k: BKey): (Cursor & { advanced?: boolean }) | null {
    const root = this.rootNode;
    if (root === 0) return null;
    const path: PathEnt[] = [];
    let n = this.readNode(root);
    while (!(n.flags & BTR_NODE_LEAF)) {
      const pos = this.route(n, k);
      path.push({ node: n, idx: pos });
      n = this.readNode(this.childAt(n, pos));
    }
    // First record in this leaf ≥ probe by hkey (binary), then tie-break forward.
    let lo = 0;
    let hi = n.keyn;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (DbTree.hcmp(n.hks[mid] as Uint8Array, k.hkey) < 0) lo = mid + 1;
      else hi = mid;
    }
    path.push({ node: n, idx: lo });
    const cur: Cursor & { advanced?: boolean } = new Cursor(this, path);
    const leafOff = n.off;
    if (lo >= n.keyn) cur.next();
    while (cur.valid && this.cmpCursor(cur, k) < 0) {
      if (!cur.next()) break;
    }
    const last = cur.path[cur.path.length - 1] as PathEnt;
    cur.advanced = last.node.off !== leafOff;
    return cur;
  }

  private cmpCursor(c: Cursor, k: BKey): number {
    const l = c.path[c.path.length - 1] as PathEnt;
    return this.cmpRec(l.node, l.idx, k);
  }

  private edge(side: 'left' | 'right'): Cursor | null {
    const root = this.rootNode;
    if (root === 0) return null;
    const n = this.readNode(root);
    const path: PathEnt[] = [
      { node: n, idx: side === 'left' ? 0 : n.flags & BTR_NODE_LEAF ? n.keyn - 1 : n.keyn },
    ];
    this.descend(path, side);
    const c = new Cursor(this, path);
    return c.valid ? c : null;
  }

  // ---- public operations ----------------------------------------------------------------

  /** dbtree_probe: position at a record per `op`; null if there is none. */
  probe(op: ProbeOp, k?: BKey): Cursor | null {
    if (op === 'FIRST') return this.edge('left');
    if (op === 'LAST') return this.edge('right');
    if (k === undefined) throw derError('INVAL', `probe ${op} needs a key`);
    const c = this.lowerBound(k);
    if (c === null) return null;
    const eq = c.valid && this.cmpCursor(c, k) === 0;
    switch (op) {
      case 'EQ':
        return eq ? c : null;
      case 'GE':
        return c.valid ? c : null;
      case 'GT':
        if (eq) c.next();
        return c.valid ? c : null;
      case 'LE':
        if (eq) return c;
        return this.stepBack(c);
      case 'LT':
        return this.stepBack(c);
    }
  }

  private stepBack(c: Cursor): Cursor | null {
    const l = c.path[c.path.length - 1] as PathEnt;
    if (l.idx >= l.node.keyn) {
      // Past the end of the last leaf: the previous record is this leaf's last one.
      l.idx = l.node.keyn;
    }
    return c.prev() ? c : null;
  }

  /** dbtree_fetch(EQ): the record offset of `k`, or null. */
  fetch(k: BKey): number | null {
    const c = this.probe('EQ', k);
    return c === null ? null : c.recOff;
  }

  /**
   * dbtree_upsert: return the existing record of `k`, or insert the record `alloc()` makes.
   * `inserted` tells which happened.
   */
  upsert(k: BKey, alloc: () => number): { recOff: number; inserted: boolean } {
    const c = this.lowerBound(k);
    if (c !== null && c.valid && this.cmpCursor(c, k) === 0) {
      return { recOff: c.recOff, inserted: false };
    }
    const recOff = alloc();
    this.insertAt(c, k, recOff);
    return { recOff, inserted: true };
  }

  /** Insert a record for a key known to be absent (btr_insert). */
  insert(k: BKey, recOff: number): void {
    const c = this.lowerBound(k);
    if (c !== null && c.valid && this.cmpCursor(c, k) === 0) {
      throw derError('EXIST', `${this.cls.name}: key already present`);
    }
    this.insertAt(c, k, recOff);
  }

  /** Replace the record pointer of an existing key (to_rec_update returning a new record). */
  replace(k: BKey, recOff: number): number {
    const c = this.probe('EQ', k);
    if (c === null) throw derError('NONEXIST', `${this.cls.name}: no such key`);
    const l = c.path[c.path.length - 1] as PathEnt;
    const old = l.node.recs[l.idx] as number;
    l.node.recs[l.idx] = recOff;
    this.writeNode(l.node);
    return old;
  }

  private insertAt(c: (Cursor & { advanced?: boolean }) | null, k: BKey, recOff: number): void {
    const hkey = k.hkey.slice(0, this.hks);
    if (c === null) {
      // Empty tree: the root is a single leaf (dynamic root).
      const root = this.allocNode(BTR_NODE_LEAF | BTR_NODE_ROOT);
      root.keyn = 1;
      root.recs.push(recOff);
      root.hks.push(hkey);
      this.writeNode(root);
      this.setRoot(root.off, 1);
      this.mem.effect({
        kind: 'tree.insert',
        tree: this.cls.name,
        node: root.off,
        idx: 0,
        rec: recOff,
      });
      return;
    }
    let path = c.path;
    let leaf = path[path.length - 1] as PathEnt;
    if (!c.valid && leaf.idx !== leaf.node.keyn) leaf.idx = leaf.node.keyn;
    if (leaf.idx === 0 && c.valid && c.advanced === true) {
      // The cursor may have walked into the next leaf: insert at the end of the previous
      // one instead, which keeps every separator a lower bound of its subtree.
      const back = new Cursor(
        this,
        path.map((p) => ({ node: p.node, idx: p.idx })),
      );
      if (back.prev()) {
        path = back.path;
        leaf = path[path.length - 1] as PathEnt;
        leaf.idx++;
      }
    }
    const n = leaf.node;
    // The effect rides on the btr_node_insert_rec point (effects attach to the next event).
    this.mem.effect({
      kind: 'tree.insert',
      tree: this.cls.name,
      node: n.off,
      idx: leaf.idx,
      rec: recOff,
    });
    this.mem.point('btr_node_insert_rec', {
      tree: this.cls.name,
      node: n.off,
      idx: leaf.idx,
      tn_keyn: n.keyn,
      rec_off: recOff,
    });
    n.recs.splice(leaf.idx, 0, recOff);
    n.hks.splice(leaf.idx, 0, hkey);
    n.keyn++;
    this.fixOverflow(path, path.length - 1);
  }

  /** Write node at path[lv]; split it (btr_node_split) if it overflowed, recursively up. */
  private fixOverflow(path: PathEnt[], lv: number): void {
    const n = (path[lv] as PathEnt).node;
    if (n.keyn <= this.order) {
      this.writeNode(n);
      return;
    }
    const isLeaf = (n.flags & BTR_NODE_LEAF) !== 0;
    const right = this.allocNode(isLeaf ? BTR_NODE_LEAF : 0);
    const mid = n.keyn >> 1;
    let sep: Uint8Array;
    if (isLeaf) {
      right.recs = n.recs.slice(mid);
      right.hks = n.hks.slice(mid);
      sep = right.hks[0] as Uint8Array;
      n.recs.length = mid;
      n.hks.length = mid;
    } else {
      right.child = n.recs[mid] as number;
      sep = n.hks[mid] as Uint8Array;
      right.recs = n.recs.slice(mid + 1);
      right.hks = n.hks.slice(mid + 1);
      n.recs.length = mid;
      n.hks.length = mid;
    }
    right.keyn = right.recs.length;
    n.keyn = n.recs.length;
    const wasRoot = (n.flags & BTR_NODE_ROOT) !== 0;
    n.flags &= ~BTR_NODE_ROOT;
    this.writeNode(n);
    this.writeNode(right);
    this.mem.effect({
      kind: 'tree.split',
      tree: this.cls.name,
      node: n.off,
      right: right.off,
      leaf: isLeaf,
      left_nr: n.keyn,
      right_nr: right.keyn,
    });
    this.mem.point('btr_node_split', {
      tree: this.cls.name,
      node: n.off,
      right: right.off,
      leaf: isLeaf,
    });
    if (wasRoot) {
      const root = this.allocNode(BTR_NODE_ROOT);
      root.child = n.off;
      root.recs = [right.off];
      root.hks = [sep];
      root.keyn = 1;
      this.writeNode(root);
      this.setRoot(root.off, this.depth + 1);
      this.mem.effect({
        kind: 'tree.grow',
        tree: this.cls.name,
        root: root.off,
        depth: this.depth,
      });
      return;
    }
    const parent = path[lv - 1] as PathEnt;
    parent.node.recs.splice(parent.idx, 0, right.off);
    parent.node.hks.splice(parent.idx, 0, sep);
    parent.node.keyn++;
    this.fixOverflow(path, lv - 1);
  }

  /** dbtree_delete: remove `k`; returns the record offset (the caller frees it) or null. */
  delete(k: BKey): number | null {
    const c = this.probe('EQ', k);
    if (c === null) return null;
    const path = c.path;
    const leaf = path[path.length - 1] as PathEnt;
    const recOff = leaf.node.recs[leaf.idx] as number;
    leaf.node.recs.splice(leaf.idx, 1);
    leaf.node.hks.splice(leaf.idx, 1);
    leaf.node.keyn--;
    this.mem.effect({
      kind: 'tree.delete',
      tree: this.cls.name,
      node: leaf.node.off,
      idx: leaf.idx,
      rec: recOff,
    });
    this.fixUnderflow(path, path.length - 1);
    return recOff;
  }

  /** Free nodes that became empty, unlink them from their parents, shrink the root. */
  private fixUnderflow(path: PathEnt[], lv: number): void {
    const n = (path[lv] as PathEnt).node;
    const isLeaf = (n.flags & BTR_NODE_LEAF) !== 0;
    const empty = isLeaf ? n.keyn === 0 : n.keyn === 0 && n.child === 0;
    if (!empty) {
      if (lv === 0 && !isLeaf && n.keyn === 0) {
        // Root with a single child: the child becomes the root (tree shrinks).
        this.mem.free(n.off);
        const child = this.readNode(n.child);
        child.flags |= BTR_NODE_ROOT;
        this.writeNode(child);
        this.setRoot(child.off, this.depth - 1);
        return;
      }
      this.writeNode(n);
      return;
    }
    this.mem.free(n.off);
    if (lv === 0) {
      this.setRoot(0, 0);
      return;
    }
    const parent = path[lv - 1] as PathEnt;
    const p = parent.node;
    if (parent.idx === 0) {
      if (p.keyn > 0) {
        p.child = p.recs[0] as number;
        p.recs.splice(0, 1);
        p.hks.splice(0, 1);
        p.keyn--;
      } else {
        p.child = 0;
      }
    } else {
      p.recs.splice(parent.idx - 1, 1);
      p.hks.splice(parent.idx - 1, 1);
      p.keyn--;
    }
    this.fixUnderflow(path, lv - 1);
  }

  /** Every record in key order (for tests, enumeration and inspectors). */
  *records(from?: Cursor | null): Generator<{ recOff: number; hkey: Uint8Array }> {
    const c = from === undefined ? this.probe('FIRST') : from;
    if (c === null || !c.valid) return;
    do {
      yield { recOff: c.recOff, hkey: c.hkey };
    } while (c.next());
  }

  /** Structural check for tests: order, separators, depth; returns the record count. */
  verify(): number {
    const root = this.rootNode;
    if (root === 0) return 0;
    const depth = this.depth;
    let count = 0;
    const walk = (off: number, lvl: number, lo: Uint8Array | null): void => {
      const n = this.readNode(off);
      if (n.keyn > this.order) throw new Error(`node ${off} overfull`);
      for (let i = 0; i < n.keyn; i++) {
        const h = n.hks[i] as Uint8Array;
        if (lo !== null && DbTree.hcmp(h, lo) < 0) throw new Error(`node ${off} below separator`);
        if (i > 0 && DbTree.hcmp(n.hks[i - 1] as Uint8Array, h) > 0)
          throw new Error(`node ${off} unsorted`);
      }
      if (n.flags & BTR_NODE_LEAF) {
        if (lvl !== depth) throw new Error(`leaf ${off} at level ${lvl}, depth ${depth}`);
        count += n.keyn;
        return;
      }
      walk(n.child, lvl + 1, lo);
      for (let i = 0; i < n.keyn; i++) walk(n.recs[i] as number, lvl + 1, n.hks[i] as Uint8Array);
    };
    walk(root, 1, null);
    return count;
  }
}
