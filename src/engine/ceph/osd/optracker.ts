/**
 * OpTracker (src/common/TrackedOp.{h,cc}, Pacific): every message an OSD handles becomes a
 * TrackedOp with timestamped events; finished ops go to the OpHistory that
 * `dump_historic_ops` prints (spec §9). Event names, flag points and the JSON shape are the
 * ones Ceph 16.2.15 prints (checked against ceph-real-traces and live/ dumps).
 */
import type { ProcContext } from '../../core/sim.ts';
import type { Json } from '../../trace/event.ts';

/** Flag points (TrackedOp::mark_flag_point strings) for the events that set one. */
const FLAG_POINT: Record<string, string> = {
  queued_for_pg: 'queued for pg',
  reached_pg: 'reached pg',
  started: 'started',
  commit_sent: 'commit sent; apply or cleanup',
};

/** Delay events set the flag point "delayed" (spec §9.1). */
export const DELAY_EVENTS = new Set([
  'waiting_for_map not empty',
  'op must wait for map',
  'wait for new map',
  'waiting for peered',
  'waiting for active',
  'waiting for missing object',
  'waiting for degraded object',
  'waiting for ondisk',
  'waiting for rw locks',
  'waiting for scrub',
]);

export interface TrackedEvent {
  readonly event: string;
  /** Virtual ns. */
  readonly t: number;
}

export interface ClientInfo {
  readonly client: string;
  readonly clientAddr: string;
  readonly tid: number;
}

export class TrackedOp {
  /**
   * Event names and stamps in two parallel arrays (not one object per event): five TrackedOps
   * with ~10 events each per replicated write; only the few kept in the history are dumped.
   */
  private readonly eventNames: string[] = [];
  private readonly eventTimes: number[] = [];
  flagPoint = 'no flag points reached';
  doneAt = -1;
  /** The trace context of the message that created it (its op's events carry that op). */
  ctx: ProcContext | undefined = undefined;

  constructor(
    readonly description: string,
    /** = the throttle stamp (`initiated`). */
    readonly initiatedAt: number,
    readonly clientInfo: ClientInfo | undefined,
  ) {}

  mark(event: string, t: number): void {
    this.eventNames.push(event);
    this.eventTimes.push(t);
    const fp = FLAG_POINT[event];
    if (fp !== undefined) this.flagPoint = fp;
    else if (event.startsWith('waiting for subops from ')) this.flagPoint = 'waiting for sub ops';
    else if (DELAY_EVENTS.has(event)) this.flagPoint = 'delayed';
  }

  get events(): TrackedEvent[] {
    return this.eventNames.map((event, i) => ({ event, t: this.eventTimes[i] as number }));
  }

  get names(): string[] {
    return [...this.eventNames];
  }
}

export interface OpHistoryConfig {
  /** osd_op_history_size (Pacific default 20). */
  size: number;
  /** osd_op_history_duration in seconds (default 600). */
  durationSec: number;
}

export const DEFAULT_HISTORY: OpHistoryConfig = { size: 20, durationSec: 600 };

export class OpTracker {
  private readonly inFlight = new Set<TrackedOp>();
  /** Completed ops in initiated-time order (OpHistory::arrived). */
  private history: TrackedOp[] = [];

  constructor(
    readonly config: OpHistoryConfig = DEFAULT_HISTORY,
    /** Hammer's create_request marks the stamps in another order (spec §5.1 step 2). */
    private readonly hammer = false,
  ) {}

  /** OpTracker::create_request: initiated + the messenger stamps, in Pacific's order. */
  createRequest(
    description: string,
    stamps: { headerRead: number; throttled: number; allRead: number; dispatched: number },
    clientInfo?: ClientInfo,
  ): TrackedOp {
    const op = new TrackedOp(description, stamps.throttled, clientInfo);
    op.mark('initiated', stamps.throttled);
    if (this.hammer) {
      op.mark('header_read', stamps.headerRead);
      op.mark('throttled', stamps.throttled);
    } else {
      op.mark('throttled', stamps.throttled);
      op.mark('header_read', stamps.headerRead);
    }
    op.mark('all_read', stamps.allRead);
    op.mark('dispatched', stamps.dispatched);
    this.inFlight.add(op);
    return op;
  }

  /** The last reference went away: `done`, then into the history. */
  finish(op: TrackedOp, t: number): void {
    if (op.doneAt >= 0) return;
    op.mark('done', t);
    op.doneAt = t;
    this.inFlight.delete(op);
    this.history.push(op);
    this.cleanup(t);
  }

  /** OpHistory::cleanup: drop ops older than the duration, then the shortest beyond size. */
  private cleanup(now: number): void {
    const horizon = now - this.config.durationSec * 1e9;
    if (this.history.length > 0 && (this.history[0]?.initiatedAt ?? 0) < horizon) {
      this.history = this.history.filter((o) => o.initiatedAt >= horizon);
    }
    while (this.history.length > this.config.size) {
      let shortest = 0;
      let best = Infinity;
      for (let i = 0; i < this.history.length; i++) {
        const o = this.history[i] as TrackedOp;
        const d = o.doneAt - o.initiatedAt;
        if (d < best) {
          best = d;
          shortest = i;
        }
      }
      this.history.splice(shortest, 1);
    }
  }

  get historic(): readonly TrackedOp[] {
    return [...this.history].sort((a, b) => a.initiatedAt - b.initiatedAt);
  }

  get inFlightOps(): readonly TrackedOp[] {
    return [...this.inFlight];
  }

  /** `ceph daemon osd.N dump_historic_ops` (Pacific shape). */
  dumpHistoricOps(now: number): Json {
    return {
      size: this.config.size,
      duration: this.config.durationSec,
      ops: this.historic.map((o) => dumpOp(o, now)),
    };
  }

  /** `ceph daemon osd.N dump_ops_in_flight`. */
  dumpOpsInFlight(now: number): Json {
    const ops = [...this.inFlight].sort((a, b) => a.initiatedAt - b.initiatedAt);
    return { ops: ops.map((o) => dumpOp(o, now)), num_ops: ops.length };
  }
}

/** utime_t difference as Ceph prints it: a negative gap wraps the 32-bit seconds field. */
function utimeDiffSec(later: number, earlier: number): number {
  const d = (later - earlier) / 1e9;
  return d < 0 ? 4294967296 + d : d;
}

function dumpOp(o: TrackedOp, now: number): Json {
  const end = o.doneAt >= 0 ? o.doneAt : now;
  const evs = o.events;
  const events: Json[] = evs.map((e, i): Json => {
    const next = evs[i + 1];
    const duration =
      i === 0 ? 0 : next !== undefined ? utimeDiffSec(next.t, e.t) : (end - o.initiatedAt) / 1e9;
    return { event: e.event, time: cephTime(e.t), duration: roundSec(duration) };
  });
  const typeData: { [k: string]: Json } = { flag_point: o.flagPoint };
  if (o.clientInfo) {
    typeData.client_info = {
      client: o.clientInfo.client,
      client_addr: o.clientInfo.clientAddr,
      tid: o.clientInfo.tid,
    };
  }
  typeData.events = events;
  return {
    description: o.description,
    initiated_at: cephTime(o.initiatedAt),
    age: roundSec((now - o.initiatedAt) / 1e9),
    duration: roundSec((end - o.initiatedAt) / 1e9),
    type_data: typeData,
  };
}

function roundSec(s: number): number {
  return Math.round(s * 1e9) / 1e9;
}

/**
 * Virtual time 0 is 2026-11-21T22:45:00Z (the day the reference traces were captured), so
 * simulated dumps read like the real ones. Printed as utime_t's localtime form in UTC,
 * microseconds, `+0000`.
 */
const EPOCH_BASE_SEC = daysFromCivil(2026, 11, 21) * 86400 + 22 * 3600 + 45 * 60;

export function cephTime(ns: number): string {
  const totalUs = Math.floor(ns / 1000);
  const sec = EPOCH_BASE_SEC + Math.floor(totalUs / 1e6);
  const us = totalUs % 1e6;
  const days = Math.floor(sec / 86400);
  const rem = sec - days * 86400;
  const [y, m, d] = civilFromDays(days);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return (
    `${y}-${p2(m)}-${p2(d)}T${p2(Math.floor(rem / 3600))}:${p2(Math.floor((rem % 3600) / 60))}:` +
    `${p2(rem % 60)}.${String(us).padStart(6, '0')}+0000`
  );
}

/** Howard Hinnant's days_from_civil (proleptic Gregorian, days since 1970-01-01). */
function daysFromCivil(y0: number, m: number, d: number): number {
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(z0: number): [number, number, number] {
  const z = z0 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const y = yoe + era * 400;
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [m <= 2 ? y + 1 : y, m, d];
}
