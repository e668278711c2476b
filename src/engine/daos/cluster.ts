/**
 * The DAOS system of one scenario: engines × targets (each with its own store and clock), the
 * pools and containers, and the client's open handles. Created lazily by the first DAOS op via
 * `world.system('daos', …)` (see `daosCluster`).
 */
import { derError } from '../core/errors.ts';
import type { Runtime } from '../core/runtime.ts';
import type { ScenarioWorld } from '../scenario/types.ts';
import { Hlc } from './hlc.ts';
import { TseSched } from './tse.ts';
import type { ObjLayout, TargetRef } from './placement.ts';
import type { ObjId } from './oid.ts';
import type { TargetStore } from './target-store.ts';
import { getTargetStoreFactory } from './store-registry.ts';
import { DTX_ST, DTX_THRESHOLD_COUNT, DtxTable, dtxResync, type DtxEntry } from './dtx.ts';
import type { ObjRwIn } from './rpc.ts';

export interface DaosClusterConfig {
  engines: number;
  targetsPerEngine: number;
  scmBytes: number;
  nvmeBytes: number;
  /** Target storage by registered name (store-registry.ts); default: the registry's default. */
  store?: string;
  /** Committable DTXs on a leader that start the batched commit (`DTX_THRESHOLD_COUNT`). */
  dtxThresholdCount: number;
}

export const DAOS_CLUSTER_DEFAULTS: DaosClusterConfig = {
  engines: 2,
  targetsPerEngine: 4,
  scmBytes: 64 * 1024 * 1024,
  nvmeBytes: 256 * 1024 * 1024,
  dtxThresholdCount: DTX_THRESHOLD_COUNT,
};

/** A forwarded modification a DOWN target missed; replayed when it is reintegrated. */
export interface MissedUpdate {
  req: ObjRwIn;
}

export class DaosTarget implements TargetRef {
  readonly actor: string;
  store: TargetStore;
  readonly hlc: Hlc;
  /** This target's DTX table (spec §6.2). */
  readonly dtx = new DtxTable();
  /** False after `fault_kill_target` until `restart`: messages to it are never answered. */
  alive = true;
  /** Objects (oid text) this target has stored a shard of: a first update commits sync. */
  readonly knownObjs = new Set<string>();
  /** Updates forwarded while this target was excluded from the pool map (reintegration). */
  readonly missed: MissedUpdate[] = [];

  private hlcAboveMedia = false;

  /**
   * An engine (re)start: the DRAM DTX table is rebuilt from the target's persistent tables —
   * active entries come back PREPARED (their fate is decided by DTX resync), committed ones
   * COMMITTED. Stores without persistent tables keep the DRAM table as it is.
   */
  reloadDtx(nowNs: number): void {
    const load = this.store.dtxLoad?.();
    if (!load) return;
    const ents: DtxEntry[] = [];
    for (const a of load.active)
      ents.push({
        xid: a.xid,
        epoch: a.epoch,
        oid: a.oid,
        dkeyHash: a.dkeyHash,
        state: DTX_ST.DTX_ST_PREPARED,
        leader: a.leader,
        mbs: a.mbs,
        since: nowNs,
      });
    for (const c of load.committed)
      ents.push({
        xid: c.xid,
        epoch: c.epoch,
        oid: { hi: 0n, lo: 0n },
        dkeyHash: 0n,
        state: DTX_ST.DTX_ST_COMMITTED,
        leader: false,
        mbs: [this.id],
        since: nowNs,
      });
    this.dtx.replaceAll(ents);
  }

  /**
   * `d_hlc_get` on this engine target. The first call raises the clock above the highest epoch
   * already on the target's media (a restart over old devices never reuses an epoch).
   */
  hlcGet(nowNs: number): bigint {
    if (!this.hlcAboveMedia) {
      this.hlcAboveMedia = true;
      const e = this.store.highestEpoch?.() ?? 0n;
      if (e > 0n) this.hlc.recv(nowNs, e);
    }
    return this.hlc.get(nowNs);
  }

  constructor(
    readonly id: number,
    readonly rank: number,
    readonly idx: number,
    skewNs: number,
    makeStore: (t: DaosTarget) => TargetStore,
  ) {
    this.actor = `engine${rank}.tgt${idx}`;
    this.hlc = new Hlc(skewNs);
    this.store = makeStore(this);
    this.dtx.persist = (xid, st) => {
      if (st === DTX_ST.DTX_ST_COMMITTED) this.store.dtxCommit?.([xid]);
      else this.store.dtxAbort?.(xid);
    };
  }
}

export interface ContState {
  name: string;
  uuid: string;
  pool: PoolState;
  /**
   * `DAOS_PROP_CO_DEDUP` / `_THRESHOLD` (absent: dedup off). The engines' container objects
   * (`ds_cont_child.sc_props`) read it: `dcp_dedup_enabled`, `dcp_dedup_verify`, `dcp_dedup_size`.
   */
  dedup?: { type: number; threshold: number };
}

export interface PoolState {
  name: string;
  uuid: string;
  /** Pool map version (every object RPC carries the client's). */
  mapVer: number;
  conts: Map<string, ContState>;
  /** Container handle uuids the servers know (`ds_cont_find_hdl`), with their capability. */
  contHandles: Map<string, { cont: ContState; write: boolean }>;
}

export interface ObjHandle {
  cookie: number;
  oid: ObjId;
  mode: number;
  cont: ContState;
  coh: string;
  layout: ObjLayout;
  mapVer: number;
  /** The client's copy of the pool map's DOWN targets (refreshed with the map version). */
  excluded: Set<number>;
}

/** What the client library holds (`dc_pool`, `dc_cont`, `dc_object` handle tables). */
export class DaosClientState {
  readonly hlc = new Hlc(0);
  /** The event queue's TSE scheduler (`daos_eq_lib`'s `tse_sched`): every client task. */
  readonly sched: TseSched;
  readonly pools = new Map<string, { cookie: number; pool: PoolState }>();
  readonly conts = new Map<string, { cookie: number; cont: ContState; coh: string }>();
  /** Open objects by the scenario name they were bound to (`"as"`). */
  readonly objects = new Map<string, ObjHandle>();
  /**
   * Virtual time of the last successful modification per (object, group): fetches within
   * `OBJ_FETCH_LEADER_INTERVAL` read from the group leader (spec §2.2 step 6, §5.1).
   */
  readonly lastWrite = new Map<string, number>();

  constructor(rt: Runtime) {
    this.sched = new TseSched(rt);
  }
}

export class DaosCluster {
  readonly config: DaosClusterConfig;
  readonly targets: DaosTarget[] = [];
  readonly pools = new Map<string, PoolState>();
  readonly client: DaosClientState;
  /** Targets excluded from the pool map (DOWN), by id; the map version bumps on each change. */
  readonly excluded = new Set<number>();
  /** Messages still to drop (`fault_drop_messages`), matched by actor names. */
  readonly dropRules: { from?: string; to?: string; count: number }[] = [];
  /**
   * Network partitions (`fault_partition`): every message between the two actors, either way,
   * is lost until virtual time `until` (the fabric heals then).
   */
  readonly partitions: { a: string; b: string; until: number }[] = [];

  constructor(
    readonly rt: Runtime,
    config: Partial<DaosClusterConfig> = {},
    /** Store factory; default: the one named by `config.store` in store-registry.ts. */
    makeStore?: (rt: Runtime, t: DaosTarget) => TargetStore,
  ) {
    this.config = { ...DAOS_CLUSTER_DEFAULTS, ...config };
    this.client = new DaosClientState(rt);
    if (!makeStore) {
      const f = getTargetStoreFactory(this.config.store);
      if (!f) throw new Error(`no target store "${this.config.store ?? ''}" registered`);
      const media = { scmBytes: this.config.scmBytes, nvmeBytes: this.config.nvmeBytes };
      makeStore = (r, t) => f(r, t, media);
    }
    const make = makeStore;
    const skew = rt.rng.fork('daos.hlc-skew');
    for (let r = 0; r < this.config.engines; r++) {
      for (let i = 0; i < this.config.targetsPerEngine; i++) {
        const id = r * this.config.targetsPerEngine + i;
        this.targets.push(new DaosTarget(id, r, i, skew.int(0, 5000), (t) => make(rt, t)));
      }
    }
  }

  target(id: number): DaosTarget {
    const t = this.targets[id];
    if (!t) throw derError('NONEXIST', `no target ${id}`);
    return t;
  }

  /** Find a target by actor name (`engine0.tgt1`). */
  targetByName(name: string): DaosTarget | undefined {
    return this.targets.find((t) => t.actor === name);
  }

  /** Exclude (down) or reintegrate (up) a target: every pool's map version moves on. */
  setExcluded(id: number, down: boolean): void {
    if (down === this.excluded.has(id)) return;
    if (down) this.excluded.add(id);
    else this.excluded.delete(id);
    for (const p of this.pools.values()) p.mapVer++;
  }

  /**
   * A target stopped answering: the pool service excludes it, and every DTX it led that is
   * still PREPARED on the others is resolved by DTX resync (`dtxResync`).
   */
  excludeTarget(id: number): void {
    if (this.excluded.has(id)) return;
    this.setExcluded(id, true);
    dtxResync(this, id);
  }

  /** True when a message from → to must be dropped (consumes one drop of a matching rule). */
  dropMessage(from: string, to: string): boolean {
    const now = this.rt.sim.now;
    for (const p of this.partitions) {
      if (now >= p.until) continue;
      if ((p.a === from && p.b === to) || (p.a === to && p.b === from)) return true;
    }
    for (const r of this.dropRules) {
      if (r.count <= 0) continue;
      if ((r.from === undefined || r.from === from) && (r.to === undefined || r.to === to)) {
        r.count--;
        return true;
      }
    }
    return false;
  }

  /** The server side's view of a container handle (`ds_cont_find_hdl`). */
  findContHandle(coh: string): { cont: ContState; write: boolean } | undefined {
    for (const p of this.pools.values()) {
      const h = p.contHandles.get(coh);
      if (h) return h;
    }
    return undefined;
  }
}

/** Read `cluster.daos` of a scenario (already validated) into a config. */
export function daosConfigFromDoc(
  daos: Record<string, unknown> | undefined,
): Partial<DaosClusterConfig> {
  const c: Partial<DaosClusterConfig> = {};
  if (!daos) return c;
  if (typeof daos.engines === 'number') c.engines = daos.engines;
  if (typeof daos.targets_per_engine === 'number') c.targetsPerEngine = daos.targets_per_engine;
  if (typeof daos.scm_bytes === 'number') c.scmBytes = daos.scm_bytes;
  if (typeof daos.nvme_bytes === 'number') c.nvmeBytes = daos.nvme_bytes;
  if (typeof daos.store === 'string') c.store = daos.store;
  if (typeof daos.dtx_threshold_count === 'number') c.dtxThresholdCount = daos.dtx_threshold_count;
  return c;
}

/** The DAOS cluster of a scenario run, created on first use. */
export function daosCluster(world: ScenarioWorld): DaosCluster {
  return world.system(
    'daos',
    () => new DaosCluster(world.rt, daosConfigFromDoc(world.doc.cluster?.daos)),
  );
}
