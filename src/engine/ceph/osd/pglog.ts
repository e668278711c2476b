/**
 * PGLog and pg_info_t pointers (spec §7): the per-PG ordered log of modifications with
 * eversions, `head`/`tail`, and the completion pointers last_update / last_complete. The log is
 * persisted as omap keys of the PG's meta object (`_write_log_and_missing`), so a restarted OSD
 * reads it back.
 */
import { utf8Decode } from '../../core/bytes.ts';
import { asciiOrUtf8 } from '../json-bytes.ts';
import { pgInfoJson, pgLogEntryJson } from './pglog-json.ts';
import { IdentityRing } from '../identity-ring.ts';
import type { Json } from '../../trace/event.ts';
import {
  EV_ZERO,
  type Eversion,
  type PgLogEntry,
  evCmp,
  evStr,
  hobjStr,
  reqidStr,
} from '../types.ts';

export const PGMETA_OID = 'pgmeta';
/** osd_min_pg_log_entries / osd_max_pg_log_entries (Pacific) and osd_pg_log_trim_min. */
export const PG_LOG_MIN_ENTRIES = 250;
export const PG_LOG_MAX_ENTRIES = 10000;
export const PG_LOG_TRIM_MIN = 100;
/** osd_pg_log_dups_tracked. */
const PG_LOG_DUPS_TRACKED = 3000;
/** The omap key of the encoded pg_info_t. */
export const INFO_KEY = '_info';

export interface PgInfo {
  lastUpdate: Eversion;
  lastComplete: Eversion;
  logTail: Eversion;
  lastUserVersion: number;
  lastEpochStarted: number;
}

export function newPgInfo(): PgInfo {
  return {
    lastUpdate: EV_ZERO,
    lastComplete: EV_ZERO,
    logTail: EV_ZERO,
    lastUserVersion: 0,
    lastEpochStarted: 0,
  };
}

export class PgLog {
  entries: PgLogEntry[] = [];
  /** reqid → entry, for dup detection. */
  private readonly byReqid = new Map<string, PgLogEntry>();
  tail: Eversion = EV_ZERO;

  get head(): Eversion {
    return this.entries.at(-1)?.version ?? this.tail;
  }

  add(e: PgLogEntry): void {
    if (evCmp(e.version, this.head) <= 0) {
      throw new Error(`pg log: ${evStr(e.version)} not after head ${evStr(this.head)}`);
    }
    this.entries.push(e);
    this.byReqid.set(reqidStr(e.reqid), e);
  }

  findReqid(reqid: string): PgLogEntry | undefined {
    return this.byReqid.get(reqid) ?? this.dups.get(reqid);
  }

  /** Trimmed entries still answer duplicate requests (osd_pg_log_dups_tracked). */
  private readonly dups = new Map<string, PgLogEntry>();

  /** Trim entries up to and including `to`; returns them (their omap keys must go). */
  trim(to: Eversion): PgLogEntry[] {
    let n = 0;
    while (n < this.entries.length && evCmp((this.entries[n] as PgLogEntry).version, to) <= 0) n++;
    if (n === 0) return [];
    const gone = this.entries.splice(0, n);
    this.tail = to;
    for (const e of gone) {
      const k = reqidStr(e.reqid);
      this.byReqid.delete(k);
      this.dups.set(k, e);
    }
    while (this.dups.size > PG_LOG_DUPS_TRACKED) {
      const first = this.dups.keys().next().value as string;
      this.dups.delete(first);
    }
    return gone;
  }

  /** Entries newer than `v`, oldest first. */
  after(v: Eversion): PgLogEntry[] {
    return this.entries.filter((e) => evCmp(e.version, v) > 0);
  }

  /** Drop entries newer than `v` (divergent entries of a peer that lost the race). */
  rewindTo(v: Eversion): PgLogEntry[] {
    const keep: PgLogEntry[] = [];
    const gone: PgLogEntry[] = [];
    for (const e of this.entries) (evCmp(e.version, v) <= 0 ? keep : gone).push(e);
    this.entries = keep;
    for (const e of gone) this.byReqid.delete(reqidStr(e.reqid));
    return gone;
  }

  /** `ceph-objectstore-tool --op log` shape (spec §7). */
  toJson(): Json {
    return {
      pg_log_t: {
        head: evStr(this.head),
        tail: evStr(this.tail),
        log: this.entries.map(entryJson),
        dups: [],
      },
    };
  }
}

/**
 * Entries travel by reference (primary → replicas): each is traced and encoded three times
 * within a few hundred virtual µs, so the recent ones share their JSON and bytes.
 */
const entryJsons = new IdentityRing<PgLogEntry, Json>(64);
const encoded = new IdentityRing<PgLogEntry, Uint8Array>(64);

export function entryJson(e: PgLogEntry): Json {
  return entryJsons.get(e, buildEntryJson);
}

function buildEntryJson(e: PgLogEntry): Json {
  return {
    op: e.op,
    object: hobjStr(e.soid),
    version: evStr(e.version),
    prior_version: evStr(e.priorVersion),
    reqid: reqidStr(e.reqid),
    extra_reqids: [],
    return_code: e.returnCode,
  };
}

/** Omap key of a log entry: zero-padded epoch.version so omap order = log order. */
export function logKey(v: Eversion): string {
  return `${zeroPad(v.epoch, 10)}.${zeroPad(v.version, 20)}`;
}

const ZEROS = '00000000000000000000';

/** `String(n).padStart(width, '0')` for a non-negative integer, without padStart's cost. */
function zeroPad(n: number, width: number): string {
  const s = String(n);
  return s.length >= width ? s : ZEROS.slice(0, width - s.length) + s;
}

function buildEncodedEntry(e: PgLogEntry): Uint8Array {
  return asciiOrUtf8(pgLogEntryJson(e));
}

export function encodeEntry(e: PgLogEntry): Uint8Array {
  return encoded.get(e, buildEncodedEntry);
}

export function decodeEntry(b: Uint8Array): PgLogEntry {
  return JSON.parse(utf8Decode(b)) as PgLogEntry;
}

export function encodeInfo(i: PgInfo): Record<string, Uint8Array> {
  return { [INFO_KEY]: encodeInfoValue(i) };
}

/** The value stored under INFO_KEY. */
export function encodeInfoValue(i: PgInfo): Uint8Array {
  return asciiOrUtf8(pgInfoJson(i));
}

/** Read the log and info back from the PG meta object's omap. */
export function loadLog(omap: ReadonlyMap<string, Uint8Array> | undefined): {
  log: PgLog;
  info: PgInfo;
} {
  const log = new PgLog();
  let info = newPgInfo();
  if (!omap) return { log, info };
  const keys = [...omap.keys()].filter((k) => k !== INFO_KEY).sort();
  for (const k of keys) {
    const v = omap.get(k);
    if (v) log.add(decodeEntry(v));
  }
  const iv = omap.get(INFO_KEY);
  if (iv) info = JSON.parse(utf8Decode(iv)) as PgInfo;
  return { log, info };
}
