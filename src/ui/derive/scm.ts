/**
 * SCM map state: per device, per 64-byte cache line, its allocation (free / reserved /
 * allocated, from umem `reserve`/`alloc`/`free`/`cancel` effects) and its persistence (dirty
 * after `scm.write`, flushed after `scm.flush`, durable after `scm.drain`, lost after
 * `scm.power_cut`) — exactly the line states of src/engine/media/scm.ts, replayed from effects.
 *
 * Devices are sized by the highest line the trace touches (the engine emits no device size
 * yet). Effects without `dev` (VOS annotations such as `{kind:'scm.write', what:'value'}`) are
 * not device writes and are ignored here; ownerLog.ts reads them.
 */
import type { TraceEvent } from '../../protocol/index.ts';
import type { Effect } from '../../engine/trace/event.ts';
import type { Reducer } from './createDerived.ts';
import { IntList, num, str } from './grow.ts';
import { PagedBytes } from './pagedBytes.ts';

export const SCM_LINE = 64;

export const PERSIST_NONE = 0;
export const PERSIST_DIRTY = 1;
export const PERSIST_FLUSHED = 2;
export const PERSIST_DURABLE = 3;
export const PERSIST_LOST = 4;

export const ALLOC_FREE = 0;
export const ALLOC_RESERVED = 1;
export const ALLOC_ALLOCATED = 2;

export interface ScmDevState {
  id: string;
  /** Lines in use by the map: 1 + the highest line any effect touched. */
  lines: number;
  /** Per line (copy-on-write pages: checkpoints share what an interval did not change). */
  alloc: PagedBytes;
  persist: PagedBytes;
  /** Lines flushed and waiting for the next drain. */
  pending: IntList;
  writes: number;
  flushes: number;
  drains: number;
  /** Open umem transactions (tx.begin … tx.commit/abort). */
  txDepth: number;
  powerCut: boolean;
}

export interface ScmState {
  devs: Map<string, ScmDevState>;
}

export const scmInitial = (): ScmState => ({ devs: new Map() });

function dev(s: ScmState, id: string): ScmDevState {
  let d = s.devs.get(id);
  if (!d) {
    d = {
      id,
      lines: 0,
      alloc: PagedBytes.empty(),
      persist: PagedBytes.empty(),
      pending: new IntList(),
      writes: 0,
      flushes: 0,
      drains: 0,
      txDepth: 0,
      powerCut: false,
    };
    s.devs.set(id, d);
  }
  return d;
}

/** Line range [first, last] of a byte range, growing the device's map to hold it. */
function span(d: ScmDevState, off: number, len: number): [number, number] | null {
  if (len <= 0 || off < 0) return null;
  const first = Math.floor(off / SCM_LINE);
  const last = Math.floor((off + len - 1) / SCM_LINE);
  if (last + 1 > d.lines) d.lines = last + 1;
  return [first, last];
}

function setAlloc(d: ScmDevState, e: Effect, v: number): void {
  const r = span(d, num(e, 'off') ?? -1, num(e, 'len') ?? 0);
  if (r) d.alloc.fill(v, r[0], r[1] + 1);
}

export function applyScmEffect(s: ScmState, e: Effect): void {
  const id = str(e, 'dev');
  if (id === undefined) return;
  const media = str(e, 'media');
  switch (e.kind) {
    case 'scm.write': {
      const d = dev(s, id);
      d.writes++;
      const r = span(d, num(e, 'off') ?? -1, num(e, 'len') ?? 0);
      if (r) d.persist.fill(PERSIST_DIRTY, r[0], r[1] + 1);
      return;
    }
    case 'scm.flush': {
      const d = dev(s, id);
      d.flushes++;
      const r = span(d, num(e, 'off') ?? -1, num(e, 'len') ?? 0);
      if (!r) return;
      for (let l = r[0]; l <= r[1]; l++) {
        if (d.persist.get(l) === PERSIST_DIRTY) {
          d.persist.set(l, PERSIST_FLUSHED);
          d.pending.push(l);
        }
      }
      return;
    }
    case 'scm.drain': {
      const d = dev(s, id);
      d.drains++;
      for (let i = 0; i < d.pending.length; i++) {
        const l = d.pending.data[i] as number;
        if (d.persist.get(l) === PERSIST_FLUSHED) d.persist.set(l, PERSIST_DURABLE);
      }
      d.pending.clear();
      return;
    }
    case 'scm.power_cut': {
      const d = dev(s, id);
      d.powerCut = true;
      for (let l = 0; l < d.lines; l++) {
        const p = d.persist.get(l);
        if (p === PERSIST_DIRTY || p === PERSIST_FLUSHED) d.persist.set(l, PERSIST_LOST);
      }
      d.pending.clear();
      d.txDepth = 0;
      return;
    }
    case 'tx.begin':
      dev(s, id).txDepth++;
      return;
    case 'tx.commit':
    case 'tx.abort': {
      const d = dev(s, id);
      d.txDepth = Math.max(0, d.txDepth - 1);
      return;
    }
    case 'alloc':
      if (media === 'scm') setAlloc(dev(s, id), e, ALLOC_ALLOCATED);
      return;
    case 'reserve':
      if (media === 'scm') setAlloc(dev(s, id), e, ALLOC_RESERVED);
      return;
    case 'free':
    case 'cancel':
      if (media === 'scm') setAlloc(dev(s, id), e, ALLOC_FREE);
      return;
    default:
      return;
  }
}

function cloneDev(d: ScmDevState): ScmDevState {
  return {
    ...d,
    alloc: d.alloc.clone(),
    persist: d.persist.clone(),
    pending: d.pending.clone(),
  };
}

/** The effect kinds applyScmEffect reads (createDerived skips events without one). */
export const SCM_KINDS = ['scm.', 'tx.', 'alloc', 'reserve', 'free', 'cancel'] as const;

export const scmReducer: Reducer<ScmState> = {
  apply(s, e: TraceEvent) {
    if (e.effects) for (const f of e.effects) applyScmEffect(s, f);
    return s;
  },
  applyEffects(s, effects) {
    for (const f of effects) applyScmEffect(s, f);
    return s;
  },
  effectsOnly: true,
  kinds: SCM_KINDS,
  clone: (s) => ({ devs: new Map([...s.devs].map(([k, d]) => [k, cloneDev(d)])) }),
};

/** What a line shows (one code per legend entry). */
export type LineLook =
  'free' | 'written-free' | 'allocated' | 'reserved' | 'dirty' | 'flushed' | 'durable' | 'lost';

export function lineLook(d: ScmDevState, l: number): LineLook {
  const p = d.persist.get(l);
  const a = d.alloc.get(l);
  if (p === PERSIST_LOST) return 'lost';
  if (p === PERSIST_DIRTY) return 'dirty';
  if (p === PERSIST_FLUSHED) return 'flushed';
  if (a === ALLOC_RESERVED) return 'reserved';
  if (p === PERSIST_DURABLE) return a === ALLOC_ALLOCATED ? 'durable' : 'written-free';
  return a === ALLOC_ALLOCATED ? 'allocated' : 'free';
}

export function lineCounts(d: ScmDevState): Record<LineLook, number> {
  const c: Record<LineLook, number> = {
    free: 0,
    'written-free': 0,
    allocated: 0,
    reserved: 0,
    dirty: 0,
    flushed: 0,
    durable: 0,
    lost: 0,
  };
  for (let l = 0; l < d.lines; l++) c[lineLook(d, l)]++;
  return c;
}
