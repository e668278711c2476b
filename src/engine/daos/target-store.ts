/**
 * What the object server needs from the storage of one target, shaped like the VOS/BIO calls
 * `obj_local_rw_internal` makes (spec §4.5, §5.2). Each method is a simulated process that
 * emits its own pipeline step (`vos_update_begin`, `bio_iod_prep` …): the implementation IS the
 * VOS of that target. Today `TemporaryValueStore` implements it; the VOS issue (#4) replaces it
 * with the real VOS over simulated SCM/NVMe without touching the server code.
 *
 * Errors are thrown as IoError with the real code.
 */
import type { Proc } from '../core/sim.ts';
import type { DaosIod, Sgl } from './io-types.ts';
import type { ObjId } from './oid.ts';

/** The DTX an update belongs to (`dth`): VOS tags the records with its local id. */
export interface StoreDtx {
  xid: { uuid: string; hlc: bigint };
  epoch: bigint;
  dkeyHash: bigint;
  leader: boolean;
  /** Participants' target ids, leader first. */
  mbs: number[];
}

/** What a restarted target finds in its persistent DTX tables (`StoreDtx` + the object). */
export interface StoreDtxLoad {
  active: (StoreDtx & { oid: ObjId })[];
  committed: { xid: { uuid: string; hlc: bigint }; epoch: bigint }[];
}

export interface StoreIoRequest {
  /** Container uuid (hex). */
  cont: string;
  oid: ObjId;
  /** `id_shard` of the unit object on this target. */
  shard: number;
  epoch: bigint;
  /** Conditional flags (`DAOS_COND_*`; VOS flags share the values). */
  flags: number;
  dkey: Uint8Array;
  /** The iods; a fetch writes the found sizes into them (`iod_size`). */
  iods: DaosIod[];
  /** Update of a distributed (non-solo) DTX: its active entry and record ids (spec §6.2). */
  dtx?: StoreDtx;
  /** Update: VOS_OF_DEDUP (+ _VERIFY) with the container's threshold (see StoreDedup). */
  dedup?: StoreDedup;
}

/**
 * What obj_local_rw passes down for dedup: it sets VOS_OF_DEDUP only for a bulk (RMA) update
 * of a container whose dedup property is on (VOS_OF_DEDUP_VERIFY too when it is MEMCMP), and
 * hands VOS the property's threshold (`dcp_dedup_size`).
 */
export interface StoreDedup {
  /** DAOS_PROP_CO_DEDUP_MEMCMP (verify) or _HASH (trust the hash). */
  type: number;
  threshold: number;
  /**
   * The bytes the client's dedup checksums (`iod_csums`, sent with the RPC) were computed
   * over: the RPC's sgls. The store derives the per-extent checksums from them.
   */
  sgls: readonly (Sgl | null)[];
}

export interface StoreFetchRequest extends StoreIoRequest {
  /** `VOS_OF_FETCH_SIZE_ONLY`: no data, only sizes. */
  sizeOnly: boolean;
}

export interface StoreKeyRequest {
  cont: string;
  oid: ObjId;
  shard: number;
  epoch: bigint;
  dkey: Uint8Array | null;
}

/**
 * The store's part of a `daos_anchor_t` (`da_type` DAOS_ANCHOR_TYPE_ZERO 0 / HKEY 1 / KEY 2 /
 * EOF 3, and what `da_buf` holds): where a key enumeration resumes.
 */
export interface StoreAnchor {
  readonly type: number;
  /** The hkey and full key of the last key returned. */
  readonly hkey?: Uint8Array;
  readonly key?: Uint8Array;
}

export interface StoreEnumRequest extends StoreKeyRequest {
  anchor: StoreAnchor;
  /** At most this many keys (the caller's `*nr`). */
  nr: number;
}

export interface StoreEnumResult {
  keys: Uint8Array[];
  anchor: StoreAnchor;
}

/** An open VOS I/O (`daos_handle_t ioh`). Opaque to the server. */
export interface StoreIoh {
  readonly kind: 'update' | 'fetch';
  readonly iods: DaosIod[];
}

/** `vos_obj_query_key` out: the dkey / akey / recx found (those the flags asked for). */
export interface StoreQueryResult {
  dkey?: Uint8Array;
  akey?: Uint8Array;
  recx?: { idx: bigint; nr: number };
}

export interface TargetStore {
  /** A short name for trace data (`temporary`, `vos`). */
  readonly kind: string;
  /**
   * The highest epoch already on this target's media (0n when it started blank). The engine's
   * HLC starts above it, so epochs never go back across restarts over the same devices.
   */
  highestEpoch?(): bigint;
  /**
   * `vos_obj_query_key`: the max or min (`DAOS_GET_MAX` / `DAOS_GET_MIN`) dkey, akey and recx
   * visible at `epoch` (`DAOS_GET_DKEY` / `_AKEY` / `_RECX`; given keys are used as they are).
   * Nothing there → -DER_NONEXIST.
   */
  /** `vos_dtx_commit` of the persistent table (records → committed); returns how many. */
  dtxCommit?(xids: { uuid: string; hlc: bigint }[]): number;
  /** `vos_dtx_abort`: records invisible, ilog entries removed, active entry gone. */
  dtxAbort?(xid: { uuid: string; hlc: bigint }): boolean;
  /** The persistent DTX tables, for a restarting engine. */
  dtxLoad?(): StoreDtxLoad;
  queryKey?(
    req: StoreKeyRequest & { akey: Uint8Array | null; flags: number },
  ): Proc<StoreQueryResult>;
  /** `vos_update_begin`: checks, space hold, media select, reserve. */
  updateBegin(req: StoreIoRequest): Proc<StoreIoh>;
  /** `bio_iod_prep`: map reserved addresses to buffers (fetch: read the media). */
  bioIodPrep(ioh: StoreIoh): Proc<void>;
  /** `bio_iod_copy`: update: sgls → buffers; fetch: buffers → sgls (sets iov_len/sg_nr_out). */
  bioIodCopy(ioh: StoreIoh, sgls: readonly (Sgl | null)[]): Proc<void>;
  /** `vos_dedup_verify`. */
  dedupVerify(ioh: StoreIoh): Proc<void>;
  /** `bio_iod_post`: write DMA buffers to NVMe (only emits a step when there is NVMe data). */
  bioIodPost(ioh: StoreIoh): Proc<void>;
  /** `vos_update_end`: publish (err = 0) or cancel (err ≠ 0). */
  updateEnd(ioh: StoreIoh, err: number): Proc<void>;
  /** `vos_fetch_begin`: find the visible version of each value; sets iod sizes. */
  fetchBegin(req: StoreFetchRequest): Proc<StoreIoh>;
  /** `vos_fetch_end`. */
  fetchEnd(ioh: StoreIoh, err: number): Proc<void>;
  /**
   * `vos_iterate` over the dkeys of a unit object (`dkey` null) or the akeys of one dkey: the
   * keys visible at `epoch`, in the store's key order.
   */
  iterate(req: StoreKeyRequest): Proc<Uint8Array[]>;
  /**
   * `vos_iterate` resumed from `anchor`, returning at most `nr` keys and the anchor to resume
   * from (EOF at the end). Optional: the server pages `iterate`'s list for stores without it.
   */
  enumerate?(req: StoreEnumRequest): Proc<StoreEnumResult>;
  /**
   * `vos_obj_punch`: punch the object (`dkey` null), one dkey (`akeys` null) or some akeys of
   * a dkey, at `epoch`. `DAOS_COND_PUNCH` in `flags`: -DER_NONEXIST if the key is not there.
   */
  punch(req: StoreKeyRequest & { akeys: Uint8Array[] | null; flags: number }): Proc<void>;
}
