/**
 * The JSON text of the PG log records the OSD persists on every write (a pg_log_entry_t once per
 * op, the pg_info_t on every OSD of the acting set), byte-identical to `JSON.stringify`.
 *
 * `JSON.stringify` costs ~2 µs for a pg_info_t (its three eversions are objects): three OSDs
 * × several records per replicated write made it one of the larger costs of the write path.
 * Here each record (and each nested eversion, hobject, reqid) is a template, used only when
 * the object has exactly the keys the template prints, in that order, with finite numbers
 * (checked with `Object.keys`, which is what decides `JSON.stringify`'s output); anything
 * else takes `JSON.stringify` itself.
 */
import type { Eversion, HObject, PgLogEntry, ReqId } from '../types.ts';
import type { PgInfo } from './pglog.ts';

const EV_KEYS = ['epoch', 'version'] as const;
const HOBJ_KEYS = ['pool', 'name', 'hash'] as const;
const REQID_KEYS = ['client', 'tid'] as const;

function evJson(v: Eversion): string {
  if (!hasKeys(v, EV_KEYS) || !isNum(v.epoch) || !isNum(v.version)) return JSON.stringify(v);
  return '{"epoch":' + String(v.epoch) + ',"version":' + String(v.version) + '}';
}

function hobjJson(o: HObject): string {
  if (!hasKeys(o, HOBJ_KEYS) || !isNum(o.pool) || !isNum(o.hash) || typeof o.name !== 'string') {
    return JSON.stringify(o);
  }
  return (
    '{"pool":' +
    String(o.pool) +
    ',"name":' +
    JSON.stringify(o.name) +
    ',"hash":' +
    String(o.hash) +
    '}'
  );
}

function reqidJson(r: ReqId): string {
  if (!hasKeys(r, REQID_KEYS) || !isNum(r.client) || !isNum(r.tid)) return JSON.stringify(r);
  return '{"client":' + String(r.client) + ',"tid":' + String(r.tid) + '}';
}

const INFO_KEYS = [
  'lastUpdate',
  'lastComplete',
  'logTail',
  'lastUserVersion',
  'lastEpochStarted',
] as const;

const ENTRY_KEYS = [
  'op',
  'soid',
  'version',
  'priorVersion',
  'reqid',
  'userVersion',
  'returnCode',
  'mtime',
] as const;

function hasKeys(o: object, keys: readonly string[]): boolean {
  const k = Object.keys(o);
  if (k.length !== keys.length) return false;
  for (let i = 0; i < k.length; i++) if (k[i] !== keys[i]) return false;
  return true;
}

function isNum(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}

/** `JSON.stringify(info)`. */
export function pgInfoJson(i: PgInfo): string {
  if (!hasKeys(i, INFO_KEYS) || !isNum(i.lastUserVersion) || !isNum(i.lastEpochStarted)) {
    return JSON.stringify(i);
  }
  return (
    '{"lastUpdate":' +
    evJson(i.lastUpdate) +
    ',"lastComplete":' +
    evJson(i.lastComplete) +
    ',"logTail":' +
    evJson(i.logTail) +
    ',"lastUserVersion":' +
    String(i.lastUserVersion) +
    ',"lastEpochStarted":' +
    String(i.lastEpochStarted) +
    '}'
  );
}

/** `JSON.stringify(entry)`. */
export function pgLogEntryJson(e: PgLogEntry): string {
  if (
    !hasKeys(e, ENTRY_KEYS) ||
    !isNum(e.userVersion) ||
    !isNum(e.returnCode) ||
    !isNum(e.mtime) ||
    typeof e.op !== 'string'
  ) {
    return JSON.stringify(e);
  }
  return (
    '{"op":' +
    JSON.stringify(e.op) +
    ',"soid":' +
    hobjJson(e.soid) +
    ',"version":' +
    evJson(e.version) +
    ',"priorVersion":' +
    evJson(e.priorVersion) +
    ',"reqid":' +
    reqidJson(e.reqid) +
    ',"userVersion":' +
    String(e.userVersion) +
    ',"returnCode":' +
    String(e.returnCode) +
    ',"mtime":' +
    String(e.mtime) +
    '}'
  );
}
