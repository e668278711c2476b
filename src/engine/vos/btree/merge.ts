/**
 * dbtree deletion with rebalancing (btr_delete in DAOS's src/common/btree.c): a record leaves
 * its leaf; a node that would become empty instead grabs one entry from a sibling
 * (btr_node_del_leaf_rebal / btr_node_del_child_rebal) or, when the sibling has only one to
 * give, the two nodes merge into one (btr_node_del_leaf_merge / btr_node_del_child_merge) and
 * the parent loses a child — which may bubble up to the root. A root left with a single child
 * hands the root role to it and the tree gets one level shallower (btr_root_del_rec).
 *
 * The sibling is the left one, or the right one for the leftmost child (as btr_delete_bubble
 * picks it). Separators stay lower bounds of their subtree: a leaf that grabs from its right
 * sibling moves the parent's separator to the sibling's new first hkey; one that grabs from the
 * left takes the grabbed record's hkey as its own separator; internal nodes rotate a child
 * through the parent's separator.
 *
 * Everything runs inside the caller's umem transaction (every node store goes through VosMem's
 * undo log, nodes are freed with umem tx free), so a power cut in the middle of a merge rolls
 * back to the tree before the delete. Each structural change is traced as an effect on the next
 * event, like splits: `tree.rebalance`, `tree.merge`, `tree.shrink`, with points named after the
 * btree.c functions.
 */
import type { VosMem } from '../mem.ts';

export const BTR_NODE_LEAF = 1;
export const BTR_NODE_ROOT = 2;

/** A node copied out of SCM (same shape as the tree's own node image). */
export interface NodeImage {
  off: number;
  flags: number;
  keyn: number;
  /** Leftmost child (internal nodes). */
  child: number;
  /** Leaf: record offsets. Internal: children 1..keyn (child 0 is `child`). */
  recs: number[];
  /** hkeys: leaf — of each record; internal — separator (lower bound) of child i+1. */
  hks: Uint8Array[];
}

/** One level of the probe path: the node and the record index (leaf) / child position. */
export interface PathImage {
  node: NodeImage;
  idx: number;
}

/** What deletion needs from the tree (its node I/O stays in btree.ts). */
export interface NodeIo {
  readonly mem: VosMem;
  readonly tree: string;
  read(off: number): NodeImage;
  write(n: NodeImage): void;
  setRoot(node: number, depth: number): void;
  depth(): number;
}

const isLeaf = (n: NodeImage): boolean => (n.flags & BTR_NODE_LEAF) !== 0;

/**
 * Own copies of a node's hkeys: node loads may be views of SCM, and hkeys move between nodes
 * that are stored one after the other.
 */
function own(n: NodeImage): NodeImage {
  n.hks = n.hks.map((h) => h.slice());
  return n;
}

function readOwn(io: NodeIo, off: number): NodeImage {
  return own(io.read(off));
}

function childAt(n: NodeImage, pos: number): number {
  return pos === 0 ? n.child : (n.recs[pos - 1] as number);
}

function point(io: NodeIo, step: string, data: Record<string, number | boolean | string>): void {
  io.mem.point(step, { tree: io.tree, ...data });
}

/**
 * btr_delete: remove the leaf record at the end of `path` (already found by a probe) and
 * rebalance. Returns the record offset (the caller frees the record itself).
 */
export function btrDelete(io: NodeIo, path: PathImage[]): number {
  for (const pe of path) own(pe.node);
  const lv = path.length - 1;
  const leaf = path[lv] as PathImage;
  const recOff = leaf.node.recs[leaf.idx] as number;
  io.mem.effect({
    kind: 'tree.delete',
    tree: io.tree,
    node: leaf.node.off,
    idx: leaf.idx,
    rec: recOff,
  });
  // btr_node_del_leaf_only
  leaf.node.recs.splice(leaf.idx, 1);
  leaf.node.hks.splice(leaf.idx, 1);
  leaf.node.keyn--;
  afterRemove(io, path, lv);
  return recOff;
}

/** The node at path[lv] just lost an entry: write it, or rebalance/merge/shrink. */
function afterRemove(io: NodeIo, path: PathImage[], lv: number): void {
  const n = (path[lv] as PathImage).node;
  const leaf = isLeaf(n);
  if (lv === 0) {
    rootAfterRemove(io, n, leaf);
    return;
  }
  // A leaf keeps ≥ 1 record, an internal node ≥ 1 key (2 children) without help.
  if (n.keyn >= 1) {
    io.write(n);
    return;
  }
  const par = path[lv - 1] as PathImage;
  const p = par.node;
  const pos = par.idx;
  if (!leaf && n.keyn < 0) {
    // An internal node that lost its only child (possible in trees older than rebalancing):
    // nothing to keep, unlink it from the parent.
    io.mem.free(n.off);
    removeChild(io, path, lv - 1, pos);
    return;
  }
  const onRight = pos === 0;
  const sibPos = onRight ? 1 : pos - 1;
  if (sibPos > p.keyn) {
    // No sibling at all (a parent with one child): keep the node as it is.
    io.write(n);
    return;
  }
  const s = readOwn(io, childAt(p, sibPos));
  // Separator between the left node and the right node of the pair, in the parent.
  const sepIdx = onRight ? pos : pos - 1;
  if (s.keyn > 1) {
    if (leaf) leafRebal(io, p, n, s, onRight, sepIdx);
    else childRebal(io, p, n, s, onRight, sepIdx);
    io.write(n);
    io.write(s);
    io.write(p);
    return;
  }
  // Merge the right node of the pair into the left one; the right one leaves the parent.
  const [left, right] = onRight ? [n, s] : [s, n];
  const sep = p.hks[sepIdx] as Uint8Array;
  if (leaf) {
    left.recs.push(...right.recs);
    left.hks.push(...right.hks);
  } else {
    left.recs.push(right.child, ...right.recs);
    left.hks.push(sep, ...right.hks);
  }
  left.keyn = left.recs.length;
  io.mem.effect({
    kind: 'tree.merge',
    tree: io.tree,
    node: left.off,
    freed: right.off,
    leaf,
    keyn: left.keyn,
  });
  point(io, leaf ? 'btr_node_del_leaf_merge' : 'btr_node_del_child_merge', {
    node: left.off,
    freed: right.off,
    sib_on_right: onRight,
    tn_keyn: left.keyn,
  });
  io.write(left);
  io.mem.free(right.off);
  removeChild(io, path, lv - 1, sepIdx + 1);
}

/** btr_node_del_leaf_rebal: the empty leaf `n` takes one record from sibling `s`. */
function leafRebal(
  io: NodeIo,
  p: NodeImage,
  n: NodeImage,
  s: NodeImage,
  onRight: boolean,
  sepIdx: number,
): void {
  if (onRight) {
    n.recs.push(s.recs.shift() as number);
    n.hks.push(s.hks.shift() as Uint8Array);
    p.hks[sepIdx] = s.hks[0] as Uint8Array;
  } else {
    n.recs.unshift(s.recs.pop() as number);
    n.hks.unshift(s.hks.pop() as Uint8Array);
    p.hks[sepIdx] = n.hks[0] as Uint8Array;
  }
  n.keyn = n.recs.length;
  s.keyn = s.recs.length;
  rebalTrace(io, 'btr_node_del_leaf_rebal', n, s, onRight, true);
}

/** btr_node_del_child_rebal: internal node `n` (one child left) takes a child from `s`. */
function childRebal(
  io: NodeIo,
  p: NodeImage,
  n: NodeImage,
  s: NodeImage,
  onRight: boolean,
  sepIdx: number,
): void {
  const sep = p.hks[sepIdx] as Uint8Array;
  if (onRight) {
    // s's leftmost child moves to the end of n, under the parent's separator.
    n.recs.push(s.child);
    n.hks.push(sep);
    p.hks[sepIdx] = s.hks.shift() as Uint8Array;
    s.child = s.recs.shift() as number;
  } else {
    // s's rightmost child becomes n's leftmost; n's old leftmost goes under the separator.
    n.recs.unshift(n.child);
    n.hks.unshift(sep);
    n.child = s.recs.pop() as number;
    p.hks[sepIdx] = s.hks.pop() as Uint8Array;
  }
  n.keyn = n.recs.length;
  s.keyn = s.recs.length;
  rebalTrace(io, 'btr_node_del_child_rebal', n, s, onRight, false);
}

function rebalTrace(
  io: NodeIo,
  step: string,
  n: NodeImage,
  s: NodeImage,
  onRight: boolean,
  leaf: boolean,
): void {
  io.mem.effect({
    kind: 'tree.rebalance',
    tree: io.tree,
    node: n.off,
    sibling: s.off,
    from: onRight ? 'right' : 'left',
    leaf,
  });
  point(io, step, { node: n.off, sibling: s.off, sib_on_right: onRight, tn_keyn: n.keyn });
}

/** btr_node_del_child_only: the child at position `pos` of path[lv] is gone (freed). */
function removeChild(io: NodeIo, path: PathImage[], lv: number, pos: number): void {
  const p = (path[lv] as PathImage).node;
  if (pos === 0) {
    if (p.keyn > 0) {
      p.child = p.recs.shift() as number;
      p.hks.shift();
    } else p.child = 0;
  } else {
    p.recs.splice(pos - 1, 1);
    p.hks.splice(pos - 1, 1);
  }
  p.keyn--;
  afterRemove(io, path, lv);
}

/** btr_root_del_rec: an empty root leaf empties the tree; a root with one child hands over. */
function rootAfterRemove(io: NodeIo, n: NodeImage, leaf: boolean): void {
  if (leaf) {
    if (n.keyn > 0) {
      io.write(n);
      return;
    }
    io.mem.free(n.off);
    io.setRoot(0, 0);
    io.mem.effect({ kind: 'tree.shrink', tree: io.tree, root: 0, depth: 0 });
    point(io, 'btr_root_del_rec', { root: 0, depth: 0 });
    return;
  }
  if (n.keyn >= 1) {
    io.write(n);
    return;
  }
  if (n.keyn < 0 || n.child === 0) {
    io.mem.free(n.off);
    io.setRoot(0, 0);
    return;
  }
  // One child left: it becomes the root, one level less.
  const c = readOwn(io, n.child);
  c.flags |= BTR_NODE_ROOT;
  io.write(c);
  io.mem.free(n.off);
  const depth = io.depth() - 1;
  io.setRoot(c.off, depth);
  io.mem.effect({ kind: 'tree.shrink', tree: io.tree, root: c.off, depth });
  point(io, 'btr_root_del_rec', { root: c.off, depth });
}
