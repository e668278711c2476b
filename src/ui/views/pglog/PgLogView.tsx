/**
 * PG log / journal / DTX tables (`data-view="pglog"`): the log-structured records the IO paths
 * write — Ceph PG log entries (per OSD and PG, with the object and commit state), FileJournal
 * entries (queued → journaled → applied) and DAOS DTX entries (active → committed) — as of the
 * cursor (derive/pglog.ts). Click a row to seek to the event that created it.
 */
import { useMemo } from 'react';
import { createLogTables, statusAt, type LogRow, type Table } from '../../derive/pglog.ts';
import { trace, useApp } from '../../state/store.ts';
import { ViewPanel } from '../scm/shell.tsx';
import { useTraceCursor } from '../scm/useTraceCursor.ts';
import { registerWarm } from '../../state/warmer.ts';

const log = createLogTables();
registerWarm(log);
const MAX_ROWS = 150;

const COLS: Record<Table, { title: string; cols: [string, (r: LogRow) => string][] }> = {
  pglog: {
    title: 'PG log',
    cols: [
      ['osd', (r) => r.actor],
      ['pg', (r) => r.key],
      ['version', (r) => r.fields.version ?? ''],
      ['op', (r) => r.fields.op ?? ''],
      ['object', (r) => r.fields.oid ?? ''],
      ['reqid', (r) => r.fields.reqid ?? ''],
      ['last_complete', (r) => r.fields.last_complete ?? ''],
    ],
  },
  journal: {
    title: 'Journal',
    cols: [
      ['osd', (r) => r.actor],
      ['seq', (r) => r.key],
      ['bytes', (r) => r.fields.len ?? ''],
    ],
  },
  dtx: {
    title: 'DTX table',
    cols: [
      ['target', (r) => r.actor],
      ['dti', (r) => r.key.slice(0, 12)],
      ['epoch', (r) => r.fields.epoch ?? ''],
      ['flags', (r) => r.fields.flags ?? ''],
    ],
  },
};

export function PgLogView() {
  const { count, cursor } = useTraceCursor();
  const setCursor = useApp((s) => s.setCursor);
  const rows = useMemo(() => {
    if (count <= 0) return [];
    const all = log.sync(trace, cursor + 1);
    return all.slice(0, log.upTo(trace, cursor));
  }, [count, cursor]);

  if (rows.length === 0) {
    return (
      <ViewPanel
        name="pglog"
        title="PG log · journal · DTX"
        empty={
          <>
            <p>
              No log records {count > 0 ? 'up to this step' : 'yet'}. Ceph writes append PG log
              entries (<code>append_log</code>) and FileJournal entries (<code>submit_entry</code>);
              DAOS updates open a DTX (<code>dtx_leader_begin</code>).
            </p>
            <p>Try stepping forward into an update, or run a Ceph write scenario.</p>
          </>
        }
      />
    );
  }

  const tables: Table[] = ['pglog', 'journal', 'dtx'];
  return (
    <ViewPanel
      name="pglog"
      title="PG log · journal · DTX"
      controls={<span className="muted">{rows.length} records</span>}
    >
      {tables.map((t) => {
        const mine = rows.filter((r) => r.table === t);
        if (mine.length === 0) return null;
        const shown = mine.slice(-MAX_ROWS).reverse();
        const def = COLS[t];
        return (
          <section key={t} aria-label={def.title}>
            <div className="dv-sub">
              {def.title} · {mine.length}
              {mine.length > MAX_ROWS ? ` (newest ${MAX_ROWS})` : ''}
            </div>
            <table className="dv-table">
              <thead>
                <tr>
                  <th>#</th>
                  {def.cols.map(([h]) => (
                    <th key={h}>{h}</th>
                  ))}
                  <th>state</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((r, k) => {
                  const st = statusAt(r, cursor) ?? '';
                  const changed = r.history.some((h) => h.i === cursor);
                  return (
                    <tr
                      key={`${r.i}-${k}`}
                      className={changed ? 'is-new is-click' : 'is-click'}
                      onClick={() => setCursor(r.i)}
                      title={`created by event ${r.i}: ${r.history.map((h) => `${h.status}@${h.i}`).join(' → ')}`}
                    >
                      <td>{r.i}</td>
                      {def.cols.map(([h, f]) => (
                        <td key={h}>{f(r)}</td>
                      ))}
                      <td>
                        <span className={`pl-state s-${st.split(' ')[0]}`}>{st}</span>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </section>
        );
      })}
    </ViewPanel>
  );
}
