/**
 * The real VOS behind the object server's `TargetStore` interface (src/engine/daos/
 * target-store.ts): each method is the VOS/BIO step the server calls. Swap it in with
 * `new DaosCluster(rt, config, vosStoreFactory(config))`.
 *
 * The target's media (SCM, umem, VEA, NVMe) are created on first use, so a cluster of many
 * targets only pays for the ones an op touches.
 */
import { derError } from '../core/errors.ts';
import type { Runtime } from '../core/runtime.ts';
import type { Proc } from '../core/sim.ts';
import type { DaosIod, Sgl } from '../daos/io-types.ts';
import type { ObjId } from '../daos/oid.ts';
import type {
  StoreEnumRequest,
  StoreEnumResult,
  StoreFetchRequest,
  StoreIoh,
  StoreIoRequest,
  StoreKeyRequest,
  StoreDtxLoad,
  StoreQueryResult,
  TargetStore,
} from '../daos/target-store.ts';
import { vosListAkeys, vosListDkeys, vosObjPunch, vosQueryKey } from './api.ts';
import { anchorDump, vosIterateAkeys, vosIterateDkeys } from './iterate.ts';
import { dedupCsumsOf, dedupProps, vosDedupVerify } from './dedup.ts';
import {
  bioIodCopyFetch,
  bioIodPrepFetch,
  vosFetchBegin,
  vosFetchEnd,
  type FetchIoc,
} from './io-fetch.ts';
import {
  bioIodCopyUpdate,
  bioIodPostUpdate,
  bioIodPrepUpdate,
  vosUpdateBegin,
  vosUpdateEnd,
  type UpdateIoc,
  type UpdateRequest,
} from './io-update.ts';
import type { VosCont } from './pool.ts';
import { step } from './step.ts';
import { vosPoolMaxEpoch } from './max-epoch.ts';
import { VosDtxTable } from './dtx-table.ts';
import { createVosTarget, openVosTarget, type VosTarget } from './target.ts';
import { armPowerCut, cutPower, type PowerDomainDevice } from '../media/power-cut.ts';
import { PowerCutError, type PersistencePoint } from '../media/power.ts';
import { backendHasData, mediaProviderOf } from '../media/provider.ts';
import { Future, wait } from '../core/sim.ts';
import type { VosIod, VosOid } from './types.ts';

interface VosStoreIoh extends StoreIoh {
  readonly ioc: UpdateIoc | FetchIoc;
  /** The caller's iods (fetch sizes are written back into them). */
  readonly callerIods: DaosIod[];
}

export interface VosStoreConfig {
  scmBytes: number;
  nvmeBytes: number;
}

/** Container uuid text → 16 bytes (hex digits; anything else is folded deterministically). */
export function contUuidBytes(text: string): Uint8Array {
  const hex = text.replace(/-/g, '').toLowerCase();
  const out = new Uint8Array(16);
  if (/^[0-9a-f]{32}$/.test(hex)) {
    for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
    return out;
  }
  for (let i = 0; i < text.length; i++) {
    const j = i % 16;
    out[j] = ((out[j] as number) * 31 + text.charCodeAt(i)) & 0xff;
  }
  return out;
}

function toVosIod(d: DaosIod): VosIod {
  return {
    name: d.name,
    type: d.type,
    size: d.size,
    flags: d.flags,
    recxs: d.recxs === null ? null : d.recxs.map((r) => ({ idx: BigInt(r.idx), nr: r.nr })),
  };
}

export class VosTargetStore implements TargetStore {
  readonly kind = 'vos';
  private target: VosTarget | undefined;

  constructor(
    private readonly rt: Runtime,
    readonly actor: string,
    private readonly config: VosStoreConfig,
  ) {}

  /** True after a power cut until `restart` (the devices are gone). */
  poweredOff = false;

  /**
   * The target's VOS pool, created on first use: over the run's media provider (src/engine/
   * media/provider.ts) when there is one — an image that already holds a pool is opened with
   * recovery (`media.recovery`), a blank one formatted (vos_pool_create) — else fresh memory.
   */
  get vos(): VosTarget {
    if (this.poweredOff) throw new PowerCutError(`${this.actor}.scm`);
    if (this.target === undefined) {
      const nvmeBlocks = Math.floor(this.config.nvmeBytes / 4096);
      const provider = mediaProviderOf(this.rt);
      const opts = {
        rt: this.rt,
        actor: this.actor,
        scmBytes: this.config.scmBytes,
        nvmeBlocks,
      };
      if (!provider) {
        this.target = createVosTarget(opts);
      } else {
        const scmBackend = provider.backend(`${this.actor}.scm`, this.config.scmBytes);
        const nvme =
          nvmeBlocks > 0
            ? { nvmeBackend: provider.backend(`${this.actor}.nvme`, nvmeBlocks * 4096) }
            : {};
        this.target = backendHasData(scmBackend)
          ? openVosTarget({ ...opts, scmBackend, ...nvme })
          : createVosTarget({ ...opts, scmBackend, ...nvme });
      }
    }
    return this.target;
  }

  /**
   * The highest epoch already on the media (`TargetStore.highestEpoch`): 0n for fresh memory
   * media; over a media provider the pool is opened (it would be by the next I/O anyway).
   */
  highestEpoch(): bigint {
    if (this.target === undefined && !mediaProviderOf(this.rt)) return 0n;
    return vosPoolMaxEpoch(this.vos.pool);
  }

  /** The power domain of this target: its SCM and NVMe device objects (media/scm.ts, nvme.ts). */
  private powerDomain(): PowerDomainDevice[] {
    const t = this.vos;
    // The contracts in media/types.ts leave the hook out; the device classes have it.
    return (t.nvme ? [t.scm, t.nvme] : [t.scm]) as unknown as PowerDomainDevice[];
  }

  /**
   * `fault_power_cut`: now (`arm` false) or at the next persistence point (SCM flush/drain,
   * NVMe write completion/flush) — the code running there unwinds with PowerCutError, which the
   * store methods turn into a target that never answers. `onCut` is told when it happens.
   */
  powerCut(arm: boolean, onCut: (at: PersistencePoint | null) => void): void {
    const devs = this.powerDomain();
    const cut = (at: PersistencePoint | null): void => {
      this.poweredOff = true;
      onCut(at);
    };
    if (!arm) {
      cutPower(devs);
      cut(null);
      return;
    }
    armPowerCut(devs, { onCut: (p) => cut(p) });
  }

  /**
   * Restart after a power cut: new device objects over the same backends, umem recovery (undo
   * log rolled back, reservations dropped), vea_load, vos_pool_open — the `media.recovery`
   * pipeline. A target that never lost power keeps its state (returns false).
   */
  restart(): boolean {
    const t = this.target;
    if (!this.poweredOff || !t) return false;
    this.poweredOff = false;
    this.target = openVosTarget({
      ...t.opts,
      scmBackend: t.scmBackend,
      ...(t.nvmeBackend ? { nvmeBackend: t.nvmeBackend } : {}),
    });
    return true;
  }

  /**
   * A target whose power was cut mid-operation never answers: the ULT that hit the cut parks
   * forever instead of unwinding into the object server (which would reply). Clients see the
   * RPC time out, as with a killed engine.
   */
  private *guard<T>(p: Proc<T>): Proc<T> {
    try {
      return yield* p;
    } catch (err) {
      if (!(err instanceof PowerCutError)) throw err;
      return yield* wait(new Future<T>());
    }
  }

  private cont(uuid: string): VosCont {
    return this.vos.pool.cont(contUuidBytes(uuid));
  }

  private oid(oid: ObjId, shard: number): VosOid {
    return { hi: oid.hi, lo: oid.lo, shard };
  }

  *updateBegin(req: StoreIoRequest): Proc<StoreIoh> {
    return yield* this.guard(this._updateBegin(req));
  }

  private *_updateBegin(req: StoreIoRequest): Proc<StoreIoh> {
    const iods = req.iods.map(toVosIod);
    const cont = this.cont(req.cont);
    // VOS_OF_DEDUP from obj_local_rw: the container's dedup property as the engine caches it
    // (ds_cont_child), the update is RMA, and the client's dedup checksums of its extents.
    let dedup: Pick<UpdateRequest, 'rma' | 'dedupCsums'> = {};
    if (req.dedup !== undefined) {
      cont.dedup = dedupProps(req.dedup.type, req.dedup.threshold);
      dedup = { rma: true, dedupCsums: dedupCsumsOf(cont.dedup, iods, req.dedup.sgls) };
    }
    const ioc = yield* vosUpdateBegin(this.vos.pool, {
      cont,
      oid: this.oid(req.oid, req.shard),
      epoch: req.epoch,
      flags: req.flags,
      dkey: req.dkey,
      iods,
      ...dedup,
    });
    if (req.dtx) {
      // vos_dtx_attach: the active entry is persisted before the update (its lid tags records).
      const lid = this.dtxTable().attach({
        xid: req.dtx.xid,
        epoch: req.dtx.epoch,
        oid: this.oid(req.oid, req.shard),
        dkeyHash: req.dtx.dkeyHash,
        leader: req.dtx.leader,
        mbs: req.dtx.mbs,
      });
      ioc.req.dtx = { lid, recs: [] };
      this.dtxOf.set(ioc, req.dtx.xid);
    }
    const h: VosStoreIoh = { kind: 'update', iods: req.iods, ioc, callerIods: req.iods };
    return h;
  }

  private dtxTab: VosDtxTable | undefined;
  private readonly dtxOf = new WeakMap<object, { uuid: string; hlc: bigint }>();

  /** This pool's persistent DTX tables (vos/dtx-table.ts); new after a media restart. */
  private dtxTable(): VosDtxTable {
    const pool = this.vos.pool;
    if (this.dtxTab?.pool !== pool) this.dtxTab = new VosDtxTable(pool);
    return this.dtxTab;
  }

  /** A power cut inside a DTX table transaction: the engine is gone (nothing to return). */
  private dtxGuard<T>(body: () => T, dead: T): T {
    if (this.poweredOff) return dead;
    try {
      return body();
    } catch (err) {
      if (err instanceof PowerCutError) return dead;
      throw err;
    }
  }

  dtxCommit(xids: { uuid: string; hlc: bigint }[]): number {
    return this.dtxGuard(() => this.dtxTable().commit(xids, BigInt(this.rt.sim.now)), 0);
  }

  dtxAbort(xid: { uuid: string; hlc: bigint }): boolean {
    return this.dtxGuard(() => this.dtxTable().abort(xid), false);
  }

  dtxLoad(): StoreDtxLoad {
    const { active, committed } = this.dtxTable().load();
    return {
      active: active.map((e) => ({
        xid: e.xid,
        epoch: e.epoch,
        dkeyHash: e.dkeyHash,
        leader: e.leader,
        mbs: e.mbs,
        oid: { hi: e.oid.hi, lo: e.oid.lo },
      })),
      committed: committed.map((c) => ({ xid: c.xid, epoch: c.epoch })),
    };
  }

  *bioIodPrep(h: StoreIoh): Proc<void> {
    return yield* this.guard(this._bioIodPrep(h));
  }

  private *_bioIodPrep(h: StoreIoh): Proc<void> {
    const { ioc } = h as VosStoreIoh;
    if (ioc.kind === 'update') yield* bioIodPrepUpdate(ioc);
    else yield* bioIodPrepFetch(ioc);
  }

  *bioIodCopy(h: StoreIoh, sgls: readonly (Sgl | null)[]): Proc<void> {
    return yield* this.guard(this._bioIodCopy(h, sgls));
  }

  private *_bioIodCopy(h: StoreIoh, sgls: readonly (Sgl | null)[]): Proc<void> {
    const { ioc } = h as VosStoreIoh;
    if (ioc.kind === 'update') yield* bioIodCopyUpdate(ioc, sgls);
    else yield* bioIodCopyFetch(ioc, sgls);
  }

  *dedupVerify(h: StoreIoh): Proc<void> {
    return yield* this.guard(this._dedupVerify(h));
  }

  private *_dedupVerify(h: StoreIoh): Proc<void> {
    const { ioc } = h as VosStoreIoh;
    if (ioc.kind === 'update') yield* vosDedupVerify(ioc);
  }

  *bioIodPost(h: StoreIoh): Proc<void> {
    return yield* this.guard(this._bioIodPost(h));
  }

  private *_bioIodPost(h: StoreIoh): Proc<void> {
    const { ioc } = h as VosStoreIoh;
    if (ioc.kind === 'update') yield* bioIodPostUpdate(ioc);
  }

  *updateEnd(h: StoreIoh, err: number): Proc<void> {
    return yield* this.guard(this._updateEnd(h, err));
  }

  private *_updateEnd(h: StoreIoh, err: number): Proc<void> {
    const { ioc } = h as VosStoreIoh;
    if (ioc.kind !== 'update') return;
    yield* vosUpdateEnd(ioc, err);
    // vos_dtx_prepared: the records the update published join the DTX's active entry.
    const xid = this.dtxOf.get(ioc);
    if (xid && ioc.req.dtx && err === 0) this.dtxTable().setRecords(xid, ioc.req.dtx.recs);
  }

  *fetchBegin(req: StoreFetchRequest): Proc<StoreIoh> {
    return yield* this.guard(this._fetchBegin(req));
  }

  private *_fetchBegin(req: StoreFetchRequest): Proc<StoreIoh> {
    const iods = req.iods.map(toVosIod);
    const ioc = yield* vosFetchBegin(this.vos.pool, {
      cont: this.cont(req.cont),
      oid: this.oid(req.oid, req.shard),
      epoch: req.epoch,
      flags: req.flags,
      dkey: req.dkey,
      iods,
      sizeOnly: req.sizeOnly,
    });
    iods.forEach((v, i) => {
      const d = req.iods[i];
      if (d) d.size = v.size;
    });
    const h: VosStoreIoh = { kind: 'fetch', iods: req.iods, ioc, callerIods: req.iods };
    return h;
  }

  *fetchEnd(h: StoreIoh, err: number): Proc<void> {
    return yield* this.guard(this._fetchEnd(h, err));
  }

  private *_fetchEnd(h: StoreIoh, err: number): Proc<void> {
    const { ioc } = h as VosStoreIoh;
    if (ioc.kind === 'fetch') yield* vosFetchEnd(ioc, err);
  }

  /** vos_obj_query_key (`TargetStore.queryKey`): -DER_NONEXIST when nothing matches. */
  *queryKey(
    req: StoreKeyRequest & { akey: Uint8Array | null; flags: number },
  ): Proc<StoreQueryResult> {
    return yield* this.guard(this._queryKey(req));
  }

  private *_queryKey(
    req: StoreKeyRequest & { akey: Uint8Array | null; flags: number },
  ): Proc<StoreQueryResult> {
    const pool = this.vos.pool;
    const cont = this.cont(req.cont);
    const oid = this.oid(req.oid, req.shard);
    const r = step(
      this.rt,
      this.actor,
      'vos_obj_query_key',
      { flags: req.flags, epoch: req.epoch.toString() },
      () =>
        vosQueryKey(
          pool,
          cont,
          oid,
          req.flags,
          req.epoch,
          req.dkey ?? undefined,
          req.akey ?? undefined,
        ),
      (x) => ({ found: x !== null }),
    );
    yield* [];
    if (!r) throw derError('NONEXIST', 'vos_obj_query_key: no such key');
    return r;
  }

  /** vos_iterate: dkeys of the unit object (dkey null) or akeys of one dkey, at epoch. */
  *iterate(req: StoreKeyRequest): Proc<Uint8Array[]> {
    return yield* this.guard(this._iterate(req));
  }

  private *_iterate(req: StoreKeyRequest): Proc<Uint8Array[]> {
    const pool = this.vos.pool;
    const cont = this.cont(req.cont);
    const oid = this.oid(req.oid, req.shard);
    const dkey = req.dkey;
    const keys = step(
      this.rt,
      this.actor,
      'vos_iterate',
      { type: dkey === null ? 'VOS_ITER_DKEY' : 'VOS_ITER_AKEY', epoch: req.epoch.toString() },
      () =>
        dkey === null
          ? vosListDkeys(pool, cont, oid, req.epoch)
          : vosListAkeys(pool, cont, oid, dkey, req.epoch),
      (k) => ({ nr: k.length }),
    );
    yield* [];
    return keys;
  }

  /** vos_iterate resumed from an anchor: at most `nr` keys and the anchor to go on from. */
  *enumerate(req: StoreEnumRequest): Proc<StoreEnumResult> {
    return yield* this.guard(this._enumerate(req));
  }

  private *_enumerate(req: StoreEnumRequest): Proc<StoreEnumResult> {
    const pool = this.vos.pool;
    const cont = this.cont(req.cont);
    const oid = this.oid(req.oid, req.shard);
    const dkey = req.dkey;
    const page = step(
      this.rt,
      this.actor,
      'vos_iterate',
      {
        type: dkey === null ? 'VOS_ITER_DKEY' : 'VOS_ITER_AKEY',
        epoch: req.epoch.toString(),
        nr: req.nr,
        anchor: anchorDump(req.anchor),
      },
      () =>
        dkey === null
          ? vosIterateDkeys(pool, cont, oid, req.epoch, req.anchor, { nr: req.nr })
          : vosIterateAkeys(pool, cont, oid, dkey, req.epoch, req.anchor, { nr: req.nr }),
      (p) => ({ nr: p.keys.length, anchor: anchorDump(p.anchor) }),
    );
    yield* [];
    return page;
  }

  /** vos_obj_punch of the object, one dkey, or some akeys of a dkey. */
  *punch(req: StoreKeyRequest & { akeys: Uint8Array[] | null; flags: number }): Proc<void> {
    return yield* this.guard(this._punch(req));
  }

  private *_punch(
    req: StoreKeyRequest & { akeys: Uint8Array[] | null; flags: number },
  ): Proc<void> {
    yield* vosObjPunch(this.vos.pool, {
      cont: this.cont(req.cont),
      oid: this.oid(req.oid, req.shard),
      epoch: req.epoch,
      flags: req.flags,
      ...(req.dkey !== null ? { dkey: req.dkey } : {}),
      ...(req.akeys !== null ? { akeys: req.akeys } : {}),
    });
  }
}

/** A `makeStore` for `DaosCluster`: one VOS target store per target. */
export function vosStoreFactory(
  config: VosStoreConfig,
): (rt: Runtime, t: { actor: string }) => TargetStore {
  return (rt, t) => new VosTargetStore(rt, t.actor, config);
}
