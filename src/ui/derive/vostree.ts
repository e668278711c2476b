/**
 * VOS tree state: per target (actor) → object → dkey → akey → single-value versions or evtree
 * extents with epochs, built from the data the VOS update steps carry:
 *   `akey_update_single {sk_epoch, ir_size, biov}` → an SV version,
 *   `akey_update_recx {recx, biov}` + `evt_insert {rect:{lo, hi, epc}}` → an array extent,
 *   `key_tree_punch {dkey | akey}` → a punch mark at the op's epoch,
 * with the object/dkey/akey context from vosContext.ts, plus the tree's node splits
 * (`tree.split` effects) and the key path the actor is on (for highlighting).
 */
import type { TraceEvent } from '../../protocol/index.ts';
import type { Json } from '../../engine/trace/event.ts';
import type { Reducer } from './createDerived.ts';
import { num, str, toBig, toNum } from './grow.ts';
import { effectKinds } from './effectKinds.ts';
import { actorOf, foldEventOf, stepOf, type EventList } from './eventList.ts';
import { iovText, updateVosCtx, VOS_CTX_STEPS, type VosCtx } from './vosContext.ts';

export interface SvVersion {
  epoch: bigint;
  size: number;
  media: string;
  addr?: number;
  i: number;
}

export interface Extent {
  lo: number;
  hi: number;
  epoch: bigint;
  media: string;
  i: number;
}

export interface AkeyNode {
  name: string;
  versions: SvVersion[];
  extents: Extent[];
  punched?: bigint;
}

export interface DkeyNode {
  name: string;
  akeys: Map<string, AkeyNode>;
  punched?: bigint;
}

export interface ObjNode {
  oid: string;
  dkeys: Map<string, DkeyNode>;
  punched?: bigint;
}

export interface Split {
  tree: string;
  node: number;
  right: number;
  leaf: boolean;
  i: number;
  actor: string;
}

export interface VosTreeState {
  targets: Map<string, Map<string, ObjNode>>;
  ctx: Map<string, VosCtx>;
  /** Media of the last biov of `akey_update_recx`, per actor (evt_insert follows it). */
  recxMedia: Map<string, string>;
  splits: Split[];
  /** Event index of the last change (views highlight what changed at the cursor). */
  last: number;
}

export const vosTreeInitial = (): VosTreeState => ({
  targets: new Map(),
  ctx: new Map(),
  recxMedia: new Map(),
  splits: [],
  last: -1,
});

type Rec = { [k: string]: Json };
const rec = (v: Json | undefined): Rec | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;

function mediaOf(biov: Json | undefined): { media: string; addr?: number } {
  const addr = rec(rec(biov)?.bi_addr);
  const t = str(addr, 'ba_type') ?? 'DAOS_MEDIA_SCM';
  const media = t.includes('NVME') ? 'NVMe' : t.includes('SCM') ? 'SCM' : t;
  const off = toNum(addr?.ba_off);
  return off === undefined ? { media } : { media, addr: off };
}

function akeyOf(s: VosTreeState, actor: string, c: VosCtx): AkeyNode | undefined {
  const d = dkeyOf(s, actor, c);
  if (!d || c.akey === undefined) return undefined;
  let a = d.akeys.get(c.akey);
  if (!a) {
    a = { name: c.akey, versions: [], extents: [] };
    d.akeys.set(c.akey, a);
  }
  return a;
}

function objOf(s: VosTreeState, actor: string, c: VosCtx): ObjNode | undefined {
  if (c.oid === undefined) return undefined;
  let t = s.targets.get(actor);
  if (!t) {
    t = new Map();
    s.targets.set(actor, t);
  }
  let o = t.get(c.oid);
  if (!o) {
    o = { oid: c.oid, dkeys: new Map() };
    t.set(c.oid, o);
  }
  return o;
}

function dkeyOf(s: VosTreeState, actor: string, c: VosCtx): DkeyNode | undefined {
  const o = objOf(s, actor, c);
  if (!o || c.dkey === undefined) return undefined;
  let d = o.dkeys.get(c.dkey);
  if (!d) {
    d = { name: c.dkey, akeys: new Map() };
    o.dkeys.set(c.dkey, d);
  }
  return d;
}

/** The steps whose data the tree reads (every `case` below). */
const VOS_TREE_STEPS = new Set([
  'akey_update_single',
  'akey_update_recx',
  'evt_insert',
  'key_tree_punch',
  'vos_oi_punch',
]);

export function applyVosTree(
  s: VosTreeState,
  e: TraceEvent,
  i: number,
  mayHaveSplit = true,
): VosTreeState {
  const c = updateVosCtx(s.ctx, e);
  // Step first: `data` is decoded only for the steps the tree reads.
  const d = e.phase !== 'exit' && VOS_TREE_STEPS.has(e.step) ? e.data : undefined;
  if (d) {
    switch (e.step) {
      case 'akey_update_single': {
        const a = akeyOf(s, e.actor, c);
        const epoch = toBig(d.sk_epoch) ?? c.epoch;
        if (a && epoch !== undefined) {
          a.versions.push({ epoch, size: num(d, 'ir_size') ?? 0, ...mediaOf(d.biov), i });
          s.last = i;
        }
        break;
      }
      case 'akey_update_recx':
        s.recxMedia.set(e.actor, mediaOf(d.biov).media);
        break;
      case 'evt_insert': {
        const r = rec(d.rect);
        const lo = toNum(r?.lo);
        const hi = toNum(r?.hi);
        const epoch = toBig(r?.epc) ?? c.epoch;
        const a = akeyOf(s, e.actor, c);
        if (a && lo !== undefined && hi !== undefined && epoch !== undefined) {
          a.extents.push({ lo, hi, epoch, media: s.recxMedia.get(e.actor) ?? 'SCM', i });
          s.last = i;
        }
        break;
      }
      case 'key_tree_punch': {
        const ak = iovText(d.akey);
        const dk = iovText(d.dkey);
        if (c.epoch === undefined) break;
        if (ak !== undefined) {
          const a = akeyOf(s, e.actor, { ...c, akey: ak });
          if (a) a.punched = c.epoch;
        } else if (dk !== undefined) {
          const dn = dkeyOf(s, e.actor, { ...c, dkey: dk });
          if (dn) dn.punched = c.epoch;
        }
        s.last = i;
        break;
      }
      case 'vos_oi_punch': {
        const o = objOf(s, e.actor, c);
        if (o && c.epoch !== undefined) o.punched = c.epoch;
        s.last = i;
        break;
      }
      default:
        break;
    }
  }
  if (!mayHaveSplit) return s;
  for (const f of e.effects ?? []) {
    if (f.kind !== 'tree.split') continue;
    s.splits.push({
      tree: str(f, 'tree') ?? 'tree',
      node: num(f, 'node') ?? 0,
      right: num(f, 'right') ?? 0,
      leaf: f.leaf === true,
      i,
      actor: e.actor,
    });
    s.last = i;
  }
  return s;
}

function cloneAkey(a: AkeyNode): AkeyNode {
  return { ...a, versions: a.versions.slice(), extents: a.extents.slice() };
}

/**
 * Fold event i from the list: only the steps the tree or the key context read, and events the
 * effect-kind index says carry a `tree.split`, are built; the rest of a VOS trace (most of it)
 * is skipped from its header column and kind mask, without decoding anything.
 */
function applyVosTreeAt(s: VosTreeState, l: EventList, i: number): VosTreeState {
  const index = effectKinds(l);
  const split = ((index.upTo(l, i + 1)[i] as number) & index.maskOf(SPLIT)) !== 0;
  const step = stepOf(l, i) as string;
  if (!split && !VOS_TREE_STEPS.has(step) && !VOS_CTX_STEPS.has(step)) {
    // What applyVosTree does for such an event: give its actor a (still empty) key context.
    const actor = actorOf(l, i) as string;
    if (!s.ctx.has(actor)) s.ctx.set(actor, {});
    return s;
  }
  return applyVosTree(s, foldEventOf(l, i) as TraceEvent, i, split);
}
const SPLIT = ['tree.split'];

export const vosTreeReducer: Reducer<VosTreeState> = {
  apply: applyVosTree,
  applyAt: applyVosTreeAt,
  clone: (s) => ({
    targets: new Map(
      [...s.targets].map(([t, objs]) => [
        t,
        new Map(
          [...objs].map(([k, o]) => [
            k,
            {
              ...o,
              dkeys: new Map(
                [...o.dkeys].map(([dk, dn]) => [
                  dk,
                  { ...dn, akeys: new Map([...dn.akeys].map(([ak, an]) => [ak, cloneAkey(an)])) },
                ]),
              ),
            },
          ]),
        ),
      ]),
    ),
    ctx: new Map([...s.ctx].map(([k, v]) => [k, { ...v }])),
    recxMedia: new Map(s.recxMedia),
    splits: s.splits.slice(),
    last: s.last,
  }),
};

/**
 * The extents visible at `epoch` (what a fetch at that epoch returns): for each index, the
 * extent with the highest epoch ≤ `epoch` covering it, as maximal runs. Punched ranges are
 * extents of records of size 0 in DAOS; this view treats every extent as data.
 */
export function visibleRuns(
  extents: readonly Extent[],
  epoch: bigint,
): { lo: number; hi: number; from: Extent }[] {
  const live = extents.filter((x) => x.epoch <= epoch);
  const cuts = new Set<number>();
  for (const x of live) {
    cuts.add(x.lo);
    cuts.add(x.hi + 1);
  }
  const pts = [...cuts].sort((a, b) => a - b);
  const out: { lo: number; hi: number; from: Extent }[] = [];
  for (let k = 0; k + 1 < pts.length; k++) {
    const lo = pts[k] as number;
    const hi = (pts[k + 1] as number) - 1;
    let best: Extent | undefined;
    for (const x of live)
      if (
        x.lo <= lo &&
        x.hi >= hi &&
        (!best || x.epoch > best.epoch || (x.epoch === best.epoch && x.i > best.i))
      )
        best = x;
    if (!best) continue;
    const prev = out[out.length - 1];
    if (prev && prev.from === best && prev.hi + 1 === lo) prev.hi = hi;
    else out.push({ lo, hi, from: best });
  }
  return out;
}
