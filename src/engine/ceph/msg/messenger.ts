/**
 * The messenger (AsyncMessenger, msgr v2, loopback) reduced to what the IO path shows: a
 * per-message virtual latency, in-order delivery per connection, and the four stamps the
 * receiver's OpTracker turns into `header_read`, `throttled`/`initiated`, `all_read`,
 * `dispatched`.
 *
 * Calibration (ceph-real-traces ANALYSIS.md, medians of 1000 QD=1 4 KiB writes on loopback):
 * client→OSD and OSD→OSD one-way ≈ 40 µs (client p50 454 µs vs primary `done` 373 µs; replica
 * `commit_sent` → primary `sub_op_commit_rec` 54 µs including the PG queue); reading the
 * message body costs ≈ 10 µs for a 4 KiB payload and ≈ 2 µs for a small reply
 * (`all_read` − `initiated`), `dispatched` follows `all_read` by ≈ 1 µs, and the header stamp
 * is taken ≈ 1 µs before the throttle stamp that becomes `initiated`.
 */
import type { Runtime } from '../../core/runtime.ts';
import type { ProcContext } from '../../core/sim.ts';
import { currentCtx, enterCtx, leaveCtx } from '../sched.ts';
import type { Effect } from '../../trace/event.ts';
import { type Message, messageBytes } from './messages.ts';

export interface RecvStamps {
  readonly headerRead: number;
  readonly throttled: number;
  readonly allRead: number;
  readonly dispatched: number;
}

export type Dispatcher = (m: Message, stamps: RecvStamps, from: string) => void;

export interface MessengerLatency {
  /** One-way wire + kernel time, ns. */
  wireNs: number;
  /** Body read cost: fixed + per byte. */
  readFixedNs: number;
  readNsPerByte: number;
  dispatchNs: number;
}

export const LOOPBACK_LATENCY: MessengerLatency = {
  wireNs: 40_000,
  readFixedNs: 1_500,
  readNsPerByte: 2,
  dispatchNs: 1_000,
};

interface DropRule {
  from?: string;
  to?: string;
  count: number;
}

/** fault_partition: the two sides (actor or entity names) cannot reach each other until `until`. */
interface Partition {
  a: string;
  b: string;
  until: number;
}

/**
 * TCP's retransmission timer: the first RTO (Linux TCP_RTO_MIN, 200 ms) doubles on every
 * unanswered retransmission up to TCP_RTO_MAX (120 s). A segment lost at a partition reaches
 * the peer at the first retransmission after the heal.
 */
export const TCP_RTO_MIN_NS = 200_000_000;
export const TCP_RTO_MAX_NS = 120_000_000_000;
/** ms_initial_backoff: a lossless connection that faulted reconnects after 0.2 s. */
export const MS_INITIAL_BACKOFF_NS = 200_000_000;

/** When a segment first sent at `sentNs` gets through a path that heals at `healNs`. */
export function tcpRetransmitAfter(sentNs: number, healNs: number): number {
  let t = sentNs;
  let rto = TCP_RTO_MIN_NS;
  while (t < healNs) {
    t += rto;
    rto = Math.min(rto * 2, TCP_RTO_MAX_NS);
  }
  return t;
}

/** One direction of a connection: the actor names its effects carry and its FIFO clock. */
interface Route {
  from: string;
  to: string;
  /** The Ceph entity names, where they differ from the actor names. */
  fromEntity: string | undefined;
  toEntity: string | undefined;
  /** When the previous message on this connection arrives (delivery stays in order). */
  lastArrival: number;
  /** Connection generation: mark_down discards what the old connection still carried. */
  gen: number;
  /** Messages scheduled for delivery and not yet delivered. */
  inflight: number;
  /** While cut by a partition: when the held bytes get through (0 = not held). */
  heldUntil: number;
}

export class Messenger {
  private readonly endpoints = new Map<string, Dispatcher>();
  private readonly down = new Set<string>();
  /** Entity name → trace actor name, for endpoints whose events use another name. */
  private readonly actors = new Map<string, string>();
  /** from → to → route (built on the first message, so a send hashes no new strings). */
  private readonly routes = new Map<string, Map<string, Route>>();
  private drops: DropRule[] = [];
  private partitions: Partition[] = [];
  /** ms_handle_reset handlers: a lossy connection of this endpoint was reset by a fault. */
  private readonly resetHandlers = new Map<string, (peer: string) => void>();
  sent = 0;
  dropped = 0;

  constructor(
    private readonly rt: Runtime,
    readonly lat: MessengerLatency = LOOPBACK_LATENCY,
  ) {}

  /**
   * `actor` is the name the endpoint's trace events use when it differs from its Ceph entity
   * name (the Objecter traces as `client`, its messenger is `client.4124`): message effects
   * name actors, so a sequence diagram's arrows land on the lifelines of the events.
   */
  register(name: string, d: Dispatcher, actor?: string): void {
    this.endpoints.set(name, d);
    this.down.delete(name);
    if (actor !== undefined && actor !== name) this.actors.set(name, actor);
    for (const [from, m] of this.routes) for (const [to, r] of m) this.nameRoute(r, from, to);
  }

  /** Trace effect fields for one message: actor names, plus the Ceph entity where it differs. */
  private nameRoute(r: Route, from: string, to: string): void {
    const f = this.actors.get(from);
    const t = this.actors.get(to);
    r.from = f ?? from;
    r.to = t ?? to;
    r.fromEntity = f !== undefined ? from : undefined;
    r.toEntity = t !== undefined ? to : undefined;
  }

  private route(from: string, to: string): Route {
    let m = this.routes.get(from);
    if (!m) {
      m = new Map();
      this.routes.set(from, m);
    }
    let r = m.get(to);
    if (!r) {
      r = {
        from,
        to,
        fromEntity: undefined,
        toEntity: undefined,
        lastArrival: 0,
        gen: 0,
        inflight: 0,
        heldUntil: 0,
      };
      this.nameRoute(r, from, to);
      m.set(to, r);
    }
    return r;
  }

  /** The process behind `name` died: its socket is gone, messages to it vanish. */
  markDown(name: string): void {
    this.down.add(name);
  }

  markUp(name: string): void {
    this.down.delete(name);
  }

  isUp(name: string): boolean {
    return this.endpoints.has(name) && !this.down.has(name);
  }

  /** Nothing listens at `name` (process dead): a connection attempt is refused. */
  refuses(name: string): boolean {
    return !this.isUp(name);
  }

  /**
   * fault_drop_messages: the next `count` messages matching from/to (actor or entity names)
   * are lost on the wire — what Ceph's `ms_inject_socket_failures` does: the socket faults with
   * the message. What happens next is the connection's policy (see `faultPolicy`).
   */
  dropNext(count: number, from?: string, to?: string): void {
    const r: DropRule = { count };
    if (from !== undefined) r.from = from;
    if (to !== undefined) r.to = to;
    this.drops.push(r);
  }

  /**
   * fault_partition: every message between `a` and `b` (actor or entity names), either way,
   * is lost at the cut until virtual time `untilNs`. The TCP connection survives (the model
   * has no ms_tcp_read_timeout): the sender retransmits with exponential backoff and the held
   * bytes arrive at the first retransmission after the heal, in order.
   */
  partition(a: string, b: string, untilNs: number): void {
    this.partitions.push({ a, b, until: untilNs });
  }

  /** A partition is in force now (the OSDs heartbeat each other while one is). */
  partitioned(): boolean {
    if (this.partitions.length === 0) return false;
    const now = this.rt.sim.now;
    this.partitions = this.partitions.filter((p) => p.until > now);
    return this.partitions.length > 0;
  }

  /** When the last partition in force heals (0 = none). */
  healsAt(): number {
    return this.partitioned() ? Math.max(...this.partitions.map((p) => p.until)) : 0;
  }

  /** Objecter::ms_handle_reset and the like: `fn(peer)` when a lossy connection is reset. */
  onReset(name: string, fn: (peer: string) => void): void {
    this.resetHandlers.set(name, fn);
  }

  /**
   * mark_down of the connection between entities `a` and `b` (both directions): what it still
   * carried is discarded, the next message opens a fresh connection. Returns how many
   * messages were discarded, per direction that had any.
   */
  markDownPair(a: string, b: string): Array<{ from: string; to: string; count: number }> {
    const out: Array<{ from: string; to: string; count: number }> = [];
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      const r = this.routes.get(x)?.get(y);
      if (!r) continue;
      if (r.inflight > 0) out.push({ from: r.from, to: r.to, count: r.inflight });
      r.gen++;
      r.inflight = 0;
      r.heldUntil = 0;
      r.lastArrival = 0;
    }
    return out;
  }

  /** Every peer `name` has a connection with (entity names). */
  peersOf(name: string): string[] {
    const out = new Set<string>();
    for (const to of this.routes.get(name)?.keys() ?? []) out.add(to);
    for (const [from, m] of this.routes) if (m.has(name)) out.add(from);
    return [...out].sort();
  }

  private cutUntil(r: Route, from: string, to: string): number {
    const now = this.rt.sim.now;
    let until = 0;
    const n = namesEnd;
    for (const p of this.partitions) {
      if (p.until <= now) continue;
      if ((n(p.a, r.from, from) && n(p.b, r.to, to)) || (n(p.b, r.from, from) && n(p.a, r.to, to)))
        until = Math.max(until, p.until);
    }
    return until;
  }

  /**
   * A message hit a fault. Returns the earliest arrival it can still make (ns), or -1 when it
   * is lost for good. Effects: `msg.drop` with the reason and what the connection does next.
   */
  private fault(r: Route, from: string, to: string, m: Message, bytes: number): number {
    const now = this.rt.sim.now;
    if (this.partitions.length > 0) {
      const until = this.cutUntil(r, from, to);
      if (until > 0) {
        // A segment already waiting on this connection goes first: the rest follow it.
        const at =
          r.heldUntil > now ? r.heldUntil : tcpRetransmitAfter(now, until) + this.lat.wireNs;
        r.heldUntil = at;
        this.rt.trace.effect({
          ...msgEffect('msg.drop', r, m.type, bytes),
          reason: 'partition',
          heal_ns: until,
          retransmit_arrival_ns: at,
        });
        return at;
      }
    }
    if (this.drops.length > 0 && this.shouldDrop(r, from, to)) {
      const policy = faultPolicy(from, to, m);
      this.rt.trace.effect({
        ...msgEffect('msg.drop', r, m.type, bytes),
        reason: 'fault_drop_messages',
        policy,
      });
      // The socket fault is a step of its own: the sender's connection handles it.
      this.rt.trace.point('ProtocolV2::fault', r.from, {
        data: {
          peer: r.to,
          msg: m.type,
          policy,
          next:
            policy === 'lossy'
              ? m.type === 'osd_ping'
                ? 'lost (heartbeat connection)'
                : 'lost; connection reset (ms_handle_reset)'
              : `reconnect after ${MS_INITIAL_BACKOFF_NS / 1e9} s and resend`,
        },
        pipeline: 'ceph.recovery',
      });
      if (policy === 'lossy') {
        this.dropped++;
        if (m.type !== 'osd_ping') this.resetLossy(from, to);
        return -1;
      }
      // Lossless peers (and the monitor session, whose client resends on reconnect): the
      // connection reconnects after the backoff and resends what the peer did not ack.
      return now + MS_INITIAL_BACKOFF_NS + this.lat.wireNs;
    }
    return 0;
  }

  /**
   * A lossy client connection faulted: both ends drop it (so a reply still on its way over it
   * is lost too) and the client's ms_handle_reset runs when it sees the socket close.
   */
  private resetLossy(from: string, to: string): void {
    this.markDownPair(from, to);
    for (const [me, peer] of [
      [from, to],
      [to, from],
    ] as const) {
      const fn = this.resetHandlers.get(me);
      if (!fn) continue;
      const ctx = currentCtx(this.rt.sim);
      this.rt.sim.schedule(this.lat.wireNs, () => {
        if (this.down.has(me)) return;
        const prev = enterCtx(this.rt.sim, ctx, me);
        try {
          fn(peer);
        } finally {
          leaveCtx(this.rt.sim, prev);
        }
      });
    }
  }

  /** Connection::send_message. Returns the virtual delay until the receiver dispatches it. */
  send(from: string, to: string, m: Message, extraDelayNs = 0): void {
    this.sent++;
    const sim = this.rt.sim;
    const ctx: ProcContext = currentCtx(sim);
    const bytes = messageBytes(m);
    const route = this.route(from, to);
    this.rt.trace.effect(msgEffect('msg.send', route, m.type, bytes));
    if (this.down.has(from)) {
      this.dropped++;
      return;
    }
    const now = sim.now;
    let arrival = Math.max(now + extraDelayNs + this.lat.wireNs, route.lastArrival);
    // Held by a fault (a partition, a reconnect): the bytes wait in the sender's socket and
    // die with the sender's process.
    let held = false;
    if (this.drops.length > 0 || this.partitions.length > 0) {
      const at = this.fault(route, from, to, m, bytes);
      if (at < 0) return;
      held = at > 0;
      arrival = Math.max(arrival, at);
    }
    route.lastArrival = arrival;
    const gen = route.gen;
    route.inflight++;
    const readNs = this.lat.readFixedNs + bytes * this.lat.readNsPerByte;
    const stamps: RecvStamps = {
      headerRead: arrival,
      throttled: arrival + 1_000,
      allRead: arrival + readNs,
      dispatched: arrival + readNs + this.lat.dispatchNs,
    };
    sim.schedule(stamps.dispatched - now, () => {
      if (route.gen !== gen) return; // the connection was marked down: discarded
      route.inflight--;
      if (held && this.down.has(from)) {
        this.dropped++;
        return;
      }
      const d = this.endpoints.get(to);
      if (!d || this.down.has(to)) {
        this.dropped++;
        return;
      }
      const prev = enterCtx(sim, ctx, to);
      try {
        this.rt.trace.effect(msgEffect('msg.recv', route, m.type, bytes));
        d(m, stamps, from);
      } finally {
        leaveCtx(sim, prev);
      }
    });
  }

  private shouldDrop(route: Route, from: string, to: string): boolean {
    const n = namesEnd;
    for (const r of this.drops) {
      if (r.count <= 0) continue;
      if (r.from !== undefined && !n(r.from, route.from, from)) continue;
      if (r.to !== undefined && !n(r.to, route.to, to)) continue;
      r.count--;
      this.drops = this.drops.filter((x) => x.count > 0);
      return true;
    }
    return false;
  }
}

/** True when `x` (a fault's side) names this end of a route: its actor or entity name. */
function namesEnd(x: string, actor: string, entity: string): boolean {
  return x === actor || x === entity;
}

/**
 * What a connection does when a message is lost on it (Ceph's messenger policies):
 * `lossless` — OSD ↔ OSD cluster connections (lossless_peer: reconnect, resend what was not
 * acked) and monitor sessions (the MonClient reconnects and the OSD resends its failure
 * reports and boot, the monitor resends the maps a subscriber lacks); `lossy` — the heartbeat
 * connections (MOSDPing) and client ↔ OSD (lossy_client / stateless_server: the connection is
 * reset, the message is gone, the Objecter resends its ops on the new session).
 */
export function faultPolicy(from: string, to: string, m: Message): 'lossless' | 'lossy' {
  if (m.type === 'osd_ping') return 'lossy';
  if (from.startsWith('mon.') || to.startsWith('mon.')) return 'lossless';
  const client = from.startsWith('client.') || to.startsWith('client.');
  return client ? 'lossy' : 'lossless';
}

/** A msg.send / msg.recv effect: kind, from, to, [from_entity], [to_entity], msg, bytes. */
function msgEffect(kind: string, r: Route, msg: string, bytes: number): Effect {
  const fe = r.fromEntity;
  const te = r.toEntity;
  if (fe === undefined) {
    if (te === undefined) return { kind, from: r.from, to: r.to, msg, bytes };
    return { kind, from: r.from, to: r.to, to_entity: te, msg, bytes };
  }
  if (te === undefined) return { kind, from: r.from, to: r.to, from_entity: fe, msg, bytes };
  return { kind, from: r.from, to: r.to, from_entity: fe, to_entity: te, msg, bytes };
}
