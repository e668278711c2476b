/**
 * The SCM map (`data-view="scm"`): per SCM device, every 64-byte line coloured and patterned by
 * allocation and persistence at the cursor (derive/scm.ts through checkpoints); hover a line
 * for its offset, state and owner (tree node, record, value — derive/scmOwners.ts); lines the
 * current event touched are framed.
 */
import { useMemo, useState } from 'react';
import { createDerived } from '../../derive/createDerived.ts';
import { registerWarm } from '../../state/warmer.ts';
import { effectKinds } from '../../derive/effectKinds.ts';
import { lineLook, SCM_KINDS, SCM_LINE, scmInitial, scmReducer } from '../../derive/scm.ts';
import { createScmOwners, ownersOf } from '../../derive/scmOwners.ts';
import { str, num } from '../../derive/grow.ts';
import { trace } from '../../state/store.ts';
import { BlockMap, Legend } from './BlockMap.tsx';
import { lookCells, SCM_LOOK_INDEX, SCM_LOOK_ORDER, SCM_LOOKS } from './looks.ts';
import { bytesText } from './paint.ts';
import { ViewPanel } from './shell.tsx';
import { useTraceCursor } from './useTraceCursor.ts';
import { useWarmCheckpoints } from './useWarmCheckpoints.ts';

/**
 * One derivation per page: checkpoints survive tab switches. Line maps are copy-on-write pages
 * (derive/pagedBytes.ts), so a checkpoint costs the pages its interval changed (~50 KiB on the
 * bench trace, not the ~400 KiB of all devices' maps): 512 of them keep a 1M-event trace at a
 * 2048-event interval, of which a seek decodes only the events with SCM effects.
 */
const derived = createDerived(scmReducer, scmInitial(), 1024, 512);
const owners = createScmOwners();
registerWarm(derived);
registerWarm(owners);

const hex = (n: number): string => `0x${n.toString(16)}`;

/** Lines of `dev` the event at `i` wrote, flushed or allocated (framed on the map). */
function touched(i: number, dev: string): number[] {
  const e = trace.get(i);
  const out: number[] = [];
  for (const f of e?.effects ?? []) {
    if (str(f, 'dev') !== dev) continue;
    const off = num(f, 'off');
    const len = num(f, 'len');
    if (off === undefined || len === undefined || len <= 0) continue;
    const last = Math.floor((off + len - 1) / SCM_LINE);
    for (let l = Math.floor(off / SCM_LINE); l <= last && out.length < 4096; l++) out.push(l);
  }
  return out;
}

/** The SCM device the latest events up to `i` touched (the map follows the cursor). */
function currentDev(i: number): string | undefined {
  // Only events the kind index says carry an SCM effect are decoded (of up to 5000).
  const index = effectKinds(trace);
  const masks = index.upTo(trace, i + 1);
  const want = index.maskOf(SCM_KINDS);
  for (let k = i; k >= 0 && k > i - 5000; k--) {
    if (((masks[k] as number) & want) === 0) continue;
    for (const f of trace.effects(k) ?? []) {
      const d = str(f, 'dev');
      if (d !== undefined && (f.kind.startsWith('scm.') || str(f, 'media') === 'scm')) return d;
    }
  }
  return undefined;
}

export function ScmView() {
  const { count, cursor } = useTraceCursor();
  useWarmCheckpoints(derived);
  const state = useMemo(() => derived.at(trace, Math.min(cursor, count - 1)), [cursor, count]);
  const [pick, setPick] = useState<string>('');
  const devs = [...state.devs.keys()].sort();
  const followed = useMemo(() => currentDev(cursor), [cursor]);
  const id =
    pick !== '' && state.devs.has(pick)
      ? pick
      : followed !== undefined && state.devs.has(followed)
        ? followed
        : devs[0];
  const d = id === undefined ? undefined : state.devs.get(id);
  // Every line's look index (the map's cells) and the legend's counts, in one pass.
  const looks = useMemo(
    () =>
      d ? lookCells(d.lines, SCM_LOOK_ORDER.length, (l) => SCM_LOOK_INDEX[lineLook(d, l)]) : null,
    [d],
  );
  const counts = looks?.counts;
  const marks = id === undefined ? [] : touched(cursor, id);

  if (!d || !id || !looks || !counts) {
    return (
      <ViewPanel
        name="scm"
        title="SCM map"
        empty={
          <>
            <p>
              This trace has no SCM activity {count > 0 ? 'up to this step' : 'yet'}. The map fills
              in when VOS writes into a target&apos;s pool: tree nodes, records and small values
              live in SCM (values under 4 KiB).
            </p>
            <p>
              Try stepping forward into a DAOS update (<code>vos_update_begin</code> →{' '}
              <code>umem_tx_commit</code>), or run a <code>daos_obj_update</code> op in the console.
            </p>
          </>
        }
      />
    );
  }
  return (
    <ViewPanel
      name="scm"
      cursor={cursor}
      title="SCM map"
      controls={
        <label>
          device{' '}
          <select value={pick} onChange={(e) => setPick(e.target.value)} aria-label="SCM device">
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
        {id}: {bytesText(d.lines * SCM_LINE)} touched · {d.writes} writes · {d.flushes} flushes ·{' '}
        {d.drains} drains{d.txDepth > 0 ? ' · in a transaction' : ''}
        {d.powerCut ? ' · POWER CUT' : ''}
      </div>
      <Legend looks={SCM_LOOKS} counts={counts} />
      <BlockMap
        cells={d.lines}
        cellLooks={looks.cells}
        looks={SCM_LOOKS}
        unit={SCM_LINE}
        marks={marks}
        label={`SCM lines of ${id}: ${SCM_LOOK_ORDER.map((l, k) => `${counts[k]} ${l}`).join(', ')}`}
        describe={(l) => {
          const look = SCM_LOOKS[looks.cells[l] ?? 0];
          // The owner log is read only on hover (the idle warmer keeps it built): a seek never
          // waits for it to catch up.
          const n = owners.upTo(trace, cursor);
          const who = ownersOf(owners.sync(trace, cursor + 1), n, id, l * SCM_LINE, SCM_LINE);
          return (
            <>
              <div>
                line <b>{l}</b> · <b>{hex(l * SCM_LINE)}</b>–{hex(l * SCM_LINE + SCM_LINE - 1)}
              </div>
              <div>
                <b>{look?.label}</b>: {look?.desc}
              </div>
              {who.length ? (
                <ul>
                  {who.map((o, k) => (
                    <li key={k}>
                      {hex(o.off)}
                      {o.len > 1 ? ` (+${o.len})` : ''}: {o.label}{' '}
                      <span className="muted">#{o.i}</span>
                    </li>
                  ))}
                </ul>
              ) : (
                <div className="muted">no owner recorded in the trace</div>
              )}
            </>
          );
        }}
      />
    </ViewPanel>
  );
}
