/**
 * NVMe block map state: per device, per 4 KiB block, its allocation from the VEA effects
 * (`vea.reserve` → reserved, `vea.publish` → allocated, `vea.cancel`/`vea.free` → free; fields
 * `dev, blk_off, blk_cnt`) and its data state from the queue effects (`nvme.submit` write →
 * in flight, `nvme.complete` → cached (volatile write cache) or durable when the write was FUA,
 * `nvme.flush` → every cached block of the device durable, `nvme.power_cut` → cached lost).
 * Ceph's object stores emit `alloc {device, lbas}` (BlueStore allocator), `nvme.write {device,
 * lbas}`, `kv.commit {device, lba, blocks}` and `journal.append {device, lba, blocks}`; the
 * writes count as durable (their aio completes with FUA semantics).
 */
import type { TraceEvent } from '../../protocol/index.ts';
import type { Effect } from '../../engine/trace/event.ts';
import type { Reducer } from './createDerived.ts';
import { growU8, IntList, num, str } from './grow.ts';

export const NVME_BLOCK = 4096;

export const DATA_NONE = 0;
export const DATA_INFLIGHT = 1;
export const DATA_CACHED = 2;
export const DATA_DURABLE = 3;
export const DATA_LOST = 4;

export const BLK_FREE = 0;
export const BLK_RESERVED = 1;
export const BLK_ALLOCATED = 2;

export interface NvmeDevState {
  id: string;
  blocks: number;
  alloc: Uint8Array;
  data: Uint8Array;
  /** Blocks in the volatile cache (waiting for nvme.flush). */
  cached: IntList;
  /** FUA flag of each in-flight write, by lba (bit per block would be overkill). */
  fua: Map<number, boolean>;
  writes: number;
  reads: number;
  flushes: number;
  powerCut: boolean;
}

export interface NvmeState {
  devs: Map<string, NvmeDevState>;
}

export const nvmeInitial = (): NvmeState => ({ devs: new Map() });

function dev(s: NvmeState, id: string): NvmeDevState {
  let d = s.devs.get(id);
  if (!d) {
    d = {
      id,
      blocks: 0,
      alloc: new Uint8Array(0),
      data: new Uint8Array(0),
      cached: new IntList(),
      fua: new Map(),
      writes: 0,
      reads: 0,
      flushes: 0,
      powerCut: false,
    };
    s.devs.set(id, d);
  }
  return d;
}

function span(
  d: NvmeDevState,
  off: number | undefined,
  cnt: number | undefined,
): [number, number] | null {
  if (off === undefined || cnt === undefined || cnt <= 0 || off < 0) return null;
  const end = off + cnt;
  if (end > d.blocks) {
    d.blocks = end;
    d.alloc = growU8(d.alloc, end);
    d.data = growU8(d.data, end);
  }
  return [off, end];
}

export function applyNvmeEffect(s: NvmeState, f: Effect): void {
  const id = str(f, 'dev') ?? str(f, 'device');
  if (id === undefined) return;
  switch (f.kind) {
    case 'vea.reserve':
    case 'vea.publish':
    case 'vea.cancel':
    case 'vea.free': {
      const d = dev(s, id);
      const r = span(d, num(f, 'blk_off'), num(f, 'blk_cnt'));
      if (!r) return;
      const v =
        f.kind === 'vea.reserve'
          ? BLK_RESERVED
          : f.kind === 'vea.publish'
            ? BLK_ALLOCATED
            : BLK_FREE;
      d.alloc.fill(v, r[0], r[1]);
      return;
    }
    case 'nvme.submit': {
      const d = dev(s, id);
      if (str(f, 'op') !== 'write') {
        if (str(f, 'op') === 'read') d.reads++;
        return;
      }
      const r = span(d, num(f, 'lba'), num(f, 'n'));
      if (!r) return;
      d.writes++;
      d.data.fill(DATA_INFLIGHT, r[0], r[1]);
      d.fua.set(r[0], f.fua === true);
      return;
    }
    case 'nvme.complete': {
      const d = dev(s, id);
      if (str(f, 'op') !== 'write') return;
      const r = span(d, num(f, 'lba'), num(f, 'n'));
      if (!r) return;
      // `cached` (when the engine says so) wins; otherwise a non-FUA write sits in the cache.
      const cached = typeof f.cached === 'boolean' ? f.cached : !(d.fua.get(r[0]) ?? false);
      d.fua.delete(r[0]);
      for (let b = r[0]; b < r[1]; b++) {
        d.data[b] = cached ? DATA_CACHED : DATA_DURABLE;
        if (cached) d.cached.push(b);
      }
      return;
    }
    case 'nvme.flush': {
      const d = dev(s, id);
      d.flushes++;
      for (let k = 0; k < d.cached.length; k++) {
        const b = d.cached.data[k] as number;
        if (d.data[b] === DATA_CACHED) d.data[b] = DATA_DURABLE;
      }
      d.cached.clear();
      return;
    }
    case 'nvme.power_cut': {
      const d = dev(s, id);
      d.powerCut = true;
      for (let k = 0; k < d.cached.length; k++) {
        const b = d.cached.data[k] as number;
        if (d.data[b] === DATA_CACHED) d.data[b] = DATA_LOST;
      }
      for (let b = 0; b < d.blocks; b++) if (d.data[b] === DATA_INFLIGHT) d.data[b] = DATA_LOST;
      d.cached.clear();
      d.fua.clear();
      return;
    }
    case 'nvme.write': {
      const d = dev(s, id);
      const lbas = f.lbas;
      if (Array.isArray(lbas)) {
        for (const l of lbas) {
          if (typeof l !== 'number') continue;
          const r = span(d, l, 1);
          if (r) d.data[l] = DATA_DURABLE;
        }
        d.writes++;
      } else {
        // power.ts persistence hooks: {dev, lba, n}
        const r = span(d, num(f, 'lba'), num(f, 'n'));
        if (r) {
          d.data.fill(DATA_DURABLE, r[0], r[1]);
          d.writes++;
        }
      }
      return;
    }
    case 'alloc': {
      // BlueStore's allocator: {device, lbas} (umem's SCM allocs carry media:'scm' instead)
      if (!Array.isArray(f.lbas) || str(f, 'media') === 'scm') return;
      const d = dev(s, id);
      for (const l of f.lbas)
        if (typeof l === 'number' && span(d, l, 1)) d.alloc[l] = BLK_ALLOCATED;
      return;
    }
    case 'kv.commit':
    case 'journal.append': {
      const d = dev(s, id);
      const r = span(d, num(f, 'lba'), num(f, 'blocks'));
      if (!r) return;
      d.writes++;
      d.data.fill(DATA_DURABLE, r[0], r[1]);
      return;
    }
    default:
      return;
  }
}

/** The effect kinds applyNvmeEffect reads (createDerived skips events without one). */
export const NVME_KINDS = ['vea.', 'nvme.', 'alloc', 'kv.commit', 'journal.append'] as const;

export const nvmeReducer: Reducer<NvmeState> = {
  apply(s, e: TraceEvent) {
    if (e.effects) for (const f of e.effects) applyNvmeEffect(s, f);
    return s;
  },
  applyEffects(s, effects) {
    for (const f of effects) applyNvmeEffect(s, f);
    return s;
  },
  effectsOnly: true,
  kinds: NVME_KINDS,
  clone: (s) => ({
    devs: new Map(
      [...s.devs].map(([k, d]) => [
        k,
        {
          ...d,
          alloc: d.alloc.slice(0, d.blocks),
          data: d.data.slice(0, d.blocks),
          cached: d.cached.clone(),
          fua: new Map(d.fua),
        },
      ]),
    ),
  }),
};

export type BlockLook =
  'free' | 'reserved' | 'allocated' | 'inflight' | 'cached' | 'durable' | 'lost' | 'written-free';

export function blockLook(d: NvmeDevState, b: number): BlockLook {
  const x = d.data[b] ?? DATA_NONE;
  const a = d.alloc[b] ?? BLK_FREE;
  if (x === DATA_LOST) return 'lost';
  if (x === DATA_INFLIGHT) return 'inflight';
  if (x === DATA_CACHED) return 'cached';
  if (a === BLK_RESERVED) return 'reserved';
  if (a === BLK_ALLOCATED) return x === DATA_DURABLE ? 'durable' : 'allocated';
  return x === DATA_DURABLE ? 'written-free' : 'free';
}
