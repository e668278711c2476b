/**
 * iopath trace → Chrome trace-event JSON (the "JSON Object Format" that chrome://tracing and
 * ui.perfetto.dev open). One process per actor (`osd.2`, `engine0.tgt1`, `client`), one thread
 * per scenario op inside it (so concurrent ops on one actor never overlap on a row);
 * enter/exit pairs become complete (`X`) slices, points become instant (`i`) events, and every
 * `msg.send` → `msg.recv` pair becomes a flow arrow (`s`/`f`). Timestamps are µs (the unit the
 * format uses) with ns precision kept as fractions. Pure and deterministic.
 */
import type { TraceEvent } from '../../protocol/index.ts';

export interface ChromeEvent {
  name: string;
  cat?: string;
  ph: 'X' | 'i' | 'M' | 's' | 'f' | 'B';
  ts?: number;
  dur?: number;
  pid: number;
  tid: number;
  s?: 't';
  id?: number;
  bp?: 'e';
  args?: Record<string, unknown>;
}

export interface ChromeTrace {
  traceEvents: ChromeEvent[];
  displayTimeUnit: 'ns';
  otherData: Record<string, string>;
}

const us = (ns: number): number => ns / 1000;

export function toChromeTrace(events: readonly TraceEvent[], title = 'iopath'): ChromeTrace {
  const out: ChromeEvent[] = [];
  const pids = new Map<string, number>();
  const threads = new Set<string>();
  const pidOf = (actor: string): number => {
    let p = pids.get(actor);
    if (p === undefined) {
      p = pids.size + 1;
      pids.set(actor, p);
      out.push({ name: 'process_name', ph: 'M', pid: p, tid: 0, args: { name: actor } });
      out.push({ name: 'process_sort_index', ph: 'M', pid: p, tid: 0, args: { sort_index: p } });
    }
    return p;
  };
  const tidOf = (e: TraceEvent, pid: number): number => {
    const tid = e.op + 2; // op -1 (setup) → thread 1
    const key = `${pid}/${tid}`;
    if (!threads.has(key)) {
      threads.add(key);
      out.push({
        name: 'thread_name',
        ph: 'M',
        pid,
        tid,
        args: { name: e.op < 0 ? 'setup' : `op ${e.op}` },
      });
    }
    return tid;
  };
  // Open enters per (actor, op, step): a stack, so recursion nests.
  const open = new Map<string, TraceEvent[]>();
  // Sends waiting for their receive, FIFO per (to, msg).
  const inFlight = new Map<string, number[]>();
  let flowId = 0;
  const slices: { at: number; ev: ChromeEvent }[] = [];
  for (const e of events) {
    const pid = pidOf(e.actor);
    const tid = tidOf(e, pid);
    const key = `${e.actor}\u0000${e.op}\u0000${e.step}`;
    const args: Record<string, unknown> = { seq: e.seq, pipeline: e.pipeline, op: e.op };
    if (e.data !== undefined) args.data = e.data;
    if (e.rc !== undefined) args.rc = e.rc;
    if (e.phase === 'enter') {
      const st = open.get(key) ?? [];
      st.push(e);
      open.set(key, st);
    } else if (e.phase === 'exit' && (open.get(key)?.length ?? 0) > 0) {
      const start = open.get(key)!.pop()!;
      const a: Record<string, unknown> = { ...args, seq: start.seq, exit_seq: e.seq };
      if (start.data !== undefined) a.data = start.data;
      if (e.data !== undefined) a.exit_data = e.data;
      slices.push({
        at: start.seq,
        ev: {
          name: e.step,
          cat: e.pipeline,
          ph: 'X',
          ts: us(start.t),
          dur: us(e.t - start.t),
          pid,
          tid,
          args: a,
        },
      });
    } else {
      slices.push({
        at: e.seq,
        ev: { name: e.step, cat: e.pipeline, ph: 'i', s: 't', ts: us(e.t), pid, tid, args },
      });
    }
    for (const f of e.effects ?? []) {
      const to = typeof f.to === 'string' ? f.to : e.actor;
      const msg = typeof f.msg === 'string' ? f.msg : typeof f.opc === 'string' ? f.opc : 'msg';
      const k = `${to}\u0000${msg}`;
      if (f.kind === 'msg.send') {
        const id = ++flowId;
        (inFlight.get(k) ?? inFlight.set(k, []).get(k)!).push(id);
        slices.push({
          at: e.seq,
          ev: { name: msg, cat: 'msg', ph: 's', id, ts: us(e.t), pid, tid },
        });
      } else if (f.kind === 'msg.recv') {
        const id = inFlight.get(k)?.shift();
        if (id !== undefined)
          slices.push({
            at: e.seq,
            ev: { name: msg, cat: 'msg', ph: 'f', bp: 'e', id, ts: us(e.t), pid, tid },
          });
      }
    }
  }
  // Enters never exited (a run stopped mid-step): open-ended slices.
  for (const st of open.values())
    for (const start of st) {
      const pid = pidOf(start.actor);
      slices.push({
        at: start.seq,
        ev: {
          name: start.step,
          cat: start.pipeline,
          ph: 'B',
          ts: us(start.t),
          pid,
          tid: start.op + 2,
          args: { seq: start.seq },
        },
      });
    }
  slices.sort((a, b) => a.at - b.at);
  for (const s of slices) out.push(s.ev);
  return { traceEvents: out, displayTimeUnit: 'ns', otherData: { source: 'iopath', title } };
}

/** Is this JSON a trace-event document chrome://tracing would open? (Used by the tests.) */
export function checkChromeTrace(doc: unknown): string | null {
  if (typeof doc !== 'object' || doc === null) return '$: expected an object';
  const evs = (doc as { traceEvents?: unknown }).traceEvents;
  if (!Array.isArray(evs)) return 'traceEvents: expected an array';
  for (let i = 0; i < evs.length; i++) {
    const e = evs[i] as Record<string, unknown>;
    const p = `traceEvents[${i}]`;
    if (typeof e !== 'object' || e === null) return `${p}: expected an object`;
    if (typeof e.name !== 'string') return `${p}.name: expected a string`;
    if (typeof e.ph !== 'string' || !/^[XiMsfBE]$/.test(e.ph)) return `${p}.ph: unknown phase`;
    if (typeof e.pid !== 'number' || typeof e.tid !== 'number')
      return `${p}: pid/tid must be numbers`;
    if (e.ph !== 'M' && (typeof e.ts !== 'number' || !Number.isFinite(e.ts)))
      return `${p}.ts: expected µs`;
    if (e.ph === 'X' && (typeof e.dur !== 'number' || e.dur < 0)) return `${p}.dur: expected ≥ 0`;
  }
  return null;
}
