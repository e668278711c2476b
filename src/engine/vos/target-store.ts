/**
 * The real VOS behind the object server's `TargetStore` interface (src/engine/daos/
 * target-store.ts): each method is the VOS/BIO step the server calls. Swap it in with
 * `new DaosCluster(rt, config, vosStoreFactory(config))`.
 *
 * The target's media (SCM, umem, VEA, NVMe) are created on first use, so a cluster of many
 * targets only pays for the ones an op touches.
 */
import type { Runtime } from '../core/runtime.ts';
import type { Proc } from '../core/sim.ts';
import type { DaosIod, Sgl } from '../daos/io-types.ts';
import type { ObjId } from '../daos/oid.ts';
import type {
  StoreFetchRequest,
  StoreIoh,
  StoreIoRequest,
  StoreKeyRequest,
  TargetStore,
} from '../daos/target-store.ts';
import { vosListAkeys, vosListDkeys, vosObjPunch } from './api.ts';
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
} from './io-update.ts';
import type { VosCont } from './pool.ts';
import { step } from './step.ts';
import { createVosTarget, type VosTarget } from './target.ts';
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

  /** The target's VOS pool, created on first use (vos_pool_create on fresh media). */
  get vos(): VosTarget {
    if (this.target === undefined) {
      this.target = createVosTarget({
        rt: this.rt,
        actor: this.actor,
        scmBytes: this.config.scmBytes,
        nvmeBlocks: Math.floor(this.config.nvmeBytes / 4096),
      });
    }
    return this.target;
  }

  private cont(uuid: string): VosCont {
    return this.vos.pool.cont(contUuidBytes(uuid));
  }

  private oid(oid: ObjId, shard: number): VosOid {
    return { hi: oid.hi, lo: oid.lo, shard };
  }

  *updateBegin(req: StoreIoRequest): Proc<StoreIoh> {
    const iods = req.iods.map(toVosIod);
    const ioc = yield* vosUpdateBegin(this.vos.pool, {
      cont: this.cont(req.cont),
      oid: this.oid(req.oid, req.shard),
      epoch: req.epoch,
      flags: req.flags,
      dkey: req.dkey,
      iods,
    });
    const h: VosStoreIoh = { kind: 'update', iods: req.iods, ioc, callerIods: req.iods };
    return h;
  }

  *bioIodPrep(h: StoreIoh): Proc<void> {
    const { ioc } = h as VosStoreIoh;
    if (ioc.kind === 'update') yield* bioIodPrepUpdate(ioc);
    else yield* bioIodPrepFetch(ioc);
  }

  *bioIodCopy(h: StoreIoh, sgls: readonly (Sgl | null)[]): Proc<void> {
    const { ioc } = h as VosStoreIoh;
    if (ioc.kind === 'update') yield* bioIodCopyUpdate(ioc, sgls);
    else yield* bioIodCopyFetch(ioc, sgls);
  }

  *dedupVerify(h: StoreIoh): Proc<void> {
    const { ioc } = h as VosStoreIoh;
    // Dedup is a container property, off by default: nothing was deduplicated to verify.
    step(
      this.rt,
      this.actor,
      'vos_dedup_verify',
      { ic_dedup: 0, ic_dedup_verify: 0, ic_dedup_th: 4096, io_size: ioc.ioSize },
      () => undefined,
    );
    yield* [];
  }

  *bioIodPost(h: StoreIoh): Proc<void> {
    const { ioc } = h as VosStoreIoh;
    if (ioc.kind === 'update') yield* bioIodPostUpdate(ioc);
  }

  *updateEnd(h: StoreIoh, err: number): Proc<void> {
    const { ioc } = h as VosStoreIoh;
    if (ioc.kind === 'update') yield* vosUpdateEnd(ioc, err);
  }

  *fetchBegin(req: StoreFetchRequest): Proc<StoreIoh> {
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
    const { ioc } = h as VosStoreIoh;
    if (ioc.kind === 'fetch') yield* vosFetchEnd(ioc, err);
  }

  /** vos_iterate: dkeys of the unit object (dkey null) or akeys of one dkey, at epoch. */
  *iterate(req: StoreKeyRequest): Proc<Uint8Array[]> {
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

  /** vos_obj_punch of the object, one dkey, or some akeys of a dkey. */
  *punch(req: StoreKeyRequest & { akeys: Uint8Array[] | null; flags: number }): Proc<void> {
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
