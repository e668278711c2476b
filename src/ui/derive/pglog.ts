/**
 * Log-structured tables as an append-only log with status histories:
 *  - `pglog`: Ceph PG log entries (`append_log {pg, entries:[version], head, last_complete}`),
 *    object names joined from `finish_ctx {pg, oid, version}` (primary) and `do_repop {pg,
 *    version, txn:{ops:[{oid}]}}` (replicas), committed on `op_commit` /
 *    `repop_commit {version}`;
 *  - `journal`: FileJournal entries (`submit_entry {seq, len}` → `_journaled_ahead {seq}` →
 *    `_finish_op {seq}`), per OSD;
 *  - `dtx`: DAOS DTX entries (`dtx_leader_begin {dti, epoch, tgt_cnt, flags}` →
 *    `dtx_leader_end {result}`), per target.
 * A row's status at cursor k is the last history entry with index ≤ k (exact step back).
 */
import type { Json } from '../../engine/trace/event.ts';
import { createAppendLog, type Indexed } from './appendLog.ts';
import { num, str, toNum } from './grow.ts';

export type Table = 'pglog' | 'journal' | 'dtx';

export interface LogRow extends Indexed {
  table: Table;
  actor: string;
  /** Table-specific key: PG id, journal seq, DTX id. */
  key: string;
  /** e.g. the version, the object, the epoch. */
  fields: Record<string, string>;
  history: { i: number; status: string }[];
}

interface Ctx {
  byKey: Map<string, LogRow>;
  oidAt: Map<string, string>;
  openDtx: Map<string, LogRow>;
}

type Rec = { [k: string]: Json };
const rec = (v: Json | undefined): Rec | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;

/** The steps the log reads (every `case` below). */
const PGLOG_STEPS = new Set([
  'finish_ctx',
  'do_repop',
  'append_log',
  'op_commit',
  'repop_commit',
  'submit_entry',
  '_journaled_ahead',
  '_finish_op',
  'dtx_leader_begin',
  'dtx_leader_end',
]);

export function createLogTables() {
  return createAppendLog<LogRow, Ctx>(
    () => ({ byKey: new Map(), oidAt: new Map(), openDtx: new Map() }),
    (e, i, ctx, push) => {
      // Step first: `data` is decoded only for the few steps this log reads.
      if (e.phase === 'exit' || !PGLOG_STEPS.has(e.step)) return;
      const d = e.data;
      if (!d) return;
      const mark = (k: string, status: string): void => {
        const r = ctx.byKey.get(k);
        if (r) r.history.push({ i, status });
      };
      switch (e.step) {
        case 'finish_ctx': {
          const pg = str(d, 'pg');
          const oid = str(d, 'oid');
          const v = str(d, 'version');
          if (pg && oid && v) ctx.oidAt.set(`${e.actor}|${pg}|${v}`, oid);
          return;
        }
        case 'do_repop': {
          // a replica learns the object from the transaction the primary sent
          const pg = str(d, 'pg');
          const v = str(d, 'version');
          const ops = rec(d.txn)?.ops;
          const oid = Array.isArray(ops)
            ? ops.map((o) => str(rec(o), 'oid')).find((o) => o !== undefined && o !== 'pgmeta')
            : undefined;
          if (pg && v && oid) ctx.oidAt.set(`${e.actor}|${pg}|${v}`, oid);
          return;
        }
        case 'append_log': {
          const pg = str(d, 'pg') ?? '?';
          const entries = Array.isArray(d.entries) ? d.entries : [];
          for (const en of entries) {
            // a version string, or a pg_log_entry_t as Ceph dumps it
            // ({op, object: "1:602f83fe:::foo:head", version, prior_version, reqid, …})
            const ent = rec(en);
            const v = typeof en === 'string' ? en : str(ent, 'version');
            if (v === undefined) continue;
            const hobj = str(ent, 'object');
            const name = hobj === undefined ? undefined : hobjectName(hobj);
            const row: LogRow = {
              i,
              table: 'pglog',
              actor: e.actor,
              key: pg,
              fields: {
                version: v,
                op: str(ent, 'op') ?? '',
                oid: name ?? ctx.oidAt.get(`${e.actor}|${pg}|${v}`) ?? '',
                reqid: str(ent, 'reqid') ?? '',
                head: str(d, 'head') ?? '',
                last_complete: str(d, 'last_complete') ?? '',
              },
              history: [{ i, status: 'appended' }],
            };
            ctx.byKey.set(`pglog|${e.actor}|${pg}|${v}`, row);
            push(row);
          }
          return;
        }
        case 'op_commit':
        case 'repop_commit': {
          const pg = str(d, 'pg');
          const v = str(d, 'version');
          if (pg && v) mark(`pglog|${e.actor}|${pg}|${v}`, 'committed');
          return;
        }
        case 'submit_entry': {
          const seq = num(d, 'seq');
          if (seq === undefined) return;
          const row: LogRow = {
            i,
            table: 'journal',
            actor: e.actor,
            key: String(seq),
            fields: { len: String(num(d, 'len') ?? '') },
            history: [{ i, status: 'queued' }],
          };
          ctx.byKey.set(`journal|${e.actor}|${seq}`, row);
          push(row);
          return;
        }
        case '_journaled_ahead':
        case '_finish_op': {
          const seq = num(d, 'seq');
          if (seq !== undefined)
            mark(
              `journal|${e.actor}|${seq}`,
              e.step === '_journaled_ahead' ? 'journaled' : 'applied',
            );
          return;
        }
        case 'dtx_leader_begin': {
          const dti = rec(d.dti);
          const id = str(dti, 'dti_uuid') ?? '';
          if (id === '' || /^0+$/.test(id)) return;
          const ep = toNum(d.epoch);
          const flags = Array.isArray(d.flags)
            ? d.flags.filter((f): f is string => typeof f === 'string')
            : [];
          const row: LogRow = {
            i,
            table: 'dtx',
            actor: e.actor,
            key: id,
            fields: {
              epoch: ep === undefined ? '' : `0x${ep.toString(16)}`,
              targets: String(num(d, 'tgt_cnt') ?? ''),
              flags: flags.map((f) => f.replace(/^DTX_/, '')).join(' '),
            },
            history: [{ i, status: 'active' }],
          };
          ctx.openDtx.set(e.actor, row);
          push(row);
          return;
        }
        case 'dtx_leader_end': {
          const row = ctx.openDtx.get(e.actor);
          if (!row) return;
          const res = d.result;
          row.history.push({
            i,
            status:
              typeof res === 'string' ? res : res === 0 ? 'committed' : `rc ${JSON.stringify(res)}`,
          });
          ctx.openDtx.delete(e.actor);
          return;
        }
        default:
          return;
      }
    },
  );
}

/** `1:602f83fe:::foo:head` (pool:hash:nspace:key:name:snap as Ceph prints an hobject) → `foo`. */
export function hobjectName(h: string): string {
  const m = /^-?\d+:[0-9a-f]+:[^:]*:[^:]*:(.*):[^:]+$/.exec(h);
  return m ? (m[1] as string) : h;
}

/** A row's status at cursor k (undefined when the row did not exist yet). */
export function statusAt(r: LogRow, k: number): string | undefined {
  let s: string | undefined;
  for (const h of r.history) if (h.i <= k) s = h.status;
  return s;
}
