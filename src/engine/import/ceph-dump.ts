/**
 * Reading one OSD's OpTracker dump: `ceph daemon osd.N dump_historic_ops`
 * (`{size, duration, ops}`), `dump_historic_ops_by_duration` (same shape) or
 * `dump_ops_in_flight` (`{ops, num_ops}`). Validates the parts the importer uses and reports
 * the first problem as `<file>: <json path>: <what was expected>`.
 */
import { parseUtime, type Utime } from './utime.ts';

export interface DumpEvent {
  event: string;
  /** As printed, for the inspector. */
  time: string;
  at: Utime;
}

export interface DumpOp {
  description: string;
  flagPoint: string;
  /** `client.4153` from `type_data.client_info`, when present. */
  client: string;
  events: DumpEvent[];
}

export interface OsdDump {
  /** The file (or bundle entry) name, used in messages. */
  name: string;
  /** The OSD id, from the name (`osd.3.json`, `historic_ops_osd3.json`), or null. */
  osd: number | null;
  /** `in_flight` when the dump had `num_ops` (dump_ops_in_flight). */
  kind: 'historic' | 'in_flight';
  ops: DumpOp[];
}

export type DumpResult = { ok: true; dump: OsdDump } | { ok: false; error: string };

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `osd.3.json`, `osd.3.primary.dump_historic_ops.json`, `historic_ops_osd3.after_put4k.json`. */
export function osdIdFromName(name: string): number | null {
  const base = name.split(/[\\/]/).pop() ?? name;
  const m = /(?:^|[^a-z])osd[._-]?(\d{1,6})(?!\d)/i.exec(base);
  return m ? Number(m[1]) : null;
}

/** Does this parsed JSON look like an OpTracker dump (so the page can route it here)? */
export function looksLikeOsdDump(doc: unknown): boolean {
  if (!isObj(doc) || !Array.isArray(doc.ops)) return false;
  if ('schema' in doc) return false;
  if (!('num_ops' in doc || 'size' in doc || 'duration' in doc)) {
    const first: unknown = doc.ops[0];
    return isObj(first) && 'description' in first && 'type_data' in first;
  }
  return true;
}

export function readOsdDump(name: string, doc: unknown, osdHint?: number): DumpResult {
  const fail = (path: string, what: string): DumpResult => ({
    ok: false,
    error: `${name}: ${path}: ${what}`,
  });
  if (!isObj(doc)) return fail('$', 'expected an object (the output of dump_historic_ops)');
  if (!Array.isArray(doc.ops)) return fail('ops', 'expected an array of tracked ops');
  const ops: DumpOp[] = [];
  for (let i = 0; i < doc.ops.length; i++) {
    const o: unknown = doc.ops[i];
    const p = `ops[${i}]`;
    if (!isObj(o)) return fail(p, 'expected an object');
    if (typeof o.description !== 'string') return fail(`${p}.description`, 'expected a string');
    const td = o.type_data;
    if (!isObj(td)) return fail(`${p}.type_data`, 'expected an object');
    if (!Array.isArray(td.events)) return fail(`${p}.type_data.events`, 'expected an array');
    const events: DumpEvent[] = [];
    for (let j = 0; j < td.events.length; j++) {
      const e: unknown = td.events[j];
      const ep = `${p}.type_data.events[${j}]`;
      if (!isObj(e)) return fail(ep, 'expected an object');
      if (typeof e.event !== 'string' || e.event === '')
        return fail(`${ep}.event`, 'expected an event name');
      if (typeof e.time !== 'string') return fail(`${ep}.time`, 'expected a string');
      const at = parseUtime(e.time);
      if (!at)
        return fail(
          `${ep}.time`,
          `expected a Ceph timestamp like 2026-11-21T22:33:24.358058+0000 (got "${e.time.slice(0, 40)}")`,
        );
      events.push({ event: e.event, time: e.time, at });
    }
    const ci = td.client_info;
    const client = isObj(ci) && typeof ci.client === 'string' ? ci.client : '';
    const flagPoint = typeof td.flag_point === 'string' ? td.flag_point : '';
    ops.push({ description: o.description, flagPoint, client, events });
  }
  return {
    ok: true,
    dump: {
      name,
      osd: osdHint ?? osdIdFromName(name),
      kind: 'num_ops' in doc ? 'in_flight' : 'historic',
      ops,
    },
  };
}
