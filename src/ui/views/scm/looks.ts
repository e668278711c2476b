/** Legend entries of the SCM map, in LineLook order (index 0 = untouched, collapsible). */
import type { LineLook } from '../../derive/scm.ts';
import type { Look } from './paint.ts';

export const SCM_LOOK_ORDER: readonly LineLook[] = [
  'free',
  'written-free',
  'allocated',
  'reserved',
  'dirty',
  'flushed',
  'durable',
  'lost',
];

export const SCM_LOOKS: readonly Look[] = [
  {
    label: 'free',
    desc: 'not allocated, never written in this trace',
    rgb: [0, 0, 0],
    pattern: 'blank',
  },
  {
    label: 'free, written',
    desc: 'durable bytes outside any allocation (pool header, freed blocks)',
    rgb: [140, 150, 165],
    pattern: 'dot',
  },
  {
    label: 'allocated',
    desc: 'allocated by umem, not written since',
    rgb: [60, 120, 220],
    pattern: 'outline',
  },
  {
    label: 'reserved',
    desc: 'reserved (vos_reserve), not yet published by the transaction',
    rgb: [150, 90, 210],
    pattern: 'dotted',
  },
  {
    label: 'dirty',
    desc: 'written: in the CPU cache only, lost on power cut',
    rgb: [235, 130, 20],
    pattern: 'checker',
  },
  {
    label: 'flushed',
    desc: 'flushed (clwb), waiting for the drain (sfence)',
    rgb: [40, 150, 200],
    pattern: 'half',
  },
  { label: 'durable', desc: 'allocated and persistent', rgb: [40, 160, 80], pattern: 'solid' },
  {
    label: 'lost',
    desc: 'not durable when the power was cut',
    rgb: [210, 40, 40],
    pattern: 'cross',
  },
];

export const SCM_LOOK_INDEX: Record<LineLook, number> = Object.fromEntries(
  SCM_LOOK_ORDER.map((l, i) => [l, i]),
) as Record<LineLook, number>;

/**
 * A block map's cells and its legend's counts in one pass: `look(i)` is cell i's index into
 * the map's looks (`kinds` of them). Shared by the SCM (lines) and NVMe (blocks) maps.
 */
export function lookCells(
  n: number,
  kinds: number,
  look: (i: number) => number,
): { cells: Uint8Array; counts: number[] } {
  const cells = new Uint8Array(n);
  const counts = new Array<number>(kinds).fill(0);
  for (let i = 0; i < n; i++) {
    const k = look(i);
    cells[i] = k;
    counts[k]!++;
  }
  return { cells, counts };
}
