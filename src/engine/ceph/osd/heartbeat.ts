/**
 * An OSD's side of failure detection (spec §10.1): MOSDPing to its heartbeat peers and the
 * replies (`handle_osd_ping`), `heartbeat_check` (a peer silent for longer than
 * osd_heartbeat_grace), the failure reports it has sent and not seen resolved
 * (`failure_pending`, cancelled by `send_still_alive` when the peer answers again), and what a
 * running OSD does when the monitor marks it down anyway (`_committed_osd_maps`: "wrongly
 * marked me down" → osd_markdown_log → `start_waiting_for_healthy` → `_send_boot` once enough
 * peers answer).
 *
 * The cluster's heartbeat timer (cluster/cluster.ts) drives it; it runs only while something
 * is wrong (a dead OSD still up, a partition, a pending report, an OSD waiting to boot), so a
 * healthy cluster's event queue drains.
 */
import type { Runtime } from '../../core/runtime.ts';
import type { OsdMapView } from '../cluster/map.ts';
import type { MOSDPing } from '../msg/messages.ts';
import type { Messenger } from '../msg/messenger.ts';
import { osdEntity } from '../types.ts';

/** mon.a: where failure reports and boots go (cluster/monitor.ts MON_NAME). */
const MON = 'mon.a';
/** osd_heartbeat_min_healthy_ratio: share of up peers that must answer before booting. */
export const HEARTBEAT_MIN_HEALTHY_RATIO = 0.33;
/** osd_max_markdown_count within osd_max_markdown_period (600 s): then the OSD shuts down. */
export const OSD_MAX_MARKDOWN_COUNT = 5;
export const OSD_MAX_MARKDOWN_PERIOD_NS = 600_000_000_000;

interface PeerInfo {
  /** Last ping reply received. */
  lastRx: number;
  /** When the oldest ping still without a reply was sent (-1: none outstanding). */
  oldestUnanswered: number;
}

/** What the heartbeat needs from its OSD. */
export interface HeartbeatOwner {
  readonly id: number;
  readonly name: string;
  readonly rt: Runtime;
  readonly alive: boolean;
  map(): OsdMapView;
  /** The OSD shuts itself down (osd_max_markdown_count exceeded). */
  shutdown(): void;
}

export class OsdHeartbeat {
  private readonly peers = new Map<number, PeerInfo>();
  /** failure_pending: peers reported to the monitor (no reply), not yet down or cancelled. */
  private readonly failurePending = new Set<number>();
  /** osd_markdown_log: when the monitor marked this running OSD down. */
  private readonly markdownLog: number[] = [];
  /** start_waiting_for_healthy … _send_boot. */
  waitingForHealthy = false;
  private waitingSince = 0;
  /** MOSDBoot sent, not yet up in a map. */
  private booting = false;

  constructor(
    private readonly osd: HeartbeatOwner,
    private readonly msgr: Messenger,
  ) {}

  /** Failure detection still has work: reports pending, or waiting to boot. */
  busy(): boolean {
    // A boot the monitor answered without a new map (already up) is over too.
    const booting = this.booting && !this.osd.map().isUp(this.osd.id);
    return this.failurePending.size > 0 || this.waitingForHealthy || booting;
  }

  /** OSD::heartbeat: MOSDPing to every heartbeat peer (front and back networks in Ceph). */
  ping(peers: readonly number[]): void {
    const now = this.osd.rt.sim.now;
    const me = this.osd.name;
    for (const p of peers) {
      if (p === this.osd.id) continue;
      let hb = this.peers.get(p);
      if (!hb) {
        hb = { lastRx: now, oldestUnanswered: -1 };
        this.peers.set(p, hb);
      }
      if (hb.oldestUnanswered < 0) hb.oldestUnanswered = now;
      this.msgr.send(me, osdEntity(p), {
        type: 'osd_ping',
        op: 'ping',
        from: this.osd.id,
        stamp: now,
      });
    }
  }

  /**
   * OSD::handle_osd_ping: answer a ping; a reply clears the peer's outstanding pings, and a
   * peer this OSD reported is alive after all (send_still_alive cancels the report).
   */
  handlePing(m: MOSDPing, from: string): void {
    if (m.op === 'ping') {
      this.msgr.send(this.osd.name, from, {
        type: 'osd_ping',
        op: 'ping_reply',
        from: this.osd.id,
        stamp: m.stamp,
      });
      return;
    }
    const hb = this.peers.get(m.from);
    if (!hb) return;
    hb.lastRx = this.osd.rt.sim.now;
    hb.oldestUnanswered = -1;
    if (this.failurePending.delete(m.from)) {
      this.msgr.send(this.osd.name, MON, {
        type: 'osd_failure',
        from: this.osd.id,
        target: m.from,
        failedForNs: 0,
        alive: true,
      });
      this.osd.rt.trace.point('send_still_alive', this.osd.name, {
        data: { target: `osd.${m.from}`, epoch: this.osd.map().epoch },
        caption: `osd.${m.from} answers again: cancel the failure report`,
        pipeline: 'ceph.recovery',
      });
    }
  }

  /** OSD::heartbeat_check: up peers whose oldest unanswered ping is older than the grace. */
  overdue(graceNs: number): Array<{ osd: number; failedForNs: number }> {
    const now = this.osd.rt.sim.now;
    const out: Array<{ osd: number; failedForNs: number }> = [];
    const view = this.osd.map();
    for (const [p, hb] of this.peers) {
      if (!view.isUp(p)) continue;
      if (hb.oldestUnanswered >= 0 && now - hb.oldestUnanswered >= graceNs)
        out.push({ osd: p, failedForNs: now - hb.oldestUnanswered });
    }
    return out;
  }

  /**
   * heartbeat_check found `osd` silent (it did not refuse the connection: it may be alive
   * behind a broken network) → send_failures reports it once (failure_pending). Returns
   * false when it is already reported or this OSD cannot report (not up in its own map).
   */
  reportNoReply(osd: number, failedForNs: number, graceNs: number): boolean {
    if (this.failurePending.has(osd) || this.waitingForHealthy) return false;
    if (!this.osd.map().isUp(this.osd.id)) return false;
    const hb = this.peers.get(osd);
    const rt = this.osd.rt;
    rt.trace.point('heartbeat_check', this.osd.name, {
      data: {
        peer: `osd.${osd}`,
        no_reply_since_s: hb ? hb.oldestUnanswered / 1e9 : 0,
        failed_for_s: failedForNs / 1e9,
        grace_s: graceNs / 1e9,
      },
      caption: `no reply from osd.${osd} for ${(failedForNs / 1e9).toFixed(1)} s`,
      pipeline: 'ceph.recovery',
    });
    this.msgr.send(this.osd.name, MON, {
      type: 'osd_failure',
      from: this.osd.id,
      target: osd,
      failedForNs,
    });
    rt.trace.point('send_failures', this.osd.name, {
      data: { target: `osd.${osd}`, failed_for_s: failedForNs / 1e9 },
      pipeline: 'ceph.recovery',
    });
    this.failurePending.add(osd);
    return true;
  }

  forget(osd: number): void {
    this.peers.delete(osd);
  }

  /**
   * The OSD consumed map `v` after `prev`: peers marked down lose their connections
   * (note_down_osd — what a partition still held for them is discarded) and their reports;
   * this OSD itself marked down while running → wrongly marked down; marked up → booted.
   */
  onMap(prev: OsdMapView, v: OsdMapView): void {
    const me = this.osd.id;
    for (const p of prev.osds) {
      if (p === me || !prev.isUp(p) || v.isUp(p)) continue;
      this.noteDownOsd(p);
    }
    if (prev.isUp(me) && !v.isUp(me)) this.wronglyMarkedDown(v);
    else if (!prev.isUp(me) && v.isUp(me)) this.booting = false;
  }

  /** OSD::note_down_osd: forget the peer's heartbeat and report, mark its connection down. */
  private noteDownOsd(p: number): void {
    this.peers.delete(p);
    this.failurePending.delete(p);
    const peer = osdEntity(p);
    const dead = this.msgr.refuses(peer);
    const gone = this.msgr.markDownPair(this.osd.name, peer);
    // A dead peer's connection carried nothing that could still matter: stay quiet.
    if (dead || gone.length === 0) return;
    this.traceDiscarded('OSD::note_down_osd', { osd: peer }, gone, 'mark_down');
  }

  private traceDiscarded(
    step: string,
    data: { [k: string]: string | number | boolean },
    gone: Array<{ from: string; to: string; count: number }>,
    reason: string,
  ): void {
    const rt = this.osd.rt;
    for (const g of gone)
      rt.trace.effect({ kind: 'msg.drop', from: g.from, to: g.to, count: g.count, reason });
    rt.trace.point(step, this.osd.name, {
      data: { ...data, discarded: gone.reduce((n, g) => n + g.count, 0) },
      pipeline: 'ceph.recovery',
    });
  }

  /**
   * OSD::_committed_osd_maps: the monitor marked this running OSD down. It logs "wrongly
   * marked me down", keeps osd_markdown_log (too many markdowns in the period: it shuts
   * down), rebinds its messengers (every connection to a peer or client is reset) and waits
   * until enough heartbeat peers answer before it sends MOSDBoot.
   */
  private wronglyMarkedDown(v: OsdMapView): void {
    const rt = this.osd.rt;
    const now = rt.sim.now;
    this.markdownLog.push(now);
    while ((this.markdownLog[0] ?? now) < now - OSD_MAX_MARKDOWN_PERIOD_NS)
      this.markdownLog.shift();
    const n = this.markdownLog.length;
    rt.trace.point('_committed_osd_maps', this.osd.name, {
      data: {
        epoch: v.epoch,
        log: `map e${v.epoch} wrongly marked me down at e${v.epoch}`,
        markdown_count: n,
        osd_max_markdown_count: OSD_MAX_MARKDOWN_COUNT,
      },
      caption: `${this.osd.name} is running but the monitor marked it down`,
      pipeline: 'ceph.recovery',
    });
    this.failurePending.clear();
    this.peers.clear();
    this.booting = false;
    if (n > OSD_MAX_MARKDOWN_COUNT) {
      // "marked down N > osd_max_markdown_count 5 in last 600 seconds, shutting down"
      this.osd.shutdown();
      return;
    }
    const gone: Array<{ from: string; to: string; count: number }> = [];
    for (const peer of this.msgr.peersOf(this.osd.name))
      if (!peer.startsWith('mon.')) gone.push(...this.msgr.markDownPair(this.osd.name, peer));
    this.waitingForHealthy = true;
    this.waitingSince = now;
    this.traceDiscarded('start_waiting_for_healthy', { epoch: v.epoch }, gone, 'rebind');
  }

  /**
   * While waiting for healthy (OSD::tick → start_boot): once at least
   * osd_heartbeat_min_healthy_ratio of the up peers answered a ping since the markdown,
   * `_send_boot` (MOSDBoot to the monitor). Returns whether it booted.
   */
  maybeBoot(upPeers: readonly number[]): boolean {
    if (!this.waitingForHealthy) return false;
    const peers = upPeers.filter((p) => p !== this.osd.id);
    const healthy = peers.filter((p) => {
      const hb = this.peers.get(p);
      return hb !== undefined && hb.oldestUnanswered < 0 && hb.lastRx > this.waitingSince;
    }).length;
    if (peers.length > 0 && healthy / peers.length < HEARTBEAT_MIN_HEALTHY_RATIO) return false;
    this.waitingForHealthy = false;
    this.booting = true;
    const epoch = this.osd.map().epoch;
    this.msgr.send(this.osd.name, MON, { type: 'osd_boot', from: this.osd.id, epoch });
    this.osd.rt.trace.point('_send_boot', this.osd.name, {
      data: { epoch, healthy_peers: healthy, up_peers: peers.length },
      caption: `${healthy} of ${peers.length} peers answer: ask the monitor to mark it up`,
      pipeline: 'ceph.recovery',
    });
    return true;
  }

  /** The process died or restarted: nothing of this survives. */
  reset(): void {
    this.peers.clear();
    this.failurePending.clear();
    this.waitingForHealthy = false;
    this.booting = false;
  }
}
