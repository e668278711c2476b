/**
 * The NVMe block map (`data-view="nvme"`): per device, every 4 KiB block by VEA allocation
 * (free / reserved / allocated) and data state (in flight / in the volatile write cache /
 * durable / lost) at the cursor (derive/nvme.ts through checkpoints). Blocks the current
 * event touched are framed.
 */
import { useMemo, useState } from 'react';
import { createDerived } from '../../derive/createDerived.ts';
import { effectKinds } from '../../derive/effectKinds.ts';
import { registerWarm } from '../../state/warmer.ts';
import { num, str } from '../../derive/grow.ts';
import {
  blockLook,
  NVME_BLOCK,
  nvmeInitial,
  nvmeReducer,
  type BlockLook,
} from '../../derive/nvme.ts';
import { trace } from '../../state/store.ts';
import { BlockMap, Legend } from '../scm/BlockMap.tsx';
import { lookCells } from '../scm/looks.ts';
import { bytesText, type Look } from '../scm/paint.ts';
import { ViewPanel } from '../scm/shell.tsx';
import { useTraceCursor } from '../scm/useTraceCursor.ts';
import { useWarmCheckpoints } from '../scm/useWarmCheckpoints.ts';

const ORDER: readonly BlockLook[] = [
  'free',
  'written-free',
  'allocated',
  'reserved',
  'inflight',
  'cached',
  'durable',
  'lost',
];
const LOOKS: readonly Look[] = [
  {
    label: 'free',
    desc: 'free in VEA, never written in this trace',
    rgb: [0, 0, 0],
    pattern: 'blank',
  },
  {
    label: 'free, written',
    desc: 'written outside any VEA extent (journal, blob header, freed)',
    rgb: [140, 150, 165],
    pattern: 'dot',
  },
  {
    label: 'allocated',
    desc: 'published by VEA (vea_tx_publish), data durable or not yet written',
    rgb: [60, 120, 220],
    pattern: 'outline',
  },
  {
    label: 'reserved',
    desc: 'reserved by vea_reserve, not published yet',
    rgb: [150, 90, 210],
    pattern: 'dotted',
  },
  {
    label: 'in flight',
    desc: 'write submitted to the queue, not completed',
    rgb: [200, 170, 20],
    pattern: 'stripes',
  },
  {
    label: 'cached',
    desc: 'completed into the volatile write cache: lost on power cut until a flush',
    rgb: [235, 130, 20],
    pattern: 'checker',
  },
  {
    label: 'durable',
    desc: 'on the media (FUA write or flushed)',
    rgb: [40, 160, 80],
    pattern: 'solid',
  },
  {
    label: 'lost',
    desc: 'in the cache or in flight when the power was cut',
    rgb: [210, 40, 40],
    pattern: 'cross',
  },
];
const INDEX = Object.fromEntries(ORDER.map((l, i) => [l, i])) as Record<BlockLook, number>;

const derived = createDerived(nvmeReducer, nvmeInitial(), 256);
registerWarm(derived);

const devOf = (f: { [k: string]: unknown }): string | undefined =>
  str(f, 'dev') ?? str(f, 'device');
const isNvme = (kind: string): boolean =>
  kind.startsWith('nvme.') || kind.startsWith('vea.') || kind === 'journal.append';

function touched(i: number, dev: string): number[] {
  const out: number[] = [];
  for (const f of trace.effects(i) ?? []) {
    if (!isNvme(f.kind) || devOf(f) !== dev) continue;
    if (Array.isArray(f.lbas)) {
      for (const l of f.lbas) if (typeof l === 'number') out.push(l);
      continue;
    }
    const off = num(f, 'lba') ?? num(f, 'blk_off');
    const n = num(f, 'n') ?? num(f, 'blk_cnt') ?? num(f, 'blocks');
    if (off === undefined || n === undefined) continue;
    for (let b = off; b < off + n && out.length < 4096; b++) out.push(b);
  }
  return out;
}

function currentDev(i: number): string | undefined {
  // Only events the kind index says carry an NVMe effect are decoded.
  const index = effectKinds(trace);
  const masks = index.upTo(trace, i + 1);
  const want = index.maskOf(['nvme.', 'vea.', 'journal.append']);
  for (let k = i; k >= 0 && k > i - 5000; k--) {
    if (((masks[k] as number) & want) === 0) continue;
    for (const f of trace.effects(k) ?? []) {
      if (isNvme(f.kind)) {
        const d = devOf(f);
        if (d !== undefined) return d;
      }
    }
  }
  return undefined;
}

export function NvmeView() {
  const { count, cursor } = useTraceCursor();
  useWarmCheckpoints(derived);
  const state = useMemo(() => derived.at(trace, Math.min(cursor, count - 1)), [cursor, count]);
  const [pick, setPick] = useState('');
  const devs = [...state.devs.keys()].sort();
  const followed = useMemo(() => currentDev(cursor), [cursor]);
  const id =
    pick !== '' && state.devs.has(pick)
      ? pick
      : followed !== undefined && state.devs.has(followed)
        ? followed
        : devs[0];
  const d = id === undefined ? undefined : state.devs.get(id);
  // Every block's look index (the map's cells) and the legend's counts, in one pass.
  const looks = useMemo(
    () => (d ? lookCells(d.blocks, ORDER.length, (b) => INDEX[blockLook(d, b)]) : null),
    [d],
  );
  const counts = looks?.counts;
  const marks = id === undefined ? [] : touched(cursor, id);

  if (!d || id === undefined || !looks || !counts) {
    return (
      <ViewPanel
        name="nvme"
        title="NVMe blocks"
        empty={
          <>
            <p>
              This trace has no NVMe activity {count > 0 ? 'up to this step' : 'yet'}. DAOS puts
              values of 4 KiB and more on NVMe (<code>vos_media_select</code> →{' '}
              <code>vea_reserve</code> → <code>bio_iod_post</code>); Ceph&apos;s journal and object
              store write blocks too.
            </p>
            <p>
              Try a <code>daos_obj_update</code> with a value of 4 KiB or more in the console, or a
              Ceph write (<code>rados_write</code>).
            </p>
          </>
        }
      />
    );
  }
  return (
    <ViewPanel
      name="nvme"
      title="NVMe blocks"
      controls={
        <label>
          device{' '}
          <select value={pick} onChange={(e) => setPick(e.target.value)} aria-label="NVMe device">
            <option value="">follow the cursor ({id})</option>
            {devs.map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </select>
        </label>
      }
    >
      <div className="dv-stats">
        {id}: {bytesText(d.blocks * NVME_BLOCK)} touched · {d.writes} writes · {d.reads} reads ·{' '}
        {d.flushes} flushes
        {d.cached.length ? ` · ${d.cached.length} blocks waiting for a flush` : ''}
        {d.powerCut ? ' · POWER CUT' : ''}
      </div>
      <Legend looks={LOOKS} counts={counts} />
      <BlockMap
        cells={d.blocks}
        cellLooks={looks.cells}
        looks={LOOKS}
        unit={NVME_BLOCK}
        marks={marks}
        label={`NVMe blocks of ${id}: ${ORDER.map((l, k) => `${counts[k]} ${l}`).join(', ')}`}
        describe={(b) => {
          const look = LOOKS[looks.cells[b] ?? 0];
          return (
            <>
              <div>
                block <b>{b}</b> · bytes <b>0x{(b * NVME_BLOCK).toString(16)}</b>–0x
                {((b + 1) * NVME_BLOCK - 1).toString(16)}
              </div>
              <div>
                <b>{look?.label}</b>: {look?.desc}
              </div>
            </>
          );
        }}
      />
    </ViewPanel>
  );
}
