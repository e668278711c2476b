/**
 * evtree (evtree.c, spec §7.5): an R-tree over rectangles extent [lo, hi] × epochs
 * [epoch.minor, ∞), stored in SCM. Entries are never trimmed on insert; what a read sees is
 * resolved by `evtFind` (newest (epoch, minor) wins per index, punches and holes included).
 *
 * evt_root (32 B, in the akey record union):
 *   +0 u64 tr_node  +8 u16 tr_depth  +10 u16 tr_order  +12 u32 tr_inob (record size, fixed
 *   while entries exist)  +16 u32 tr_feats  +20 u32 tr_csum_chunk_size  +24 u16 tr_csum_type
 *   +26 u16 tr_csum_len  +28 u32 tr_nr (entries)
 * evt_rect_df (32 B): u64 rd_epc, u64 rd_lo, u64 rd_hi (inclusive; DAOS packs a length),
 *   u16 rd_minor_epc, 6 B pad.
 * evt_node: u16 tn_flags (LEAF 1, ROOT 2), u16 tn_nr, u32 pad, evt_rect_df tn_mbr, then
 *   tr_order × { evt_rect_df; u64 ne_child } — ne_child is a node (internal) or evt_desc (leaf).
 * evt_desc (32 B + csum): bio_addr_t dc_ex_addr (16), u32 dc_ver, u32 dc_magic, u32 dc_dtx,
 *   u32 pad, then tr_csum_len × chunks bytes of checksum.
 *
 * Insert policy: choose the child whose MBR grows least (then the fuller-free one); a full node
 * splits into halves sorted by rd_lo (the sort-by-distance policy in spirit). No deletion here:
 * aggregation (which removes covered entries) is out of scope.
 */
import { DTX_LID_ABORTED, dtxRecordLid } from './dtx-table.ts';
import { derError } from '../core/errors.ts';
import type { VosMem } from './mem.ts';
import { getOff, setOff } from './mem.ts';
import type { BioAddr } from './layout.ts';
import { BIO_FLAG_HOLE, decBioAddr, encBioAddr } from './layout.ts';

export const EVT_ROOT_SIZE = 32;
const RECT = 32;
const ENT = RECT + 8;
const NODE_HDR = 8 + RECT;
const EVT_NODE_LEAF = 1;
const EVT_NODE_ROOT = 2;
export const EVT_DESC_HDR = 32;
const EVT_DESC_MAGIC = 0xbeefdead;
export const MAX_RECT_WIDTH = (1n << 48n) - 1n;
const U64_MAX = 0xffff_ffff_ffff_ffffn;

export interface EvtRect {
  lo: bigint;
  hi: bigint;
  epoch: bigint;
  minor: number;
}

/** evt_entry_in */
export interface EvtEntryIn {
  rect: EvtRect;
  ver: number;
  /** Record size; 0 for a hole (punch). */
  inob: number;
  addr: BioAddr;
  csum?: Uint8Array;
}

/** A stored entry as read back (leaf entry + its descriptor). */
export interface EvtEntry {
  rect: EvtRect;
  descOff: number;
  addr: BioAddr;
  ver: number;
}

/** A visible piece of an entry (evt_entry: en_ext, en_sel_ext). */
export interface EvtVisible {
  /** Selected (visible) part. */
  lo: bigint;
  hi: bigint;
  /** The whole stored extent it belongs to. */
  fullLo: bigint;
  fullHi: bigint;
  epoch: bigint;
  minor: number;
  addr: BioAddr;
  hole: boolean;
  inob: number;
  descOff: number;
}

interface ENode {
  off: number;
  flags: number;
  rects: EvtRect[];
  childs: number[];
}

function decRect(dv: DataView, at: number): EvtRect {
  return {
    epoch: dv.getBigUint64(at, true),
    lo: dv.getBigUint64(at + 8, true),
    hi: dv.getBigUint64(at + 16, true),
    minor: dv.getUint16(at + 24, true),
  };
}

function encRect(dv: DataView, at: number, r: EvtRect): void {
  dv.setBigUint64(at, r.epoch, true);
  dv.setBigUint64(at + 8, r.lo, true);
  dv.setBigUint64(at + 16, r.hi, true);
  dv.setUint16(at + 24, r.minor, true);
}

function mbrOf(rects: EvtRect[]): EvtRect {
  let lo = U64_MAX;
  let hi = 0n;
  let epoch = U64_MAX;
  for (const r of rects) {
    if (r.lo < lo) lo = r.lo;
    if (r.hi > hi) hi = r.hi;
    if (r.epoch < epoch) epoch = r.epoch;
  }
  return { lo, hi, epoch, minor: 0 };
}

const overlaps = (a: EvtRect, lo: bigint, hi: bigint): boolean => a.lo <= hi && lo <= a.hi;

function cmpEM(ae: bigint, am: number, be: bigint, bm: number): number {
  return ae < be ? -1 : ae > be ? 1 : am - bm;
}

export class EvTree {
  constructor(
    readonly mem: VosMem,
    readonly rootOff: number,
  ) {}

  /** evt_create_inplace */
  static create(
    mem: VosMem,
    rootOff: number,
    order: number,
    csumType = 0,
    csumLen = 0,
    chunk = 0,
  ): EvTree {
    const b = new Uint8Array(EVT_ROOT_SIZE);
    const dv = new DataView(b.buffer);
    dv.setUint16(10, order, true);
    dv.setUint32(20, chunk, true);
    dv.setUint16(24, csumType, true);
    dv.setUint16(26, csumLen, true);
    mem.write(rootOff, b);
    return new EvTree(mem, rootOff);
  }

  private root(): { node: number; depth: number; order: number; inob: number; nr: number } {
    const dv = this.mem.view(this.rootOff, EVT_ROOT_SIZE);
    return {
      node: getOff(dv, 0),
      depth: dv.getUint16(8, true),
      order: dv.getUint16(10, true),
      inob: dv.getUint32(12, true),
      nr: dv.getUint32(28, true),
    };
  }

  get inob(): number {
    return this.root().inob;
  }

  get count(): number {
    return this.root().nr;
  }

  get csum(): { type: number; len: number; chunk: number } {
    const dv = this.mem.view(this.rootOff, EVT_ROOT_SIZE);
    return {
      chunk: dv.getUint32(20, true),
      type: dv.getUint16(24, true),
      len: dv.getUint16(26, true),
    };
  }

  private setRoot(node: number, depth: number, inob: number, nr: number): void {
    const b = new Uint8Array(16);
    const dv = new DataView(b.buffer);
    setOff(dv, 0, node);
    dv.setUint16(8, depth, true);
    dv.setUint16(10, this.root().order, true);
    dv.setUint32(12, inob, true);
    this.mem.write(this.rootOff, b);
    this.mem.w32(this.rootOff + 28, nr);
  }

  private readNode(off: number): ENode {
    const hdr = this.mem.view(off, NODE_HDR);
    const nr = hdr.getUint16(2, true);
    const body = this.mem.view(off + NODE_HDR, nr * ENT);
    const rects: EvtRect[] = [];
    const childs: number[] = [];
    for (let i = 0; i < nr; i++) {
      rects.push(decRect(body, i * ENT));
      childs.push(getOff(body, i * ENT + RECT));
    }
    return { off, flags: hdr.getUint16(0, true), rects, childs };
  }

  private writeNode(n: ENode): void {
    const b = new Uint8Array(NODE_HDR + n.rects.length * ENT);
    const dv = new DataView(b.buffer);
    dv.setUint16(0, n.flags, true);
    dv.setUint16(2, n.rects.length, true);
    if (n.rects.length > 0) encRect(dv, 8, mbrOf(n.rects));
    n.rects.forEach((r, i) => {
      encRect(dv, NODE_HDR + i * ENT, r);
      setOff(dv, NODE_HDR + i * ENT + RECT, n.childs[i] as number);
    });
    this.mem.write(n.off, b);
  }

  private nodeSize(order: number): number {
    return NODE_HDR + order * ENT;
  }

  /** Every leaf entry overlapping [lo, hi] with epoch ≤ maxEpoch (collection for evt_find). */
  entries(lo = 0n, hi = U64_MAX, maxEpoch = U64_MAX): EvtEntry[] {
    const r = this.root();
    const out: EvtEntry[] = [];
    if (r.node === 0) return out;
    const walk = (off: number): void => {
      const n = this.readNode(off);
      n.rects.forEach((rect, i) => {
        if (!overlaps(rect, lo, hi) || rect.epoch > maxEpoch) return;
        const child = n.childs[i] as number;
        if (n.flags & EVT_NODE_LEAF) {
          const d = this.mem.view(child, EVT_DESC_HDR);
          out.push({ rect, descOff: child, addr: decBioAddr(d, 0), ver: d.getUint32(16, true) });
        } else walk(child);
      });
    };
    walk(r.node);
    return out;
  }

  /**
   * evt_insert. Returns the descriptor offset. `onReplace` receives the old data address when
   * an identical rectangle at the same epoch/minor is overwritten (caller frees it).
   */
  insert(ent: EvtEntryIn, onReplace?: (old: BioAddr) => void): number {
    const { rect } = ent;
    if (rect.hi < rect.lo) throw derError('INVAL', 'evt_insert: empty extent');
    const hole = (ent.addr.ba_flags & BIO_FLAG_HOLE) !== 0 || ent.inob === 0;
    if (!hole && rect.hi - rect.lo + 1n > MAX_RECT_WIDTH) {
      throw derError('NO_PERM', 'evt_insert: extent wider than 2^48-1 records');
    }
    const r = this.root();
    if (!hole && r.inob !== 0 && r.nr > 0 && r.inob !== ent.inob) {
      throw derError('INVAL', 'Variable record size not supported in evtree');
    }
    // Phase 1: same epoch and minor overlapping → overwrite identical, reject partial.
    for (const e of this.entries(rect.lo, rect.hi)) {
      if (e.rect.epoch !== rect.epoch || e.rect.minor !== rect.minor) continue;
      if (e.rect.lo === rect.lo && e.rect.hi === rect.hi) {
        onReplace?.(e.addr);
        this.writeDesc(e.descOff, ent);
        this.mem.effect({
          kind: 'evt.overwrite',
          desc: e.descOff,
          lo: rect.lo.toString(),
          hi: rect.hi.toString(),
        });
        return e.descOff;
      }
      throw derError('VOS_PARTIAL_UPDATE', 'evt_insert: partial overlap at the same epoch');
    }
    // Phase 2: allocate the descriptor and insert the rectangle.
    const descOff = this.mem.alloc(EVT_DESC_HDR + (ent.csum?.length ?? 0), true);
    this.writeDesc(descOff, ent);
    const inob = hole ? r.inob : ent.inob;
    if (r.node === 0) {
      const off = this.mem.alloc(this.nodeSize(r.order), true);
      this.writeNode({
        off,
        flags: EVT_NODE_LEAF | EVT_NODE_ROOT,
        rects: [rect],
        childs: [descOff],
      });
      this.setRoot(off, 1, inob, 1);
      this.mem.effect({ kind: 'tree.insert', tree: 'evtree', node: off, idx: 0, rec: descOff });
      return descOff;
    }
    const path: { node: ENode; idx: number }[] = [];
    let n = this.readNode(r.node);
    while (!(n.flags & EVT_NODE_LEAF)) {
      const idx = this.chooseChild(n, rect);
      path.push({ node: n, idx });
      n = this.readNode(n.childs[idx] as number);
    }
    // Leaf entries kept sorted by (lo, epoch) so node dumps read naturally.
    let at = n.rects.findIndex((x) => x.lo > rect.lo || (x.lo === rect.lo && x.epoch > rect.epoch));
    if (at < 0) at = n.rects.length;
    n.rects.splice(at, 0, rect);
    n.childs.splice(at, 0, descOff);
    this.mem.effect({ kind: 'tree.insert', tree: 'evtree', node: n.off, idx: at, rec: descOff });
    let depth = r.depth;
    let carry: { rect: EvtRect; off: number } | null = this.maybeSplit(n, r.order);
    for (let lv = path.length - 1; lv >= 0; lv--) {
      const p = path[lv] as { node: ENode; idx: number };
      const child = this.readNode(p.node.childs[p.idx] as number);
      p.node.rects[p.idx] = mbrOf(child.rects);
      if (carry !== null) {
        p.node.rects.splice(p.idx + 1, 0, carry.rect);
        p.node.childs.splice(p.idx + 1, 0, carry.off);
      }
      carry = this.maybeSplit(p.node, r.order);
    }
    let rootOff = r.node;
    if (carry !== null) {
      const oldRoot = this.readNode(r.node);
      const off = this.mem.alloc(this.nodeSize(r.order), true);
      this.writeNode({
        off,
        flags: EVT_NODE_ROOT,
        rects: [mbrOf(oldRoot.rects), carry.rect],
        childs: [r.node, carry.off],
      });
      rootOff = off;
      depth++;
      this.mem.effect({ kind: 'tree.grow', tree: 'evtree', root: off, depth });
    }
    this.setRoot(rootOff, depth, inob, r.nr + 1);
    return descOff;
  }

  /** Write a node; if it overflowed, split it and return the new right sibling's MBR/offset. */
  private maybeSplit(n: ENode, order: number): { rect: EvtRect; off: number } | null {
    if (n.rects.length <= order) {
      this.writeNode(n);
      return null;
    }
    const idx = n.rects.map((_, i) => i);
    idx.sort((a, b) => {
      const ra = n.rects[a] as EvtRect;
      const rb = n.rects[b] as EvtRect;
      return ra.lo < rb.lo
        ? -1
        : ra.lo > rb.lo
          ? 1
          : ra.epoch < rb.epoch
            ? -1
            : ra.epoch > rb.epoch
              ? 1
              : 0;
    });
    const half = idx.length >> 1;
    const leftIdx = idx.slice(0, half);
    const rightIdx = idx.slice(half);
    const leaf = n.flags & EVT_NODE_LEAF;
    const right: ENode = {
      off: this.mem.alloc(this.nodeSize(order), true),
      flags: leaf,
      rects: rightIdx.map((i) => n.rects[i] as EvtRect),
      childs: rightIdx.map((i) => n.childs[i] as number),
    };
    n.rects = leftIdx.map((i) => n.rects[i] as EvtRect);
    n.childs = leftIdx.map((i) => n.childs[i] as number);
    n.flags &= ~EVT_NODE_ROOT;
    this.writeNode(n);
    this.writeNode(right);
    this.mem.effect({
      kind: 'tree.split',
      tree: 'evtree',
      node: n.off,
      right: right.off,
      leaf: leaf !== 0,
      left_nr: n.rects.length,
      right_nr: right.rects.length,
    });
    return { rect: mbrOf(right.rects), off: right.off };
  }

  /** Least enlargement of the extent span, then of the epoch span, then the first. */
  private chooseChild(n: ENode, r: EvtRect): number {
    let best = 0;
    let bestGrow = -1n;
    n.rects.forEach((m, i) => {
      const lo = m.lo < r.lo ? m.lo : r.lo;
      const hi = m.hi > r.hi ? m.hi : r.hi;
      const grow = hi - lo - (m.hi - m.lo);
      if (bestGrow < 0n || grow < bestGrow) {
        bestGrow = grow;
        best = i;
      }
    });
    return best;
  }

  private writeDesc(off: number, ent: EvtEntryIn): void {
    const csum = ent.csum ?? new Uint8Array(0);
    const b = new Uint8Array(EVT_DESC_HDR + csum.length);
    b.set(encBioAddr(ent.addr), 0);
    const dv = new DataView(b.buffer);
    dv.setUint32(16, ent.ver, true);
    dv.setUint32(20, EVT_DESC_MAGIC, true);
    dv.setUint32(24, dtxRecordLid(this.mem, 'evt', off + 24), true); // dc_dtx
    dv.setUint32(28, ent.inob, true);
    b.set(csum, EVT_DESC_HDR);
    this.mem.write(off, b);
  }

  /** Read the stored checksum bytes of a descriptor. */
  descCsum(descOff: number, len: number): Uint8Array {
    return this.mem.read(descOff + EVT_DESC_HDR, len);
  }

  /** Per-entry record size is kept in the descriptor (0 = hole). */
  descInob(descOff: number): number {
    return this.mem.u32(descOff + 28);
  }

  /** Mark a descriptor's address corrupted (checksum failure found on fetch). */
  markCorrupted(descOff: number, flag: number): void {
    const f = this.mem.u16(descOff + 10);
    this.mem.w16(descOff + 10, f | flag);
  }

  /**
   * evt_find + evt_ent_array_sort: the visible pieces of [lo, hi] at `epoch`, in index order.
   * For each index the newest (epoch, minor) ≤ epoch wins; entries at or below `punch`
   * (the akey's inherited punch) or older than `visibleFrom` are covered.
   */
  find(
    lo: bigint,
    hi: bigint,
    epoch: bigint,
    punch: { epoch: bigint; minor: number },
    visibleFrom = 0n,
  ): EvtVisible[] {
    const cands = this.entries(lo, hi, epoch).filter(
      (e) =>
        // an aborted DTX's extent is invisible (its space is GC's to reclaim)
        this.mem.u32(e.descOff + 24) !== DTX_LID_ABORTED &&
        e.rect.epoch >= visibleFrom &&
        cmpEM(e.rect.epoch, e.rect.minor, punch.epoch, punch.minor) > 0,
    );
    if (cands.length === 0) return [];
    // Newest first: paint each index once.
    cands.sort((a, b) => -cmpEM(a.rect.epoch, a.rect.minor, b.rect.epoch, b.rect.minor));
    let free: [bigint, bigint][] = [[lo, hi]];
    const out: EvtVisible[] = [];
    for (const e of cands) {
      const next: [bigint, bigint][] = [];
      for (const [flo, fhi] of free) {
        const plo = e.rect.lo > flo ? e.rect.lo : flo;
        const phi = e.rect.hi < fhi ? e.rect.hi : fhi;
        if (plo > phi) {
          next.push([flo, fhi]);
          continue;
        }
        const inob = this.descInob(e.descOff);
        out.push({
          lo: plo,
          hi: phi,
          fullLo: e.rect.lo,
          fullHi: e.rect.hi,
          epoch: e.rect.epoch,
          minor: e.rect.minor,
          addr: e.addr,
          hole: (e.addr.ba_flags & BIO_FLAG_HOLE) !== 0 || inob === 0,
          inob,
          descOff: e.descOff,
        });
        if (flo < plo) next.push([flo, plo - 1n]);
        if (phi < fhi) next.push([phi + 1n, fhi]);
      }
      free = next;
      if (free.length === 0) break;
    }
    out.sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
    return out;
  }

  /** Structural check for tests: MBRs contain children; returns the entry count. */
  verify(): number {
    const r = this.root();
    if (r.node === 0) return 0;
    let count = 0;
    const walk = (off: number, lvl: number, mbr: EvtRect | null): void => {
      const n = this.readNode(off);
      if (n.rects.length > r.order) throw new Error(`evt node ${off} overfull`);
      for (const x of n.rects) {
        if (mbr !== null && (x.lo < mbr.lo || x.hi > mbr.hi || x.epoch < mbr.epoch)) {
          throw new Error(`evt node ${off}: entry outside parent MBR`);
        }
      }
      if (n.flags & EVT_NODE_LEAF) {
        if (lvl !== r.depth) throw new Error(`evt leaf at level ${lvl}, depth ${r.depth}`);
        count += n.rects.length;
        return;
      }
      n.rects.forEach((x, i) => walk(n.childs[i] as number, lvl + 1, x));
    };
    walk(r.node, 1, null);
    if (count !== r.nr) throw new Error(`evt count ${count} != tr_nr ${r.nr}`);
    return count;
  }
}
