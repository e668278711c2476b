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
 * Loads are in place: a node read is its header only, and slots (record offsets, hkeys) are
 * read and compared straight from the SCM view, so a probe allocates nothing per slot. An
 * insert builds the node's new image in a scratch buffer and writes it as one store, exactly
 * the bytes a write of the whole node would store.
 * Deletion (merge.ts) rebalances as DAOS's btr_delete does: a node that would become empty
 * grabs an entry from a sibling or merges with it, and the root shrinks.
 */
import { derError } from '../../core/errors.ts';
import type { VosMem } from '../mem.ts';
import { getOff, setOff } from '../mem.ts';
import { btrDelete, type NodeImage, type NodeIo } from './merge.ts';
import { scratch, scratchBytes } from '../scratch.ts';

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

/** A node as read for a probe: the header; its slots stay in SCM and are read in place. */
export class BtrNode {
  constructor(
    readonly off: number,
    public flags: number,
    public keyn: number,
    public child: number,
  ) {}
}

/** A node copied out of SCM (delete and verify edit or walk whole nodes). */
type Node = NodeImage;

interface PathEnt {
  node: BtrNode;
  /** Leaf: record index. Internal: child position (0 = tn_child, j = record j-1). */
  idx: number;
}

/** A position in the tree (result of a probe); `recOff`/`hkey` of the record it points at. */
export class Cursor {
  /** The walk left the leaf the separators routed to (insertion then goes before it). */
  advanced = false;

  constructor(
    readonly tree: DbTree,
    readonly path: PathEnt[],
  ) {}

  private get leaf(): PathEnt {
    return this.path[this.path.length - 1] as PathEnt;
  }

  get recOff(): number {
    const l = this.leaf;
    return this.tree.recAt(l.node, l.idx);
  }

  /** The record's hkey (a copy: it stays valid when the tree changes). */
  get hkey(): Uint8Array {
    const l = this.leaf;
    return this.tree.hkeyAt(l.node, l.idx);
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

/**
 * Scratch images for inserts and splits (shared: a tree operation never runs inside another,
 * and every store copies the bytes out before the scratch is reused).
 */
let scratchA = new Uint8Array(1024);
let scratchB = new Uint8Array(1024);

function copyBytes(dst: Uint8Array, d: number, src: Uint8Array, s: number, n: number): void {
  // A node's slots are hundreds of bytes: one memmove beats the byte loop (whose cost grew
  // with the node), the subarray view costs the same at any size.
  if (n > 48) dst.set(src.subarray(s, s + n), d);
  else for (let i = 0; i < n; i++) dst[d + i] = src[s + i] as number;
}

function putU16(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
}

function putU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
  b[at + 2] = (v >>> 16) & 0xff;
  b[at + 3] = (v >>> 24) & 0xff;
}

/** A u64 field holding a number < 2^53 (what setOff stores). */
function putOff(b: Uint8Array, at: number, v: number): void {
  putU32(b, at, v % 0x1_0000_0000);
  putU32(b, at + 4, Math.floor(v / 0x1_0000_0000));
}

/** Node header: flags, keyn, pad 0, tn_child. */
function putHdr(b: Uint8Array, flags: number, keyn: number, child: number): void {
  putU16(b, 0, flags);
  putU16(b, 2, keyn);
  putU32(b, 4, 0);
  putOff(b, 8, child);
}

export class DbTree {
  readonly order: number;
  readonly hks: number;
  readonly feats: number;
  /** Bytes per record slot (u64 rec_off + hkey). */
  private readonly slot: number;

  /** Open an existing tree whose btr_root is at `rootOff`. */
  constructor(
    readonly mem: VosMem,
    readonly rootOff: number,
    readonly cls: TreeClass,
  ) {
    this.order = mem.u16(rootOff);
    this.hks = mem.u16(rootOff + 6);
    this.feats = mem.u32(rootOff + 8);
    this.slot = 8 + this.hks;
    if (this.order < 3 || mem.u16(rootOff + 4) !== cls.id || this.hks !== cls.hkeySize) {
      throw derError('DF_INVAL', `btree root at ${rootOff} is not a ${cls.name} tree`);
    }
  }

  /** dbtree_create_inplace: write an empty btr_root (inside the caller's transaction). */
  static create(mem: VosMem, rootOff: number, cls: TreeClass, order: number, feats = 0): DbTree {
    const v = scratch(BTR_ROOT_SIZE);
    v.setUint16(0, order, true);
    v.setUint16(2, 0, true);
    v.setUint16(4, cls.id, true);
    v.setUint16(6, cls.hkeySize, true);
    v.setUint32(8, feats, true);
    mem.write(rootOff, scratchBytes(BTR_ROOT_SIZE));
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

  /** The node's header; slots are read in place (`recAt`, `hkeyAt`). */
  readNode(off: number): BtrNode {
    const m = this.mem;
    return new BtrNode(off, m.u16(off), m.u16(off + 2), m.off(off + 8));
  }

  /** Record offset (leaf) or child (internal) held in slot `i`. */
  recAt(n: BtrNode, i: number): number {
    return this.mem.off(n.off + BTR_NODE_HDR + i * this.slot);
  }

  /** A copy of slot `i`'s hkey. */
  hkeyAt(n: BtrNode, i: number): Uint8Array {
    this.mem.live();
    const p = n.off + BTR_NODE_HDR + i * this.slot + 8;
    return this.mem.image.slice(p, p + this.hks);
  }

  /** A whole node copied out (delete and verify work on these). */
  private readNodeFull(off: number): Node {
    const slot = this.slot;
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
    const slot = this.slot;
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

  private allocNode(flags: number): BtrNode {
    const off = this.mem.alloc(this.nodeSize, true);
    return new BtrNode(off, flags, 0, 0);
  }

  private setRoot(node: number, depth: number): void {
    const m = this.mem;
    const r = this.rootOff;
    const b = new Uint8Array(BTR_ROOT_SIZE - 2);
    putU16(b, 0, depth);
    putU16(b, 2, m.u16(r + 4));
    putU16(b, 4, m.u16(r + 6));
    putU32(b, 6, m.u32(r + 8));
    putU32(b, 10, (m.u32(r + 12) + 1) >>> 0);
    putOff(b, 14, node);
    m.write(r + 2, b);
  }

  // ---- comparison -----------------------------------------------------------------------

  private static hcmp(a: Uint8Array, b: Uint8Array): number {
    for (let i = 0; i < a.length; i++) {
      const d = (a[i] as number) - (b[i] as number);
      if (d !== 0) return d;
    }
    return 0;
  }

  /** memcmp of slot `i`'s hkey (in SCM) with the probe's. */
  private hcmpAt(n: BtrNode, i: number, probe: Uint8Array): number {
    const img = this.mem.image;
    const p = n.off + BTR_NODE_HDR + i * this.slot + 8;
    const len = this.hks;
    for (let j = 0; j < len; j++) {
      const d = (img[p + j] as number) - (probe[j] as number);
      if (d !== 0) return d;
    }
    return 0;
  }

  /** Order of the record at (node, i) relative to the probe: <0 record first, 0 same key. */
  private cmpRec(n: BtrNode, i: number, k: BKey): number {
    const h = this.hcmpAt(n, i, k.hkey);
    if (h !== 0 || this.cls.keyCmp === undefined) return h;
    return this.cls.keyCmp(this.mem, this.recAt(n, i), k.key);
  }

  /** First slot whose hkey is not below the probe's (binary search over the node). */
  private lowerSlot(n: BtrNode, k: BKey): number {
    let lo = 0;
    let hi = n.keyn;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.hcmpAt(n, mid, k.hkey) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private childAt(n: BtrNode, pos: number): number {
    return pos === 0 ? n.child : this.recAt(n, pos - 1);
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
  private lowerBound(k: BKey): Cursor | null {
    const root = this.rootNode;
    if (root === 0) return null;
    this.mem.live();
    const path: PathEnt[] = [];
    let n = this.readNode(root);
    while (!(n.flags & BTR_NODE_LEAF)) {
      // Child position: number of separators strictly below the probe.
      const pos = this.lowerSlot(n, k);
      path.push({ node: n, idx: pos });
      n = this.readNode(this.childAt(n, pos));
    }
    // First record in this leaf ≥ probe by hkey (binary), then tie-break forward.
    const lo = this.lowerSlot(n, k);
    path.push({ node: n, idx: lo });
    const cur = new Cursor(this, path);
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
    const n = l.node;
    const old = this.recAt(n, l.idx);
    // The whole node is stored again, with the one slot's record changed.
    const len = BTR_NODE_HDR + n.keyn * this.slot;
    const img = this.scratch(len);
    copyBytes(img, 0, this.mem.image, n.off, len);
    putOff(img, BTR_NODE_HDR + l.idx * this.slot, recOff);
    this.mem.write(n.off, img.subarray(0, len));
    return old;
  }

  private scratch(len: number): Uint8Array {
    if (scratchA.length < len) scratchA = new Uint8Array(len * 2);
    return scratchA;
  }

  private insertAt(c: Cursor | null, k: BKey, recOff: number): void {
    const hkey = k.hkey;
    if (c === null) {
      // Empty tree: the root is a single leaf (dynamic root).
      const root = this.allocNode(BTR_NODE_LEAF | BTR_NODE_ROOT);
      this.putSlots([{ node: root, idx: 0 }], 0, 0, recOff, hkey);
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
    if (leaf.idx === 0 && c.valid && c.advanced) {
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
    this.putSlots(path, path.length - 1, leaf.idx, recOff, hkey);
  }

  /**
   * Insert slot (rec, hkey) at position `at` of the node at path[lv] and store the node; if it
   * overflows, split it (btr_node_split) and insert the new right sibling into the parent,
   * recursively up to a new root.
   */
  private putSlots(path: PathEnt[], lv: number, at: number, rec: number, hkey: Uint8Array): void {
    const n = (path[lv] as PathEnt).node;
    const slot = this.slot;
    const hks = this.hks;
    const keyn = n.keyn + 1;
    const len = BTR_NODE_HDR + keyn * slot;
    const img = this.scratch(len);
    const src = this.mem.image;
    // The new image: header, slots before `at`, the new slot, the slots after it.
    const base = n.off + BTR_NODE_HDR;
    copyBytes(img, BTR_NODE_HDR, src, base, at * slot);
    const p = BTR_NODE_HDR + at * slot;
    putOff(img, p, rec);
    const hn = Math.min(hks, hkey.length);
    copyBytes(img, p + 8, hkey, 0, hn);
    img.fill(0, p + 8 + hn, p + slot);
    copyBytes(img, p + slot, src, base + at * slot, (n.keyn - at) * slot);
    if (keyn <= this.order) {
      putHdr(img, n.flags, keyn, n.child);
      n.keyn = keyn;
      this.mem.write(n.off, img.subarray(0, len));
      return;
    }
    const isLeaf = (n.flags & BTR_NODE_LEAF) !== 0;
    const right = this.allocNode(isLeaf ? BTR_NODE_LEAF : 0);
    const mid = keyn >> 1;
    // Leaf: the right node takes slots [mid, keyn) and its first hkey is the separator.
    // Internal: slot mid's child becomes the right node's tn_child, its hkey the separator.
    const first = isLeaf ? mid : mid + 1;
    const sepAt = BTR_NODE_HDR + mid * slot + 8;
    const sep = img.slice(sepAt, sepAt + hks);
    right.child = isLeaf ? 0 : getOffAt(img, BTR_NODE_HDR + mid * slot);
    right.keyn = keyn - first;
    const rlen = BTR_NODE_HDR + right.keyn * slot;
    if (scratchB.length < rlen) scratchB = new Uint8Array(rlen * 2);
    const rimg = scratchB;
    putHdr(rimg, right.flags, right.keyn, right.child);
    copyBytes(rimg, BTR_NODE_HDR, img, BTR_NODE_HDR + first * slot, right.keyn * slot);
    const wasRoot = (n.flags & BTR_NODE_ROOT) !== 0;
    n.flags &= ~BTR_NODE_ROOT;
    n.keyn = mid;
    putHdr(img, n.flags, mid, n.child);
    this.mem.write(n.off, img.subarray(0, BTR_NODE_HDR + mid * slot));
    this.mem.write(right.off, rimg.subarray(0, rlen));
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
      this.putSlots([{ node: root, idx: 0 }], 0, 0, right.off, sep);
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
    this.putSlots(path, lv - 1, parent.idx, right.off, sep);
  }

  /**
   * dbtree_delete: remove `k`; returns the record offset (the caller frees it) or null. Nodes
   * that would become empty grab from or merge with a sibling; the root shrinks (merge.ts).
   */
  delete(k: BKey): number | null {
    const c = this.probe('EQ', k);
    if (c === null) return null;
    // Deletion edits whole nodes: copy the path's nodes out.
    const path = c.path.map((p) => ({ node: this.readNodeFull(p.node.off), idx: p.idx }));
    return btrDelete(this.nodeIo, path);
  }

  /** The node I/O deletion (merge.ts) works through. */
  private get nodeIo(): NodeIo {
    return {
      mem: this.mem,
      tree: this.cls.name,
      read: (off) => this.readNodeFull(off),
      write: (n) => this.writeNode(n),
      setRoot: (node, depth) => this.setRoot(node, depth),
      depth: () => this.depth,
    };
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
      const n = this.readNodeFull(off);
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

/** Read a number < 2^53 from 8 little-endian bytes of a byte array. */
function getOffAt(b: Uint8Array, at: number): number {
  const lo =
    ((b[at] as number) | ((b[at + 1] as number) << 8) | ((b[at + 2] as number) << 16)) +
    (b[at + 3] as number) * 0x100_0000;
  const hi =
    ((b[at + 4] as number) | ((b[at + 5] as number) << 8) | ((b[at + 6] as number) << 16)) +
    (b[at + 7] as number) * 0x100_0000;
  return lo + hi * 0x1_0000_0000;
}
