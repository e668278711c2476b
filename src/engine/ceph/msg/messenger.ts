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

/** One direction of a connection: the actor names its effects carry and its FIFO clock. */
interface Route {
  from: string;
  to: string;
  /** The Ceph entity names, where they differ from the actor names. */
  fromEntity: string | undefined;
  toEntity: string | undefined;
  /** When the previous message on this connection arrives (delivery stays in order). */
  lastArrival: number;
}

export class Messenger {
  private readonly endpoints = new Map<string, Dispatcher>();
  private readonly down = new Set<string>();
  /** Entity name → trace actor name, for endpoints whose events use another name. */
  private readonly actors = new Map<string, string>();
  /** from → to → route (built on the first message, so a send hashes no new strings). */
  private readonly routes = new Map<string, Map<string, Route>>();
  private drops: DropRule[] = [];
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
      r = { from, to, fromEntity: undefined, toEntity: undefined, lastArrival: 0 };
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

  /** fault_drop_messages: drop the next `count` messages matching from/to. */
  dropNext(count: number, from?: string, to?: string): void {
    const r: DropRule = { count };
    if (from !== undefined) r.from = from;
    if (to !== undefined) r.to = to;
    this.drops.push(r);
  }

  /** Connection::send_message. Returns the virtual delay until the receiver dispatches it. */
  send(from: string, to: string, m: Message, extraDelayNs = 0): void {
    this.sent++;
    const sim = this.rt.sim;
    const ctx: ProcContext = currentCtx(sim);
    const bytes = messageBytes(m);
    const route = this.route(from, to);
    this.rt.trace.effect(msgEffect('msg.send', route, m.type, bytes));
    if (this.down.has(from) || (this.drops.length > 0 && this.shouldDrop(from, to))) {
      this.dropped++;
      return;
    }
    const now = sim.now;
    const arrival = Math.max(now + extraDelayNs + this.lat.wireNs, route.lastArrival);
    route.lastArrival = arrival;
    const readNs = this.lat.readFixedNs + bytes * this.lat.readNsPerByte;
    const stamps: RecvStamps = {
      headerRead: arrival,
      throttled: arrival + 1_000,
      allRead: arrival + readNs,
      dispatched: arrival + readNs + this.lat.dispatchNs,
    };
    sim.schedule(stamps.dispatched - now, () => {
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

  private shouldDrop(from: string, to: string): boolean {
    for (const r of this.drops) {
      if (r.count <= 0) continue;
      if (r.from !== undefined && r.from !== from) continue;
      if (r.to !== undefined && r.to !== to) continue;
      r.count--;
      this.drops = this.drops.filter((x) => x.count > 0);
      return true;
    }
    return false;
  }
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
