/**
 * The monitor's OSDMap service (OSDMonitor), reduced to failure handling (spec §10.1):
 * MOSDFailure reports from heartbeat peers → the OSD is marked down in a new epoch once the
 * report's failed_for ≥ grace and `mon_osd_min_down_reporters` (2) distinct reporters agree;
 * MOSDBoot → marked up. Every new epoch is published to the OSDs and clients as MOSDMap.
 */
import type { Runtime } from '../../core/runtime.ts';
import type { Messenger } from '../msg/messenger.ts';
import type { OsdMapView } from './map.ts';

export const MON_NAME = 'mon.a';
/** osd_heartbeat_grace. */
export const HEARTBEAT_GRACE_NS = 20_000_000_000;
/** mon_osd_min_down_reporters. */
export const MIN_DOWN_REPORTERS = 2;

export class Monitor {
  private readonly views = new Map<number, OsdMapView>();
  private cur: OsdMapView;
  private readonly reports = new Map<number, Map<number, number>>();
  /**
   * Targets reported with a refused connection (the process is dead): they cannot report
   * anyone themselves, so they do not count as possible reporters (see checkFailure).
   */
  private readonly refused = new Set<number>();
  /** Entities that receive new maps (OSDs and clients). */
  private readonly subscribers = new Set<string>();

  constructor(
    private readonly rt: Runtime,
    private readonly msgr: Messenger,
    initial: OsdMapView,
  ) {
    this.cur = initial;
    this.views.set(initial.epoch, initial);
    msgr.register(MON_NAME, (m) => {
      if (m.type === 'osd_failure') {
        if (m.alive) this.cancelReport(m.from, m.target);
        else this.handleFailure(m.from, m.target, m.failedForNs, m.refused === true);
      } else if (m.type === 'osd_boot') this.prepareBoot(m.from, m.epoch);
    });
  }

  get map(): OsdMapView {
    return this.cur;
  }

  mapAt(epoch: number): OsdMapView | undefined {
    return this.views.get(epoch);
  }

  subscribe(name: string): void {
    this.subscribers.add(name);
  }

  /** OSDMonitor::prepare_failure: record the report, then check_failure on every target. */
  private handleFailure(
    reporter: number,
    target: number,
    failedForNs: number,
    refused: boolean,
  ): void {
    if (!this.cur.isUp(target)) return;
    if (refused) this.refused.add(target);
    else {
      // preprocess_failure: a reporter that is itself down no longer has a say.
      if (!this.cur.isUp(reporter)) return;
      this.rt.trace.point('OSDMonitor::prepare_failure', MON_NAME, {
        data: {
          target: `osd.${target}`,
          reporter: `osd.${reporter}`,
          failed_for_s: failedForNs / 1e9,
        },
        caption: `osd.${reporter} reports osd.${target} silent for ${(failedForNs / 1e9).toFixed(1)} s`,
        pipeline: 'ceph.recovery',
      });
    }
    let r = this.reports.get(target);
    if (!r) {
      r = new Map();
      this.reports.set(target, r);
    }
    r.set(reporter, failedForNs);
    // Marking one OSD down can make another's reports sufficient: re-check until stable.
    let changed = true;
    while (changed) {
      changed = false;
      for (const t of [...this.reports.keys()].sort((a, b) => a - b)) {
        if (this.checkFailure(t)) changed = true;
      }
    }
  }

  /** OSDMonitor::check_failure: enough distinct reporters and failed_for ≥ grace? */
  private checkFailure(target: number): boolean {
    const r = this.reports.get(target);
    if (!r) return false;
    if (!this.cur.isUp(target)) {
      this.reports.delete(target);
      return false;
    }
    // Reporters that can still speak: up OSDs that are not themselves reported dead (with two
    // of three OSDs dead the survivor is the only possible reporter — Ceph gets there by
    // osd_fast_fail_on_connection_refused). An OSD that is only reported silent (a partition)
    // may be alive and still counts: two OSDs cut from each other report each other, and
    // neither has the second reporter mon_osd_min_down_reporters asks for.
    const possible = this.cur.osds.filter(
      (o) =>
        o !== target &&
        this.cur.isUp(o) &&
        !((this.reports.get(o)?.size ?? 0) > 0 && this.refused.has(o)),
    ).length;
    const need = Math.min(MIN_DOWN_REPORTERS, possible);
    const failedFor = Math.max(...r.values());
    this.rt.trace.point('check_failure', MON_NAME, {
      data: {
        target: `osd.${target}`,
        reporters: [...r.keys()].map((o) => `osd.${o}`),
        failed_for_s: failedFor / 1e9,
        grace_s: HEARTBEAT_GRACE_NS / 1e9,
      },
      pipeline: 'ceph.recovery',
    });
    if (r.size < need || failedFor < HEARTBEAT_GRACE_NS) return false;
    this.reports.delete(target);
    this.refused.delete(target);
    // A down OSD's own reports no longer count (it is not a reporter that can speak).
    for (const [t, rs] of [...this.reports]) {
      if (!rs.delete(target) || rs.size > 0) continue;
      this.reports.delete(t);
      this.refused.delete(t);
    }
    this.publish(
      this.cur.withOsdDown(target, true),
      `osd.${target} failed (${r.size} reporters from different osd after ` +
        `${(failedFor / 1e9).toFixed(6)} >= grace ${(HEARTBEAT_GRACE_NS / 1e9).toFixed(6)})`,
    );
    return true;
  }

  /**
   * prepare_failure with FLAG_ALIVE (OSD::send_still_alive): the reporter hears the target
   * again, its report is cancelled (failure_info_t::cancel_report).
   */
  private cancelReport(reporter: number, target: number): void {
    const r = this.reports.get(target);
    const had = r?.delete(reporter) ?? false;
    if (r && r.size === 0) {
      this.reports.delete(target);
      this.refused.delete(target);
    }
    this.rt.trace.point('OSDMonitor::prepare_failure', MON_NAME, {
      data: {
        target: `osd.${target}`,
        reporter: `osd.${reporter}`,
        still_alive: true,
        cancelled: had,
        reporters_left: r ? [...r.keys()].map((o) => `osd.${o}`) : [],
      },
      caption: `osd.${reporter} hears osd.${target} again: report cancelled`,
      pipeline: 'ceph.recovery',
    });
  }

  /**
   * OSDMonitor::prepare_boot (MOSDBoot from a running OSD that was marked down): mark it up
   * again in a new epoch.
   */
  private prepareBoot(osd: number, epoch: number): void {
    const up = this.cur.isUp(osd);
    this.rt.trace.point('OSDMonitor::prepare_boot', MON_NAME, {
      data: { osd: `osd.${osd}`, boot_epoch: epoch, already_up: up },
      pipeline: 'ceph.recovery',
    });
    if (!up) this.boot(osd);
  }

  /** MOSDBoot: mark the OSD up. */
  boot(osd: number): void {
    this.publish(this.cur.withOsdDown(osd, false), `osd.${osd} boot`);
  }

  private publish(v: OsdMapView, why: string): void {
    this.cur = v;
    this.views.set(v.epoch, v);
    this.rt.trace.point('OSDMonitor::update_from_paxos', MON_NAME, {
      data: {
        epoch: v.epoch,
        why,
        down: v.osds.filter((o) => !v.isUp(o)),
        osd_tree: v.osdTree(),
      },
      pipeline: 'ceph.recovery',
    });
    for (const s of this.subscribers)
      this.msgr.send(MON_NAME, s, { type: 'osd_map', epoch: v.epoch });
  }
}
