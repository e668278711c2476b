/**
 * A simulated Ceph cluster built from a scenario's `cluster.ceph` section: the OSDMap (CRUSH
 * map + pools, from osdmap/build-osdmap.ts), one monitor, one OSD daemon per CRUSH device with
 * its object store (`objectstore`: filestore | bluestore) on its own simulated block device,
 * the messenger, and librados clients. Faults: kill / restart an OSD; while an OSD is dead but
 * still up in the map the OSDs heartbeat each other until the monitor marks it down.
 */
import type { Runtime } from '../../core/runtime.ts';
import { type Proc } from '../../core/sim.ts';
import type { Json } from '../../trace/event.ts';
import { mediaProviderOf } from '../../media/provider.ts';
import { NVME_BLOCK, type NvmeDevice } from '../../media/types.ts';
import { buildOsdMap } from '../osdmap/build-osdmap.ts';
import { Messenger } from '../msg/messenger.ts';
import { PowerDomainNvme } from './power-domain.ts';
import { BlueStore, type DeviceClass } from '../objectstore/bluestore.ts';
import { FileStore } from '../objectstore/filestore.ts';
import type { ObjectStore, ObjectStoreKind } from '../objectstore/types.ts';
import { OSD } from '../osd/osd.ts';
import { DEFAULT_HISTORY, type OpHistoryConfig } from '../osd/optracker.ts';
import { later } from '../sched.ts';
import { Objecter } from '../client/objecter.ts';
import type { CephRelease, FileStoreJournalMode } from '../release.ts';
import type { PgLogLimits } from '../osd/services.ts';
import { PG_LOG_MAX_ENTRIES, PG_LOG_MIN_ENTRIES, PG_LOG_TRIM_MIN } from '../osd/pglog.ts';
import { HEARTBEAT_GRACE_NS, MON_NAME, Monitor } from './monitor.ts';
import type { OsdMapView } from './map.ts';
import { OsdMapViewImpl } from './osdmap-view.ts';

export interface CephClusterOptions {
  /** Which release's IO path to run (spec §5 Hammer, §6 Pacific). */
  release: CephRelease;
  objectstore: ObjectStoreKind;
  /** FileStore journal mode (writeahead on XFS/ext4; parallel on btrfs). */
  filestoreJournal: FileStoreJournalMode;
  deviceClass: DeviceClass;
  history: OpHistoryConfig;
  /** osd_op_num_shards (5 for HDD-class OSDs). */
  numShards: number;
  /** Data device size per OSD, 4 KiB blocks. */
  deviceBlocks: number;
  /** PG log length: osd_min/max_pg_log_entries, osd_pg_log_trim_min. */
  pgLog: PgLogLimits;
  /** rados_osd_op_timeout of the clients, ns (0 = wait forever, Ceph's default). */
  opTimeoutNs: number;
  /**
   * A volatile write cache on the OSD devices (`device_write_cache`; default false: power-loss
   * protection, a completed write is durable).
   */
  deviceWriteCache: boolean;
  /** Build a device for an OSD (default: the media layer's NVMe model). */
  makeDevice?: (osd: number, blocks: number) => NvmeDevice;
}

/** osd_heartbeat_interval. */
const HEARTBEAT_INTERVAL_NS = 6_000_000_000;
/** Flush latency of the OSD devices (PLP NVMe). */
const OSD_NVME_FLUSH_NS = 10_000;
/** Journal / WAL region at the start of every OSD device (16 MiB). */
const LOG_REGION_BLOCKS = 4096;

export function cephOptionsFromConfig(
  cfg: Record<string, unknown> | undefined,
): CephClusterOptions {
  const release: CephRelease = cfg?.release === 'hammer' ? 'hammer' : 'pacific';
  // Hammer has no BlueStore: its OSDs are FileStore + FileJournal.
  const store =
    cfg?.objectstore === 'filestore' || release === 'hammer' ? 'filestore' : 'bluestore';
  const hist =
    typeof cfg?.op_history_size === 'number' ? cfg.op_history_size : DEFAULT_HISTORY.size;
  return {
    release,
    objectstore: store,
    filestoreJournal: cfg?.filestore_journal === 'parallel' ? 'parallel' : 'writeahead',
    deviceClass: cfg?.device_class === 'ssd' ? 'ssd' : 'hdd',
    history: { size: hist, durationSec: DEFAULT_HISTORY.durationSec },
    numShards: 5,
    deviceBlocks: 16384,
    pgLog: {
      min: intOr(cfg?.osd_min_pg_log_entries, PG_LOG_MIN_ENTRIES),
      max: intOr(cfg?.osd_max_pg_log_entries, PG_LOG_MAX_ENTRIES),
      trimMin: intOr(cfg?.osd_pg_log_trim_min, PG_LOG_TRIM_MIN),
    },
    opTimeoutNs: typeof cfg?.rados_osd_op_timeout === 'number' ? cfg.rados_osd_op_timeout * 1e9 : 0,
    deviceWriteCache: cfg?.device_write_cache === true,
  };
}

/**
 * The block devices a `cluster.ceph` section's OSDs use (`osd.N.block`, bytes): what a host
 * opens up front when its persistent store is asynchronous (the browser's OPFS / IndexedDB).
 */
export function cephDevices(
  cfg: Record<string, unknown> | undefined,
): Array<{ name: string; size: number }> {
  const blocks = cephOptionsFromConfig(cfg).deviceBlocks;
  const view = OsdMapViewImpl.fromOsdMap(buildOsdMap(cfg));
  return view.osds.map((id) => ({ name: `osd.${id}.block`, size: blocks * NVME_BLOCK }));
}

function intOr(v: unknown, d: number): number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : d;
}

export class CephCluster {
  readonly msgr: Messenger;
  readonly mon: Monitor;
  readonly osds: OSD[] = [];
  /** Each OSD's block device behind its power switch (default devices only; fault_power_cut). */
  private readonly devices: PowerDomainNvme[] = [];
  readonly options: CephClusterOptions;
  private readonly clients: Objecter[] = [];
  private hbRunning = false;
  private readonly hbRng;

  constructor(
    readonly rt: Runtime,
    cephConfig: Record<string, unknown> | undefined,
    options?: Partial<CephClusterOptions>,
  ) {
    this.options = { ...cephOptionsFromConfig(cephConfig), ...options };
    this.hbRng = rt.rng.fork('ceph.heartbeat');
    const osdmap = buildOsdMap(cephConfig);
    const view = OsdMapViewImpl.fromOsdMap(osdmap);
    this.msgr = new Messenger(rt);
    this.mon = new Monitor(rt, this.msgr, view);
    for (const id of view.osds) {
      const store = this.makeStore(id);
      const osd = new OSD(
        rt,
        id,
        store,
        this.msgr,
        {
          mapAt: (e) => this.mon.mapAt(e),
        },
        view,
        {
          numShards: this.options.numShards,
          history: this.options.history,
          release: this.options.release,
          pgLog: this.options.pgLog,
        },
      );
      osd.createInitialPgs();
      this.osds[id] = osd;
      this.mon.subscribe(osd.name);
    }
  }

  private makeStore(id: number): ObjectStore {
    const o = this.options;
    const provider = mediaProviderOf(this.rt);
    const dev = o.makeDevice
      ? o.makeDevice(id, o.deviceBlocks)
      : (this.devices[id] = new PowerDomainNvme({
          id: `osd.${id}.block`,
          blocks: o.deviceBlocks,
          sim: this.rt.sim,
          // Default: a data-centre NVMe with power-loss protection — no volatile cache, so a
          // flush has nothing to write back and costs little. `device_write_cache: true`: a
          // consumer drive whose completed writes sit in DRAM until a flush / FUA.
          ...(o.deviceWriteCache
            ? { volatileCache: true }
            : { latency: { flushNs: OSD_NVME_FLUSH_NS } }),
          // `--media DIR` / the browser's persistent store: the image outlives the run.
          ...(provider
            ? { backend: provider.backend(`osd.${id}.block`, o.deviceBlocks * NVME_BLOCK) }
            : {}),
        }));
    const actor = `osd.${id}`;
    const store =
      o.objectstore === 'filestore'
        ? new FileStore(this.rt, actor, dev, {
            journalBlocks: LOG_REGION_BLOCKS,
            journalMode: o.filestoreJournal,
          })
        : new BlueStore(this.rt, actor, dev, {
            walBlocks: LOG_REGION_BLOCKS,
            deviceClass: o.deviceClass,
          });
    // A device kept from an earlier run: the OSD mounts what it holds before time 0.
    const pd = this.devices[id];
    if (provider && pd && store.hasFilesystem())
      store.mountAtBoot((lba, data) => pd.writeDirect(lba, data));
    return store;
  }

  get map(): OsdMapView {
    return this.mon.map;
  }

  /** osd.N's block device behind its power switch (undefined with `makeDevice`). */
  device(id: number): PowerDomainNvme | undefined {
    return this.devices[id];
  }

  osd(id: number): OSD {
    const o = this.osds[id];
    if (!o) throw new RangeError(`osd.${id} does not exist`);
    return o;
  }

  /** A connected librados client (rados_connect): global ids from 4100 like a fresh cluster. */
  newObjecter(): Objecter {
    const gid = 4100 + this.rt.ids.next('ceph.client_gid', 0) * 4 + 24;
    const o = new Objecter(
      this.rt,
      gid,
      this.msgr,
      this.mon.map,
      (e) => this.mon.mapAt(e),
      this.options.opTimeoutNs,
      this.options.release,
    );
    this.mon.subscribe(o.name);
    this.clients.push(o);
    return o;
  }

  // ---------------------------------------------------------------- faults

  /** fault_kill_osd: the process dies; the map still says up until the monitor learns. */
  killOsd(id: number): void {
    this.osd(id).kill();
    this.startHeartbeats();
  }

  /** fault_drop_messages on the messenger; a wrongly marked-down OSD may need heartbeats. */
  dropMessages(count: number, from?: string, to?: string): void {
    this.msgr.dropNext(count, from, to);
  }

  /** restart: the OSD mounts its store, loads its PGs and boots (the monitor marks it up). */
  *restartOsd(id: number): Proc<void> {
    const osd = this.osd(id);
    if (osd.alive) return;
    this.devices[id]?.powerOn(); // after a power cut: a fresh device over the durable image
    osd.hb.reset(); // a new process: no heartbeat peers, reports or boot in progress
    yield* osd.restart(this.mon.map);
    for (const o of this.osds) o?.forgetHeartbeat(id);
    this.mon.subscribe(osd.name);
    this.mon.boot(id);
  }

  /**
   * fault_partition between two Ceph entities (`osd.N`, `client` or `client.N`, `mon.a`)
   * until virtual time `untilNs` (net-faults.ts); the OSDs start heartbeating.
   */
  partition(a: string, b: string, untilNs: number): void {
    this.msgr.partition(a, b, untilNs);
    this.startHeartbeats();
  }

  /**
   * Failure detection has work: an OSD dead but still up, a partition in force, a failure
   * report not yet resolved, or a running OSD marked down that waits to boot again.
   */
  private needsHeartbeats(): boolean {
    return (
      this.osds.some((o) => o && !o.alive && this.mon.map.isUp(o.id)) ||
      this.msgr.partitioned() ||
      this.osds.some((o) => o && o.alive && o.hb.busy())
    );
  }

  /**
   * heartbeat_check's findings of one OSD: a peer that refuses the connection (its process is
   * dead) is reported on every tick, as the model always did; a silent one (a partition) is
   * reported once and stays in failure_pending until it is marked down or answers again.
   */
  private sendFailures(o: OSD): void {
    for (const f of o.heartbeatCheck(HEARTBEAT_GRACE_NS)) {
      if (!this.msgr.refuses(`osd.${f.osd}`)) {
        o.hb.reportNoReply(f.osd, f.failedForNs, HEARTBEAT_GRACE_NS);
        continue;
      }
      this.rt.trace.point('send_failures', o.name, {
        data: { target: `osd.${f.osd}`, failed_for_s: f.failedForNs / 1e9 },
        pipeline: 'ceph.recovery',
      });
      this.msgr.send(o.name, MON_NAME, {
        type: 'osd_failure',
        from: o.id,
        target: f.osd,
        failedForNs: f.failedForNs,
        refused: true,
      });
    }
  }

  /**
   * OSD::heartbeat every 0.5 s + (0..0.9) × osd_heartbeat_interval; heartbeat_check reports
   * peers silent for longer than the grace to the monitor (MOSDFailure). Runs only while
   * failure detection has work (`needsHeartbeats`), so a healthy cluster's queue can drain.
   */
  private startHeartbeats(): void {
    if (this.hbRunning) return;
    this.hbRunning = true;
    const tick = (): void => {
      if (!this.needsHeartbeats()) {
        this.hbRunning = false;
        return;
      }
      const map = this.mon.map;
      for (const o of this.osds) {
        if (!o || !o.alive) continue;
        if (o.hb.waitingForHealthy) {
          // Marked down while running: ping the up peers, boot once enough of them answer.
          const up = map.osds.filter((p) => map.isUp(p));
          if (!o.hb.maybeBoot(up)) o.heartbeat(up);
          continue;
        }
        o.heartbeat(map.osds);
        this.sendFailures(o);
      }
      const wait = 500_000_000 + (this.hbRng.int(0, 9) / 10) * HEARTBEAT_INTERVAL_NS;
      later(this.rt.sim, wait, { op: -1, pipeline: 'ceph.recovery' }, 'heartbeat', tick);
    };
    later(this.rt.sim, 0, { op: -1, pipeline: 'ceph.recovery' }, 'heartbeat', tick);
  }

  /**
   * HEALTH_OK as far as the model goes: no partition in force, every OSD running and up, no
   * failure report or boot pending, every PG of every pool active+clean.
   */
  healthy(): boolean {
    if (this.msgr.partitioned() || this.needsHeartbeats()) return false;
    const map = this.mon.map;
    if (this.osds.some((o) => o && (!o.alive || !map.isUp(o.id)))) return false;
    return map.pools.every((p) => this.pgStates(p.id).every((s) => s.state === 'active+clean'));
  }

  // ---------------------------------------------------------------- inspection

  /** `dump_historic_ops` of every OSD, keyed `osd.N`. */
  historicOps(): Record<string, Json> {
    const out: Record<string, Json> = {};
    for (const o of this.osds) if (o) out[o.name] = o.tracker.dumpHistoricOps(this.rt.sim.now);
    return out;
  }

  /** `ceph pg dump pgs_brief`-like summary of one pool's PGs (from each PG's primary). */
  pgStates(pool: number): Array<{ pgid: string; state: string; up: number[]; acting: number[] }> {
    const map = this.mon.map;
    const info = map.poolById(pool);
    if (!info) return [];
    const out: Array<{ pgid: string; state: string; up: number[]; acting: number[] }> = [];
    for (let ps = 0; ps < info.pgNum; ps++) {
      const p = map.mapPg({ pool, ps });
      const prim = p.primary >= 0 ? this.osds[p.primary]?.pg({ pool, ps }) : undefined;
      out.push({
        pgid: `${pool}.${ps.toString(16)}`,
        state: prim ? prim.stateString : 'stale',
        up: [...p.up],
        acting: [...p.acting],
      });
    }
    return out;
  }
}
