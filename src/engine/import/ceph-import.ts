/**
 * Real Ceph OpTracker dumps → an `iopath.trace/1` trace (DESIGN.md contract 2).
 *
 * Input: one or more OSDs' `dump_historic_ops` / `dump_ops_in_flight` JSON. The primary's
 * `osd_op` is joined with the replicas' `osd_repop`s and the primary's `osd_repop_reply`s by
 * reqid (`client.4153.0:1`): each reqid becomes one trace `op` (numbered in the order the
 * requests arrived). Every OpTracker event becomes an event of the `ceph.write` / `ceph.read`
 * step where Ceph marks it (ceph-steps.ts), at its real time: `t` is nanoseconds after the
 * earliest stamp of the whole import (all OSDs are assumed to share one clock, as on one host;
 * with NTP-synced hosts cross-OSD gaps carry the clock skew).
 *
 * Pure and deterministic: same files in the same order → byte-identical trace.
 */
import type { Effect, Json, TraceEvent, TraceFile } from '../trace/event.ts';
import { TRACE_SCHEMA } from '../trace/event.ts';
import { describe, type Described } from './ceph-description.ts';
import {
  looksLikeOsdDump,
  osdIdFromName,
  readOsdDump,
  type DumpEvent,
  type DumpOp,
  type OsdDump,
} from './ceph-dump.ts';
import { MESSENGER_EVENTS, stepFor } from './ceph-steps.ts';
import { MAX_IMPORT_OPS, sizeProblem } from './limits.ts';
import { compareUtime, diffNs, type Utime } from './utime.ts';

export const OSD_DUMPS_SCHEMA = 'iopath.osd-dumps/1' as const;

/** One input file (CLI: a path and its text; page: a File's name and text). */
export interface ImportInput {
  name: string;
  text: string;
}

export interface ImportedRequest {
  /** The trace `op` index. */
  op: number;
  reqid: string;
  pipeline: 'ceph.write' | 'ceph.read';
  pg: string;
  object: string;
  ops: string[];
  /** Actor of the osd_op (null when only replica dumps were given). */
  primary: string | null;
  replicas: string[];
  /** First stamp → last stamp of the request over every OSD, in µs. */
  span_us: number;
}

export interface ImportSummary {
  schema: 'iopath.import/1';
  files: { name: string; osd: string; kind: string; ops: number }[];
  requests: ImportedRequest[];
  events: number;
  /** Tracked ops that are not part of the client IO path (MOSDPGPull, osd_backoff …). */
  skipped: number;
  warnings: string[];
}

export type ImportResult =
  { ok: true; trace: TraceFile; summary: ImportSummary } | { ok: false; error: string };

interface Tracked {
  dump: OsdDump;
  actor: string;
  op: DumpOp;
  d: Described & { kind: 'osd_op' | 'osd_repop' | 'osd_repop_reply' };
}

interface Pending {
  at: Utime;
  order: number;
  ev: Omit<TraceEvent, 'seq' | 't'>;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parse every input into OSD dumps (a bundle file holds several). */
function readInputs(
  inputs: readonly ImportInput[],
): { ok: true; dumps: OsdDump[] } | { ok: false; error: string } {
  if (inputs.length === 0) return { ok: false, error: 'import: no input files' };
  const dumps: OsdDump[] = [];
  for (const input of inputs) {
    const big = sizeProblem(input.name, input.text.length);
    if (big) return { ok: false, error: big };
    let doc: unknown;
    try {
      doc = JSON.parse(input.text);
    } catch (e) {
      return {
        ok: false,
        error: `${input.name}: $: not JSON (${(e as Error).message.replace(/\s+/g, ' ').slice(0, 160)})`,
      };
    }
    if (isObj(doc) && doc.schema === OSD_DUMPS_SCHEMA) {
      if (!Array.isArray(doc.files))
        return { ok: false, error: `${input.name}: files: expected an array` };
      for (let i = 0; i < doc.files.length; i++) {
        const f: unknown = doc.files[i];
        const p = `files[${i}]`;
        if (!isObj(f)) return { ok: false, error: `${input.name}: ${p}: expected an object` };
        if (typeof f.name !== 'string')
          return { ok: false, error: `${input.name}: ${p}.name: expected a string` };
        const hint = f.osd;
        if (hint !== undefined && (typeof hint !== 'number' || !Number.isInteger(hint) || hint < 0))
          return { ok: false, error: `${input.name}: ${p}.osd: expected an OSD id` };
        // Errors name the dumped file (what the user picked), not the bundle around it.
        const r = readOsdDump(f.name, f.dump, hint);
        if (!r.ok) return r;
        r.dump.name = f.name;
        r.dump.osd = typeof hint === 'number' ? hint : osdIdFromName(f.name);
        dumps.push(r.dump);
      }
      continue;
    }
    if (!looksLikeOsdDump(doc)) {
      const schema =
        isObj(doc) && typeof doc.schema === 'string' ? ` (it is a "${doc.schema}" file)` : '';
      if (!isObj(doc) || !Array.isArray(doc.ops))
        return {
          ok: false,
          error: `${input.name}: ops: expected the output of "ceph daemon osd.N dump_historic_ops" or dump_ops_in_flight${schema}`,
        };
    }
    const r = readOsdDump(input.name, doc);
    if (!r.ok) return r;
    dumps.push(r.dump);
  }
  return { ok: true, dumps };
}

const signed = (v: number): string => (v >= 0 ? `+${v}` : `${v}`);

function us(ns: number): number {
  return Math.round(ns / 10) / 100;
}

export function importCephDumps(inputs: readonly ImportInput[]): ImportResult {
  const read = readInputs(inputs);
  if (!read.ok) return read;
  const { dumps } = read;
  const warnings: string[] = [];
  const files: ImportSummary['files'] = [];
  let unknownOsd = 0;
  let totalOps = 0;
  // ---- classify every tracked op and group by reqid (insertion order = deterministic)
  const groups = new Map<string, Tracked[]>();
  let skipped = 0;
  for (const dump of dumps) {
    let actor: string;
    if (dump.osd !== null) actor = `osd.${dump.osd}`;
    else {
      actor = `osd.unknown${unknownOsd++}`;
      warnings.push(
        `${dump.name}: could not tell which OSD this dump is from (name the file osd.N.json); drawn as ${actor}`,
      );
    }
    files.push({ name: dump.name, osd: actor, kind: dump.kind, ops: dump.ops.length });
    totalOps += dump.ops.length;
    if (totalOps > MAX_IMPORT_OPS)
      return {
        ok: false,
        error: `${dump.name}: ops: more than ${MAX_IMPORT_OPS} tracked ops in the import (split the dump)`,
      };
    for (const op of dump.ops) {
      const d = describe(op.description);
      if (d.kind === 'other' || op.events.length === 0) {
        skipped++;
        continue;
      }
      const list = groups.get(d.reqid) ?? [];
      list.push({ dump, actor, op, d: d as Tracked['d'] });
      groups.set(d.reqid, list);
    }
  }
  if (groups.size === 0) {
    return {
      ok: false,
      error: `${dumps[0]?.name ?? 'import'}: ops: no osd_op, osd_repop or osd_repop_reply in the dumps (nothing of the IO path to draw)`,
    };
  }
  // ---- requests in arrival order (earliest stamp of any of their ops)
  const first = (t: Tracked): Utime =>
    t.op.events.reduce((m, e) => (compareUtime(e.at, m) < 0 ? e.at : m), t.op.events[0]!.at);
  const requests = [...groups.entries()]
    .map(([reqid, list]) => ({
      reqid,
      list,
      at: list.map(first).reduce((a, b) => (compareUtime(b, a) < 0 ? b : a)),
    }))
    .sort((a, b) => compareUtime(a.at, b.at));

  const pending: Pending[] = [];
  let order = 0;
  const unknownEvents = new Map<string, number>();
  const out: ImportedRequest[] = [];
  requests.forEach((req, opIndex) => {
    const clientOps = req.list.filter((t) => t.d.kind === 'osd_op');
    const repops = req.list.filter((t) => t.d.kind === 'osd_repop');
    const replies = req.list.filter((t) => t.d.kind === 'osd_repop_reply');
    const head = clientOps[0] ?? repops[0] ?? replies[0]!;
    const write = clientOps.length === 0 || clientOps.some((t) => t.d.write);
    const pipeline = write ? 'ceph.write' : 'ceph.read';
    const primary = clientOps[0]?.actor ?? null;
    const client = clientOps[0]?.op.client || req.reqid.replace(/\.\d+:\d+$/, '');
    const replicaSet = new Set<string>();
    const emit = (at: Utime, ev: Pending['ev']): void => {
      pending.push({ at, order: order++, ev });
    };
    const unpairedReplies = new Set(replies);

    for (const t of [...clientOps, ...repops]) {
      const kind = t.d.kind as 'osd_op' | 'osd_repop';
      const initiated = t.op.events.find((e) => e.event === 'initiated') ?? t.op.events[0]!;
      const since = (e: DumpEvent): number => us(diffNs(e.at, initiated.at));
      const base = (e: DumpEvent, extra: { [k: string]: Json } = {}): { [k: string]: Json } => ({
        reqid: req.reqid,
        optracker: e.event,
        time: e.time,
        since_initiated_us: since(e),
        ...extra,
      });
      const ev = (
        step: string,
        phase: TraceEvent['phase'],
        e: DumpEvent,
        data: { [k: string]: Json },
        effects?: Effect[],
      ): void => {
        const x: Pending['ev'] = {
          pipeline,
          op: opIndex,
          step,
          phase,
          actor: t.actor,
          caption: `OpTracker "${e.event}" on ${t.actor} at ${signed(since(e))} µs from initiated`,
          data,
        };
        if (effects) x.effects = effects;
        emit(e.at, x);
      };
      // Messenger stamps → ms_fast_dispatch enter … exit.
      const stamps = t.op.events.filter((e) => MESSENGER_EVENTS.has(e.event));
      if (stamps.length > 0) {
        const earliest = stamps.reduce((m, e) => (compareUtime(e.at, m.at) < 0 ? e : m));
        const last = stamps.find((e) => e.event === 'dispatched') ?? stamps[stamps.length - 1]!;
        const msg = kind === 'osd_op' ? 'osd_op' : 'osd_repop';
        const from = kind === 'osd_op' ? client : (primary ?? undefined);
        const recv: Effect = { kind: 'msg.recv', to: t.actor, msg };
        if (from !== undefined) recv.from = from;
        const desc: { [k: string]: Json } = {
          description: t.op.description,
          pg: t.d.pg,
          object: t.d.object,
          stamps: Object.fromEntries(stamps.map((e) => [e.event, e.time])),
        };
        if (kind === 'osd_op') {
          desc.ops = t.d.ops;
          desc.flags = t.d.flags;
        } else desc.version = t.d.version;
        ev('ms_fast_dispatch', 'enter', earliest, base(earliest, desc), [recv]);
        ev('ms_fast_dispatch', 'exit', last, base(last));
      }
      let replyOpen: string | null = null;
      for (const e of t.op.events) {
        if (MESSENGER_EVENTS.has(e.event)) continue;
        if (e.event === 'done') {
          if (replyOpen !== null) ev(replyOpen, 'exit', e, base(e, { flag_point: t.op.flagPoint }));
          else if (kind === 'osd_op')
            ev('osd_op_reply', 'point', e, base(e, { flag_point: t.op.flagPoint }), [
              { kind: 'msg.send', from: t.actor, to: client, msg: 'osd_op_reply' },
            ]);
          continue;
        }
        const step = stepFor(kind, e.event);
        if (step === null) {
          unknownEvents.set(e.event, (unknownEvents.get(e.event) ?? 0) + 1);
          continue;
        }
        if (step === 'issue_op') {
          const ids = e.event
            .replace(/^waiting for subops from\s*/, '')
            .split(',')
            .map((s) => s.trim())
            .filter((s) => /^\d+$/.test(s))
            .map((s) => `osd.${s}`);
          for (const r of ids) replicaSet.add(r);
          ev(
            step,
            'point',
            e,
            base(e, { replicas: ids }),
            ids.map((to) => ({ kind: 'msg.send', from: t.actor, to, msg: 'osd_repop' })),
          );
          continue;
        }
        if (step === 'do_repop_reply') {
          // Pair with the reply op whose `started` is closest (it is marked in the same call).
          let best: Tracked | null = null;
          let bestGap = Infinity;
          for (const r of unpairedReplies) {
            if (r.actor !== t.actor) continue;
            const s = r.op.events.find((x) => x.event === 'started');
            if (!s) continue;
            const gap = Math.abs(diffNs(s.at, e.at));
            if (gap < bestGap) {
              bestGap = gap;
              best = r;
            }
          }
          const extra: { [k: string]: Json } = {};
          if (best) {
            unpairedReplies.delete(best);
            extra.reply = {
              description: best.op.description,
              stamps: Object.fromEntries(best.op.events.map((x) => [x.event, x.time])),
            };
          }
          ev(step, 'point', e, base(e, extra), [
            { kind: 'msg.recv', to: t.actor, msg: 'osd_repop_reply' },
          ]);
          continue;
        }
        if (e.event === 'commit_sent') {
          replyOpen = step;
          const to = kind === 'osd_op' ? client : (primary ?? undefined);
          const send: Effect = {
            kind: 'msg.send',
            from: t.actor,
            msg: kind === 'osd_op' ? 'osd_op_reply' : 'osd_repop_reply',
          };
          if (to !== undefined) send.to = to;
          ev(step, 'enter', e, base(e), to !== undefined ? [send] : undefined);
          continue;
        }
        ev(step, 'point', e, base(e));
      }
      if (kind === 'osd_repop') replicaSet.add(t.actor);
    }
    // Replies whose client op is not in the dumps (or had no matching sub_op_commit_rec).
    for (const r of unpairedReplies) {
      const s =
        r.op.events.find((x) => x.event === 'started') ?? r.op.events[r.op.events.length - 1]!;
      const initiated = r.op.events.find((e) => e.event === 'initiated') ?? r.op.events[0]!;
      emit(s.at, {
        pipeline,
        op: opIndex,
        step: 'do_repop_reply',
        phase: 'point',
        actor: r.actor,
        caption: `OpTracker osd_repop_reply "${s.event}" on ${r.actor}`,
        data: {
          reqid: req.reqid,
          optracker: s.event,
          time: s.time,
          since_initiated_us: us(diffNs(s.at, initiated.at)),
          reply: {
            description: r.op.description,
            stamps: Object.fromEntries(r.op.events.map((x) => [x.event, x.time])),
          },
        },
        effects: [{ kind: 'msg.recv', to: r.actor, msg: 'osd_repop_reply' }],
      });
    }
    const lo = req.at;
    let hi = req.at;
    for (const t of req.list)
      for (const e of t.op.events) if (compareUtime(e.at, hi) > 0) hi = e.at;
    if (primary !== null) replicaSet.delete(primary);
    out.push({
      op: opIndex,
      reqid: req.reqid,
      pipeline,
      pg: head.d.pg,
      object: clientOps[0]?.d.object ?? repops[0]?.d.object ?? '',
      ops: clientOps[0]?.d.ops ?? [],
      primary,
      replicas: [...replicaSet].sort(),
      span_us: us(diffNs(hi, lo)),
    });
  });
  for (const [name, n] of unknownEvents)
    warnings.push(
      `OpTracker event "${name}" (${n}×) has no step in the catalog: kept out of the trace`,
    );

  pending.sort((a, b) => compareUtime(a.at, b.at) || a.order - b.order);
  const t0 = pending[0]!.at;
  const events: TraceEvent[] = pending.map((p, seq) => ({ seq, t: diffNs(p.at, t0), ...p.ev }));
  return {
    ok: true,
    trace: { schema: TRACE_SCHEMA, scenario: null, events },
    summary: {
      schema: 'iopath.import/1',
      files,
      requests: out,
      events: events.length,
      skipped,
      warnings,
    },
  };
}
