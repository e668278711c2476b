/**
 * Deduplication of array extents (vos_dedup_* in vos_io.c; spec §4.5 step 8, §4.6, §4.8 step
 * 13, §7.9). A container property (DAOS_PROP_CO_DEDUP = OFF / MEMCMP / HASH, with a size
 * threshold DAOS_PROP_CO_DEDUP_THRESHOLD, default 4 KiB, valid [4 KiB, 4 GiB)). It applies only
 * to bulk (RMA) updates (the object server sets VOS_OF_DEDUP only then) and only to array
 * extents of at least the threshold, on SCM or NVMe alike (vos_reserve_recx looks up every such
 * extent; the table holds the extent's bio address, media included); single values are never
 * deduplicated.
 *
 * The lookup key is the extent's checksum as the client computes it for dedup even with
 * checksums off (dedup_get_csum_algo): CRC64 when the bytes are verified (MEMCMP), SHA-256 when
 * the hash alone is trusted (HASH). The per-pool table lives in DRAM (`vp_dedup_hash`) and is
 * empty after a restart.
 *
 *   vos_reserve_recx  — a table hit reuses the existing extent (SCM range or NVMe blocks),
 *                       address flagged DEDUP (nothing reserved); a miss reserves as usual and
 *                       the extent becomes a candidate.
 *   bio_iod_copy      — a DEDUP extent is not written: with verify its data goes to a DRAM
 *                       buffer, without verify it is trusted to be identical.
 *   vos_dedup_verify  — byte-compare the buffer with the shared extent (NVMe: read back); on a
 *                       mismatch reserve a fresh extent on the same media (SCM: written and
 *                       persisted now; NVMe: the buffer goes out in bio_iod_post like any new
 *                       extent) and clear the DEDUP flag (-DER_NOSPACE when there is no room).
 *                       DAOS leaves the NVMe case as a TODO (it allocates SCM); we keep the media.
 *   bio_iod_post      — writes no DEDUP extent (the shared blocks already hold the bytes).
 *   vos_dedup_process — after a successful publish the candidates enter the table; after a
 *                       failure they are dropped (their reservations were cancelled).
 *
 * A DEDUP address is shared: freeing an evtree entry that holds one frees nothing, and an extent
 * that is freed leaves the table so no later update can point at it.
 */
import { derError } from '../core/errors.ts';
import { hexAddr, toHex } from '../core/bytes.ts';
import type { Proc } from '../core/sim.ts';
import { crc64 } from './csum.ts';
import { BIO_FLAG_DEDUP, BIO_FLAG_HOLE, DAOS_MEDIA_NVME, DAOS_MEDIA_SCM } from './layout.ts';
import { sha256 } from './sha256.ts';
import { step, type Data } from './step.ts';
import { DAOS_IOD_ARRAY, type VosIod, type VosSgl } from './types.ts';
import type { Biov, UpdateIoc, UpdateRequest } from './io-update.ts';

export const DAOS_PROP_CO_DEDUP_OFF = 0;
export const DAOS_PROP_CO_DEDUP_MEMCMP = 1;
export const DAOS_PROP_CO_DEDUP_HASH = 2;

/** DAOS_PROP_CO_DEDUP_THRESHOLD: default and valid range [4 KiB, 4 GiB). */
export const DEDUP_TH_DEFAULT = 4096;
export const DEDUP_TH_MIN = 4096;
export const DEDUP_TH_MAX = 2 ** 32;

export interface DedupProps {
  type: number;
  threshold: number;
}

export const DEDUP_OFF: DedupProps = { type: DAOS_PROP_CO_DEDUP_OFF, threshold: DEDUP_TH_DEFAULT };

/** A checked dedup property pair (out-of-range threshold or unknown type → -DER_INVAL). */
export function dedupProps(type: number, threshold = DEDUP_TH_DEFAULT): DedupProps {
  if (
    type !== DAOS_PROP_CO_DEDUP_OFF &&
    type !== DAOS_PROP_CO_DEDUP_MEMCMP &&
    type !== DAOS_PROP_CO_DEDUP_HASH
  )
    throw derError('INVAL', `dedup type ${type}`);
  if (!Number.isInteger(threshold) || threshold < DEDUP_TH_MIN || threshold >= DEDUP_TH_MAX)
    throw derError('INVAL', `dedup threshold ${threshold} outside [4 KiB, 4 GiB)`);
  return { type, threshold };
}

/** The dedup checksum of an extent's bytes (CRC64 with verify, SHA-256 without). */
export function dedupCsum(props: DedupProps, data: Uint8Array): Uint8Array {
  if (props.type === DAOS_PROP_CO_DEDUP_HASH) return sha256(data);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, crc64(data), true);
  return out;
}

export interface DedupEntry {
  /** ba_off: SCM byte offset or NVMe byte address (block × 4 KiB). */
  off: number;
  len: number;
  csum: Uint8Array;
  /** ba_type: DAOS_MEDIA_SCM or DAOS_MEDIA_NVME (absent: SCM). */
  media?: number;
}

/** An extent's identity across both media (an SCM offset and an NVMe address may be equal). */
const addrKey = (off: number, media = DAOS_MEDIA_SCM): string => `${media}:${off}`;

/** The per-pool DRAM dedup table (vp_dedup_hash): checksum + length → SCM or NVMe extent. */
export class DedupTable {
  private readonly byKey = new Map<string, DedupEntry>();
  private readonly byOff = new Map<string, string>();

  private static key(csum: Uint8Array, len: number): string {
    return `${len}:${toHex(csum)}`;
  }

  lookup(csum: Uint8Array, len: number): DedupEntry | undefined {
    return this.byKey.get(DedupTable.key(csum, len));
  }

  insert(e: DedupEntry): void {
    const k = DedupTable.key(e.csum, e.len);
    if (this.byKey.has(k)) return;
    this.byKey.set(k, e);
    this.byOff.set(addrKey(e.off, e.media), k);
  }

  /** An extent is being freed: it must not be handed out again. */
  invalidate(off: number, media = DAOS_MEDIA_SCM): void {
    const a = addrKey(off, media);
    const k = this.byOff.get(a);
    if (k === undefined) return;
    this.byOff.delete(a);
    this.byKey.delete(k);
  }

  get size(): number {
    return this.byKey.size;
  }

  entries(): DedupEntry[] {
    return [...this.byKey.values()];
  }
}

/** What an update's ioc knows about dedup (ic_dedup, ic_dedup_verify, ic_dedup_th). */
export interface IocDedup {
  readonly verify: boolean;
  readonly th: number;
  readonly props: DedupProps;
}

/** Dedup for this update: container property on and the data comes by bulk transfer (RMA). */
export function iocDedupInit(req: UpdateRequest): IocDedup | null {
  const p = req.cont.dedup;
  if (p.type === DAOS_PROP_CO_DEDUP_OFF || req.rma !== true) return null;
  return { verify: p.type === DAOS_PROP_CO_DEDUP_MEMCMP, th: p.threshold, props: p };
}

/**
 * The client side: the dedup checksum of every array extent of every iod (null where the iod
 * is not an array), computed over the bytes the sgl holds for it.
 */
export function dedupCsumsOf(
  props: DedupProps,
  iods: readonly VosIod[],
  sgls: readonly (VosSgl | null)[],
): (Uint8Array[] | null)[] {
  return iods.map((iod, i) => {
    if (iod.type !== DAOS_IOD_ARRAY) return null;
    const sgl = sgls[i] ?? null;
    const flat = flatten(sgl);
    const out: Uint8Array[] = [];
    let at = 0;
    for (const rx of iod.recxs ?? []) {
      const len = rx.nr * iod.size;
      out.push(dedupCsum(props, flat.subarray(at, at + len)));
      at += len;
    }
    return out;
  });
}

function flatten(sgl: VosSgl | null): Uint8Array {
  if (sgl === null) return new Uint8Array(0);
  let n = 0;
  for (const v of sgl.iovs) n += v.len;
  const out = new Uint8Array(n);
  let at = 0;
  for (const v of sgl.iovs) {
    out.set(v.buf.subarray(0, v.len), at);
    at += v.len;
  }
  return out;
}

/**
 * The dedup key of recx `j` of `iod`, or null when this extent is not a dedup candidate
 * (dedup off, below the threshold, or no client checksum).
 */
export function dedupKey(
  ioc: UpdateIoc,
  iodIdx: number,
  j: number,
  size: number,
): Uint8Array | null {
  const d = ioc.dedup;
  if (d === null || size < d.th) return null;
  return ioc.req.dedupCsums?.[iodIdx]?.[j] ?? null;
}

/** vos_dedup_lookup: a table hit → a bio_iov on the existing extent, flagged DEDUP. */
export function vosDedupLookup(ioc: UpdateIoc, csum: Uint8Array, size: number): Biov | null {
  const pool = ioc.pool;
  return step(
    pool.rt,
    pool.actor,
    'vos_dedup_lookup',
    { csum: toHex(csum), size, table: pool.dedup.size },
    () => {
      const e = pool.dedup.lookup(csum, size);
      if (e === undefined) return null;
      const b: Biov = {
        addr: { ba_off: e.off, ba_type: e.media ?? DAOS_MEDIA_SCM, ba_flags: BIO_FLAG_DEDUP },
        len: size,
        dedupCsum: csum,
      };
      return b;
    },
    (b): Data => (b === null ? { hit: false } : { hit: true, ba_off: hexAddr(b.addr.ba_off) }),
  );
}

/**
 * vos_dedup_verify (after the data transfer): compare each deduplicated extent with the data
 * received; a mismatch gets a fresh SCM extent with the data and loses the DEDUP flag.
 */
export function* vosDedupVerify(ioc: UpdateIoc): Proc<void> {
  const pool = ioc.pool;
  const d = ioc.dedup;
  // The shared NVMe extents are read first (a simulated process may wait for the device; the
  // traced step itself never yields).
  const nvmeHave = new Map<Biov, Uint8Array>();
  if (d !== null && d.verify && pool.nvme !== undefined) {
    for (const b of ioc.biovs.flat()) {
      if (!(b.addr.ba_flags & BIO_FLAG_DEDUP) || b.addr.ba_type !== DAOS_MEDIA_NVME) continue;
      const blocks = yield* pool.nvme.read(b.addr.ba_off / NVME_BLK, Math.ceil(b.len / NVME_BLK));
      nvmeHave.set(b, blocks.subarray(0, b.len));
    }
  }
  step(
    pool.rt,
    pool.actor,
    'vos_dedup_verify',
    {
      ic_dedup: d === null ? 0 : 1,
      ic_dedup_verify: d?.verify === true ? 1 : 0,
      ic_dedup_th: d?.th ?? DEDUP_TH_DEFAULT,
      io_size: ioc.ioSize,
    },
    () => {
      if (d === null || !d.verify) return null;
      let same = 0;
      let fresh = 0;
      for (const b of ioc.biovs.flat()) {
        if (!(b.addr.ba_flags & BIO_FLAG_DEDUP) || b.addr.ba_flags & BIO_FLAG_HOLE) continue;
        const data = b.buf;
        if (data === undefined) continue;
        const have = nvmeHave.get(b) ?? pool.umem.scm.read(b.addr.ba_off, b.len);
        if (sameBytes(have, data)) {
          same++;
          continue;
        }
        if (b.addr.ba_type === DAOS_MEDIA_NVME) {
          // Same checksum, other bytes: fresh blocks; bio_iod_post writes the buffer there.
          const vea = pool.vea;
          if (vea === undefined) throw derError('NOSPACE', 'no NVMe');
          const ext = vea.reserve(Math.ceil(b.len / NVME_BLK));
          ioc.nvmeExts.push(ext);
          const dma = new Uint8Array(ext.blkCnt * NVME_BLK);
          dma.set(data);
          b.addr = { ba_off: ext.blkOff * NVME_BLK, ba_type: DAOS_MEDIA_NVME, ba_flags: 0 };
          b.ext = ext;
          b.buf = dma;
          fresh++;
          continue;
        }
        // Same checksum, other bytes: this extent cannot be shared.
        const rsv = pool.umem.reserve(b.len);
        ioc.scmRsv.push(rsv);
        pool.umem.scm.write(rsv.off, data);
        pool.umem.scm.persist(rsv.off, b.len);
        pool.rt.trace.effect({ kind: 'scm.write', off: rsv.off, len: b.len, what: 'value' });
        b.addr = { ba_off: rsv.off, ba_type: DAOS_MEDIA_SCM, ba_flags: 0 };
        b.rsv = rsv;
        delete b.buf;
        fresh++;
      }
      return { same, fresh };
    },
    (r) => (r === null ? undefined : { matched: r.same, reallocated: r.fresh }),
  );
}

/** NVMe block size (bio addresses of NVMe extents are block × 4 KiB). */
const NVME_BLK = 4096;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * vos_dedup_process: after the publish, the fresh SCM extents that were dedup candidates enter
 * the pool's table; after a failure they are dropped (nothing enters). No step when dedup is off.
 */
export function vosDedupProcess(ioc: UpdateIoc, ok: boolean): void {
  if (ioc.dedup === null) return;
  const pool = ioc.pool;
  const cands = ioc.biovs
    .flat()
    .filter(
      (b) => b.dedupCsum !== undefined && !(b.addr.ba_flags & (BIO_FLAG_DEDUP | BIO_FLAG_HOLE)),
    );
  step(
    pool.rt,
    pool.actor,
    'vos_dedup_process',
    { abort: !ok, candidates: cands.length },
    () => {
      if (!ok) return 0;
      for (const b of cands) {
        const e: DedupEntry = { off: b.addr.ba_off, len: b.len, csum: b.dedupCsum as Uint8Array };
        if (b.addr.ba_type !== DAOS_MEDIA_SCM) e.media = b.addr.ba_type;
        pool.dedup.insert(e);
      }
      return cands.length;
    },
    (n) => ({ inserted: n, table: pool.dedup.size }),
  );
}
