/**
 * Sequence-diagram facts: actors in a stable order and messages between them, as an
 * append-only log (appendLog.ts). A message comes from a `msg.send` effect `{from, to, opc |
 * msg, bytes}` and is matched FIFO with the `msg.recv` `{at | to, opc | msg}` at its
 * destination; its `recvI` (the receiving event) is set when the receive is seen — a view at
 * cursor k treats `recvI > k` as still in flight. In ops that exchange no modelled messages,
 * consecutive events on different actors become "handoff" arrows (the engine moved work across
 * actors without a message); once an op has messages, such pairs are just interleavings of
 * concurrent actors and draw nothing.
 */
import type { Effect } from '../../engine/trace/event.ts';
import { createScanLog, type Indexed } from './appendLog.ts';
import { effectKinds } from './effectKinds.ts';
import { actorOf, eventList, foldEventOf, opOf, stepOf, type Events } from './eventList.ts';
import { num, str } from './grow.ts';

export interface SeqMessage extends Indexed {
  from: string;
  to: string;
  label: string;
  bytes?: number;
  /** Index of the receiving event (undefined: not received in the trace so far). */
  recvI?: number;
  kind: 'msg' | 'handoff';
  /**
   * What `msg.drop`s did to this message, in trace order (a Ceph network fault, then perhaps
   * its connection marked down): a view at cursor k shows the last one at or before k.
   */
  drops?: SeqDrop[];
}

/**
 * What a network fault did to a message. `lost`: it never arrives (a lossy connection reset, a
 * heartbeat lost, the connection marked down with it in flight). Otherwise it arrives late: TCP
 * retransmits it after a partition heals, or a lossless connection reconnects and resends it.
 */
export interface SeqDrop {
  /** The event that carried the `msg.drop` (a view before it still shows the message in flight). */
  at: number;
  reason: string;
  lost: boolean;
  /** What happened next, in words (`retransmitted after the heal`, `reconnect and resend`…). */
  next: string;
}

interface Ctx {
  queues: Map<string, SeqMessage[]>;
  /** Receives seen before their send (the send effect rode on a later event): by `to|label`. */
  orphans: Map<string, SeqMessage[]>;
  actors: Map<string, number>;
  /** Latest event index per actor (an orphan receive's arrow starts there). */
  lastAt: Map<string, number>;
  /** Ops that exchanged modelled messages (no handoff arrows for them: they'd be interleavings). */
  msgOps: Set<number>;
  /** The previous event's actor and op (handoff arrows). */
  prevActor?: string;
  prevOp: number;
  /** Effect-kind masks of the batch being read and the `msg.*` bits (effectKinds.ts). */
  masks: Uint32Array;
  want: number;
}

/**
 * Message endpoints as lifeline names: a Ceph client's messenger name (`client.4124`) is the
 * `client` actor of the trace events.
 */
function lifeline(name: string, ctx: Ctx): string {
  return /^client\.\d+$/.test(name) && ctx.actors.has('client') && !ctx.actors.has(name)
    ? 'client'
    : name;
}

const MSG_KINDS = ['msg.send', 'msg.recv', 'msg.drop'];

const hasMsg = (effects: readonly Effect[] | undefined): boolean =>
  !!effects?.some((f) => f.kind === 'msg.send' || f.kind === 'msg.recv' || f.kind === 'msg.drop');

function addDrop(m: SeqMessage, d: SeqDrop): void {
  if (m.drops) m.drops.push(d);
  else m.drops = [d];
}

/** The last fault that hit `m` at or before event `hi`. */
export function dropAt(m: SeqMessage, hi: number): SeqDrop | undefined {
  const ds = m.drops;
  if (!ds) return undefined;
  for (let k = ds.length - 1; k >= 0; k--) if ((ds[k] as SeqDrop).at <= hi) return ds[k];
  return undefined;
}

/**
 * A `msg.drop` (src/engine/ceph/msg/messenger.ts, osd/heartbeat.ts). With a `msg` it is about the
 * message the same event just sent: a partition holds it in the socket (it arrives after the
 * heal), a lossless connection resends it, a lossy one loses it. With a `count` (a connection
 * marked down) it is about every message still in flight from → to: all are lost.
 */
function readDrop(f: Effect, i: number, sent: SeqMessage[], ctx: Ctx): void {
  const fromRaw = str(f, 'from');
  const to = str(f, 'to');
  if (fromRaw === undefined || to === undefined) return;
  const from = lifeline(fromRaw, ctx);
  const reason = str(f, 'reason') ?? 'dropped';
  const label = str(f, 'msg');
  if (label !== undefined) {
    let m: SeqMessage | undefined;
    for (let k = sent.length - 1; k >= 0 && !m; k--) {
      const s = sent[k] as SeqMessage;
      if (s.from === from && s.to === to && s.label === label && !s.drops) m = s;
    }
    if (!m) return;
    const policy = str(f, 'policy');
    const lost = policy === 'lossy';
    const next =
      reason === 'partition'
        ? 'held in the socket, retransmitted after the heal'
        : lost
          ? 'lost; the connection is reset'
          : 'the connection reconnects and resends it';
    addDrop(m, { at: i, reason, lost, next });
    if (lost) {
      // Never received: a later receive of the same kind is another message's.
      const q = ctx.queues.get(`${to}|${label}`);
      const k = q?.lastIndexOf(m) ?? -1;
      if (q && k >= 0) q.splice(k, 1);
    }
    return;
  }
  // The connection was marked down: whatever it still carried from → to is discarded.
  for (const [key, q] of ctx.queues) {
    if (!key.startsWith(`${to}|`)) continue;
    for (let k = q.length - 1; k >= 0; k--) {
      const m = q[k] as SeqMessage;
      if (m.from !== from) continue;
      addDrop(m, { at: i, reason, lost: true, next: 'discarded with the connection' });
      q.splice(k, 1);
    }
  }
}

/** Read the `msg.*` effects of event i (actor `actor`); true when it had any. */
function readMessages(
  effects: readonly Effect[],
  actor: string,
  i: number,
  ctx: Ctx,
  push: (m: SeqMessage) => void,
): void {
  // Messages this event sent: a `msg.drop` after a send is about one of them.
  const sent: SeqMessage[] = [];
  for (const f of effects) {
    if (f.kind === 'msg.drop') readDrop(f, i, sent, ctx);
    else if (f.kind === 'msg.send') {
      const from = lifeline(str(f, 'from') ?? actor, ctx);
      const to = str(f, 'to');
      if (to === undefined) continue;
      const label = str(f, 'opc') ?? str(f, 'msg') ?? 'msg';
      const key = `${to}|${label}`;
      // Already received (the send effect came late): that entry stands for this send.
      if (ctx.orphans.get(key)?.shift()) continue;
      const m: SeqMessage = { i, from, to, label, kind: 'msg' };
      const b = num(f, 'bytes');
      if (b !== undefined) m.bytes = b;
      push(m);
      sent.push(m);
      const q = ctx.queues.get(key);
      if (q) q.push(m);
      else ctx.queues.set(key, [m]);
      if (!ctx.actors.has(to)) ctx.actors.set(to, i);
    } else if (f.kind === 'msg.recv') {
      const at = str(f, 'at') ?? str(f, 'to') ?? actor;
      const label = str(f, 'opc') ?? str(f, 'msg') ?? 'msg';
      const key = `${at}|${label}`;
      const m = ctx.queues.get(key)?.shift();
      if (m) {
        m.recvI = i;
        continue;
      }
      const fromRaw = str(f, 'from');
      if (fromRaw === undefined) continue;
      const from = lifeline(fromRaw, ctx);
      const o: SeqMessage = {
        i: ctx.lastAt.get(from) ?? i,
        from,
        to: at,
        label,
        recvI: i,
        kind: 'msg',
      };
      const b = num(f, 'bytes');
      if (b !== undefined) o.bytes = b;
      push(o);
      const q = ctx.orphans.get(key);
      if (q) q.push(o);
      else ctx.orphans.set(key, [o]);
    }
  }
}

/**
 * The log reads every event's actor and op from the header columns (lifelines, handoffs) and
 * decodes effects only for events the kind index says carry a `msg.*` effect.
 */
export function createSequenceLog() {
  return createScanLog<SeqMessage, Ctx>(
    () => ({
      queues: new Map(),
      orphans: new Map(),
      actors: new Map(),
      lastAt: new Map(),
      msgOps: new Set(),
      prevOp: 0,
      masks: new Uint32Array(0),
      want: 0,
    }),
    (l, i, ctx, push) => {
      const actor = actorOf(l, i) as string;
      const op = opOf(l, i) as number;
      if (!ctx.actors.has(actor)) ctx.actors.set(actor, i);
      if (((ctx.masks[i] as number) & ctx.want) !== 0) {
        const effects = foldEventOf(l, i)?.effects;
        if (effects && hasMsg(effects)) {
          readMessages(effects, actor, i, ctx, push);
          ctx.msgOps.add(op);
        }
      }
      ctx.lastAt.set(actor, i);
      const pa = ctx.prevActor;
      if (pa !== undefined && pa !== actor && ctx.prevOp === op && op >= 0 && !ctx.msgOps.has(op)) {
        push({
          i: i - 1,
          from: pa,
          to: actor,
          label: stepOf(l, i) as string,
          recvI: i,
          kind: 'handoff',
        });
      }
      ctx.prevActor = actor;
      ctx.prevOp = op;
    },
    (l, to, ctx) => {
      const index = effectKinds(l);
      ctx.masks = index.upTo(l, to);
      ctx.want = index.maskOf(MSG_KINDS);
    },
  );
}

/** Actor order for lifelines: client(s) first, then DAOS engines/targets, OSDs, monitors, rest; natural number order within. */
export function orderActors(names: Iterable<string>): string[] {
  const rank = (a: string): number =>
    a.startsWith('client')
      ? 0
      : a.startsWith('engine')
        ? 1
        : a.startsWith('osd')
          ? 2
          : a.startsWith('mon')
            ? 3
            : 4;
  return [...names].sort(
    (a, b) => rank(a) - rank(b) || a.localeCompare(b, 'en', { numeric: true }),
  );
}

/** Per (op, actor), the first and last event index within [lo, hi]: the op spans on lifelines. */
export function opSpans(
  given: Events,
  lo: number,
  hi: number,
): { op: number; actor: string; from: number; to: number }[] {
  const events = eventList(given);
  type Span = { op: number; actor: string; from: number; to: number };
  // Numeric keys (op × actor number): no string built per event of the window.
  const actorNo = new Map<string, number>();
  const m = new Map<number, Span>();
  const out: Span[] = [];
  for (let i = Math.max(0, lo); i <= hi && i < events.length; i++) {
    const op = opOf(events, i) as number;
    if (op < 0) continue;
    const actor = actorOf(events, i) as string;
    let a = actorNo.get(actor);
    if (a === undefined) {
      a = actorNo.size;
      actorNo.set(actor, a);
    }
    const k = op * 1048576 + a;
    const s = m.get(k);
    if (s) s.to = i;
    else {
      const n: Span = { op, actor, from: i, to: i };
      m.set(k, n);
      out.push(n);
    }
  }
  return out;
}

/**
 * The rows a sequence window shows, ending at the cursor: events that send or receive a
 * message, that start an op, or whose actor differs from the previous event's — long runs of
 * one actor working alone collapse to their first event (plus the cursor). At most `max` rows,
 * scanning back at most `scan` events. Ascending event indexes.
 */
export function sequenceRows(given: Events, cursor: number, max: number, scan = 20000): number[] {
  const events = eventList(given);
  const rows: number[] = [];
  const index = effectKinds(events);
  const masks = index.upTo(events, cursor + 1);
  const want = index.maskOf(MSG_KINDS);
  for (let i = cursor; i >= 0 && i > cursor - scan && rows.length < max; i--) {
    if (i >= events.length) continue;
    if (
      i === cursor ||
      i === 0 ||
      actorOf(events, i - 1) !== actorOf(events, i) ||
      opOf(events, i - 1) !== opOf(events, i) ||
      (((masks[i] as number) & want) !== 0 && hasMsg(foldEventOf(events, i)?.effects))
    )
      rows.push(i);
  }
  return rows.reverse();
}

/** Index into `rows` of the last row at or before event `i` (0 when before the first). */
export function rowOf(rows: readonly number[], i: number): number {
  let lo = 0;
  let hi = rows.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if ((rows[mid] as number) <= i) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
