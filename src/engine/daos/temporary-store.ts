/**
 * TEMPORARY per-target value store. The VOS issue (#4) replaces it with the real VOS (trees in
 * simulated SCM, values in SCM/NVMe); until then it gives the object server real storage
 * semantics in plain JS maps, so fetch returns exactly what was updated:
 *
 * - values are keyed by (container, unit oid, dkey, akey) and versioned by epoch;
 * - single values: a fetch at epoch E sees the newest record with epoch ≤ E (same epoch:
 *   the last writer wins); a zero-size record is a punch;
 * - arrays: extents of records; a fetch assembles each requested record from the newest
 *   extent covering it at ≤ E (holes read as zeros); a partial overwrite at the same epoch is
 *   refused (-DER_NO_PERM, as VOS maps -DER_VOS_PARTIAL_UPDATE); a record-size change while
 *   extents exist is -DER_INVAL; an akey keeps the value kind of its first update (mixing
 *   kinds: update -DER_NO_PERM, fetch sees nothing);
 * - conditional flags (DKEY/AKEY INSERT/UPDATE/FETCH) return -DER_EXIST / -DER_NONEXIST.
 *
 * It emits the VOS/BIO steps of the pipelines (vos_update_begin, bio_iod_prep, …) with the
 * data the seed's gdb dumps show; addresses come from a bump "allocator" that only mimics
 * where SCM/NVMe space would be (it is not simulated media).
 */
import { derError } from '../core/errors.ts';
import { toHex, u64Hex, hexAddr } from '../core/bytes.ts';
import type { Runtime } from '../core/runtime.ts';
import { sleep, type Proc } from '../core/sim.ts';
import type { Json } from '../trace/event.ts';
import {
  COND_FLAGS,
  otypeAkeyIsUint64,
  otypeDkeyIsUint64,
  DAOS_MEDIA_NVME,
  DAOS_MEDIA_SCM,
  DEDUP_THRESHOLD,
  VOS_BLK_SZ,
} from './constants.ts';
import { COST } from './costs.ts';
import { murmur64, u64FromLe, u64ToLe } from './hash.ts';
import { iodDump, keyDump, type DaosIod, type Sgl } from './io-types.ts';
import { oidText, oidType, type ObjId } from './oid.ts';
import type {
  StoreFetchRequest,
  StoreIoh,
  StoreIoRequest,
  StoreKeyRequest,
  TargetStore,
} from './target-store.ts';
import { traced, type Data } from './traced.ts';

interface SvRecord {
  epoch: bigint;
  seq: number;
  data: Uint8Array;
  addr: number;
  media: number;
}

interface Extent {
  lo: number;
  /** Inclusive. */
  hi: number;
  epoch: bigint;
  seq: number;
  rsize: number;
  /** Null for a hole (punch by update with size 0). */
  data: Uint8Array | null;
  addr: number;
  media: number;
}

interface AkeyEntry {
  name: Uint8Array;
  /** Akey punch epochs. */
  punches: bigint[];
  kind: 1 | 2;
  svs: SvRecord[];
  exts: Extent[];
}

interface ObjEntry {
  dkeys: Map<string, DkeyEntry>;
  /** Object punch epochs. */
  punches: bigint[];
}

interface DkeyEntry {
  name: Uint8Array;
  akeys: Map<string, AkeyEntry>;
  /** Punch epochs of this dkey (a punched dkey hides values older than the punch). */
  punches: bigint[];
}

/** A bio_iov: where one piece of a value lives (`bi_addr`, `bi_data_len`). */
interface Biov {
  off: number;
  media: number;
  len: number;
  hole: boolean;
  buf: Uint8Array | null;
}

interface TmpIoh extends StoreIoh {
  readonly req: StoreIoRequest;
  /** Per iod, its bio_iovs. */
  readonly biovs: Biov[][];
  /** Fetch: per iod, the assembled bytes (null = nothing found). */
  readonly found: (Uint8Array | null)[];
  ioSize: number;
}

const SCM_BASE = 0x400000;

function cmpBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
}

/**
 * A 16-byte hashed-key order key like VOS's hkey (spec §1.3): keys ≤ 15 bytes inline after a
 * `(len << 2) | 1` byte; longer keys by murmur64(seed 0xC0FFEE) + a djb2-style hash + length.
 */
function hkey(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  if (key.length <= 15) {
    out[0] = (key.length << 2) | 1;
    out.set(key, 1);
    return out;
  }
  out.set(u64ToLe(murmur64(key, 0xc0ffee)), 0);
  let h = 5381;
  for (const b of key) h = (Math.imul(h, 33) + b) >>> 0;
  new DataView(out.buffer).setUint32(8, h, true);
  new DataView(out.buffer).setUint32(12, (key.length << 2) >>> 0, true);
  return out;
}

export class TemporaryValueStore implements TargetStore {
  readonly kind = 'temporary';
  private readonly objects = new Map<string, ObjEntry>();
  private scmNext = SCM_BASE;
  private nvmeNextBlock = 0;
  private writeSeq = 0;

  constructor(
    private readonly rt: Runtime,
    /** The target this store belongs to (`engine0.tgt1`): the actor of its events. */
    readonly actor: string,
  ) {}

  // ---- update -------------------------------------------------------------------------

  *updateBegin(req: StoreIoRequest): Proc<StoreIoh> {
    return yield* traced(
      this.rt,
      'vos_update_begin',
      this.actor,
      {
        store: this.kind,
        oid: oidText(req.oid),
        epoch: u64Hex(req.epoch),
        dkey: keyDump(req.dkey),
        iod_nr: req.iods.length,
        iods: req.iods.map(iodDump),
        dedup_th: DEDUP_THRESHOLD,
      },
      () => this.doUpdateBegin(req),
      (ioh) => ({ ioc: this.iocDump(ioh as TmpIoh), biovs: this.biovsDump(ioh as TmpIoh) }),
    );
  }

  private *doUpdateBegin(req: StoreIoRequest): Proc<StoreIoh> {
    yield* sleep(COST.vosStep);
    // vos_check_akeys: the same akey twice in one update is refused.
    const seen = new Set<string>();
    for (const iod of req.iods) {
      const k = toHex(iod.name);
      if (seen.has(k)) throw derError('NO_PERM', 'duplicate akey in one update');
      seen.add(k);
    }
    const biovs: Biov[][] = [];
    let ioSize = 0;
    for (const iod of req.iods) {
      const list: Biov[] = [];
      const sizes = iod.type === 1 ? [iod.size] : (iod.recxs ?? []).map((r) => r.nr * iod.size);
      for (const size of sizes) {
        // vos_media_select: ≥ 4 KiB → NVMe, else SCM.
        const media = size >= VOS_BLK_SZ ? DAOS_MEDIA_NVME : DAOS_MEDIA_SCM;
        list.push({
          off: size === 0 ? 0 : this.reserve(media, size),
          media,
          len: size,
          hole: size === 0,
          buf: null,
        });
        ioSize += size;
      }
      biovs.push(list);
    }
    const ioh: TmpIoh = { kind: 'update', iods: req.iods, req, biovs, found: [], ioSize };
    return ioh;
  }

  *bioIodPrep(h: StoreIoh): Proc<void> {
    const ioh = h as TmpIoh;
    yield* traced(
      this.rt,
      'bio_iod_prep',
      this.actor,
      { biod: this.biodDump(ioh), biovs: this.biovsDump(ioh) },
      () => this.doIodPrep(ioh),
    );
  }

  private *doIodPrep(ioh: TmpIoh): Proc<void> {
    yield* sleep(COST.vosStep / 2);
    for (let i = 0; i < ioh.biovs.length; i++) {
      const list = ioh.biovs[i] as Biov[];
      if (ioh.kind === 'update') {
        // SCM: direct access (the buffer IS the SCM range); NVMe: a DMA buffer.
        for (const b of list) b.buf = b.hole ? null : new Uint8Array(b.len);
      } else {
        // Fetch: read the media into the buffers.
        const data = ioh.found[i];
        const b = list[0];
        if (b && data) b.buf = data;
        for (const x of list) if (x.media === DAOS_MEDIA_NVME) yield* sleep(COST.nvmeBlock);
      }
    }
  }

  *bioIodCopy(h: StoreIoh, sgls: readonly (Sgl | null)[]): Proc<void> {
    const ioh = h as TmpIoh;
    yield* traced(
      this.rt,
      'bio_iod_copy',
      this.actor,
      {
        direction: ioh.kind === 'update' ? 'sgl → media buffers' : 'media buffers → reply sgl',
        bd_sgl_cnt: sgls.length,
        biovs: this.biovsDump(ioh),
      },
      () => (ioh.kind === 'update' ? this.copyIn(ioh, sgls) : this.copyOut(ioh, sgls)),
      () => ({ bytes: ioh.ioSize, preview: this.preview(ioh) }),
    );
  }

  private *copyIn(ioh: TmpIoh, sgls: readonly (Sgl | null)[]): Proc<void> {
    for (let i = 0; i < ioh.biovs.length; i++) {
      const sgl = sgls[i];
      const list = ioh.biovs[i] as Biov[];
      if (!sgl) continue;
      // copy_one: walk the sgl's iovs and the biovs together.
      let iov = 0;
      let iovOff = 0;
      for (const b of list) {
        if (!b.buf) continue;
        let o = 0;
        while (o < b.len && iov < sgl.iovs.length) {
          const v = sgl.iovs[iov] as { buf: Uint8Array; len: number };
          const n = Math.min(b.len - o, v.len - iovOff);
          b.buf.set(v.buf.subarray(iovOff, iovOff + n), o);
          o += n;
          iovOff += n;
          if (iovOff >= v.len) {
            iov++;
            iovOff = 0;
          }
        }
      }
    }
    yield* sleep(Math.round(ioh.ioSize * COST.scmPerByte));
  }

  private *copyOut(ioh: TmpIoh, sgls: readonly (Sgl | null)[]): Proc<void> {
    for (let i = 0; i < ioh.found.length; i++) {
      const data = ioh.found[i];
      const sgl = sgls[i];
      if (!sgl) continue;
      if (!data || data.length === 0) {
        sgl.nrOut = 0;
        for (const v of sgl.iovs) v.len = 0;
        continue;
      }
      let cap = 0;
      for (const v of sgl.iovs) cap += v.buf.length;
      if (cap < data.length) {
        throw derError('REC2BIG', `value of ${data.length} bytes > buffer of ${cap}`);
      }
      let o = 0;
      let used = 0;
      for (const v of sgl.iovs) {
        const n = Math.min(v.buf.length, data.length - o);
        v.buf.set(data.subarray(o, o + n), 0);
        v.len = n;
        o += n;
        if (n > 0) used++;
      }
      sgl.nrOut = used;
    }
    yield* sleep(Math.round(ioh.ioSize * COST.scmPerByte));
  }

  *dedupVerify(h: StoreIoh): Proc<void> {
    const ioh = h as TmpIoh;
    yield* traced(
      this.rt,
      'vos_dedup_verify',
      this.actor,
      {
        ic_dedup: 0,
        ic_dedup_verify: 0,
        ic_dedup_th: DEDUP_THRESHOLD,
        note: 'dedup is off (container default): nothing to compare',
      },
      function* () {
        yield* sleep(50);
        void ioh;
      },
    );
  }

  *bioIodPost(h: StoreIoh): Proc<void> {
    const ioh = h as TmpIoh;
    const nvme = ioh.biovs.flat().filter((b) => b.media === DAOS_MEDIA_NVME && !b.hole);
    if (nvme.length === 0) return; // SCM-only I/O: nothing to write to NVMe
    yield* traced(
      this.rt,
      'bio_iod_post',
      this.actor,
      { nvme_biovs: nvme.map((b) => this.biovDump(b)) },
      function* () {
        for (const b of nvme) yield* sleep(COST.nvmeBlock * Math.ceil(b.len / VOS_BLK_SZ));
      },
    );
  }

  *updateEnd(h: StoreIoh, err: number): Proc<void> {
    const ioh = h as TmpIoh;
    yield* traced(
      this.rt,
      'vos_update_end',
      this.actor,
      { err, epoch: u64Hex(ioh.req.epoch), dkey: keyDump(ioh.req.dkey), ic_io_size: ioh.ioSize },
      () => this.doUpdateEnd(ioh, err),
      (published) => ({ published }),
    );
  }

  private *doUpdateEnd(ioh: TmpIoh, err: number): Proc<Json[]> {
    yield* sleep(COST.vosStep);
    if (err !== 0) return []; // cancel the reservations (bump space is simply not reused)
    const req = ioh.req;
    const obj = this.objectMap(req.cont, req.oid, req.shard, true) as ObjEntry;
    const dk = toHex(req.dkey);
    const existing = obj.dkeys.get(dk);
    const dkeyVisible = existing !== undefined && this.dkeyVisible(obj, existing, req.epoch);
    if (req.flags & COND_FLAGS.DAOS_COND_DKEY_INSERT && dkeyVisible) {
      throw derError('EXIST', 'DAOS_COND_DKEY_INSERT: dkey exists');
    }
    if (req.flags & COND_FLAGS.DAOS_COND_DKEY_UPDATE && !dkeyVisible) {
      throw derError('NONEXIST', 'DAOS_COND_DKEY_UPDATE: dkey does not exist');
    }
    // Validate every iod before changing anything (one transaction: all or nothing).
    for (const iod of ioh.iods) {
      const ak = existing?.akeys.get(toHex(iod.name));
      const akVisible =
        ak !== undefined &&
        existing !== undefined &&
        this.akeyVisible(obj, existing, ak, req.epoch);
      const flags = req.flags & COND_FLAGS.DAOS_COND_PER_AKEY ? iod.flags : req.flags;
      if (flags & COND_FLAGS.DAOS_COND_AKEY_INSERT && akVisible)
        throw derError('EXIST', 'DAOS_COND_AKEY_INSERT: akey exists');
      if (flags & COND_FLAGS.DAOS_COND_AKEY_UPDATE && !akVisible)
        throw derError('NONEXIST', 'DAOS_COND_AKEY_UPDATE: akey does not exist');
      if (ak && ak.kind !== iod.type)
        throw derError('NO_PERM', 'Mixing single value and array not allowed');
      if (ak && iod.type === 2 && iod.size !== 0) {
        const live = ak.exts.find((e) => e.data !== null && e.rsize !== iod.size);
        if (live) throw derError('INVAL', 'Variable record size not supported in evtree');
      }
      if (ak && iod.type === 2) {
        for (const r of iod.recxs ?? []) {
          const hi = r.idx + r.nr - 1;
          const partial = ak.exts.find(
            (e) =>
              e.epoch === req.epoch &&
              e.lo <= hi &&
              r.idx <= e.hi &&
              !(e.lo === r.idx && e.hi === hi),
          );
          if (partial)
            throw derError(
              'NO_PERM',
              'partial overwrite at the same epoch (DER_VOS_PARTIAL_UPDATE)',
            );
        }
      }
    }
    let dkEntry = existing;
    if (!dkEntry) {
      dkEntry = { name: req.dkey.slice(), akeys: new Map(), punches: [] };
      obj.dkeys.set(dk, dkEntry);
    }
    const published: Json[] = [];
    for (let i = 0; i < ioh.iods.length; i++) {
      const iod = ioh.iods[i] as DaosIod;
      const list = ioh.biovs[i] as Biov[];
      const key = toHex(iod.name);
      let ak = dkEntry.akeys.get(key);
      if (!ak) {
        ak = {
          name: iod.name.slice(),
          punches: [],
          kind: iod.type === 1 ? 1 : 2,
          svs: [],
          exts: [],
        };
        dkEntry.akeys.set(key, ak);
      }
      const seq = this.writeSeq++;
      if (iod.type === 1) {
        const b = list[0] as Biov;
        // Same epoch: last writer wins (replace); otherwise a new version.
        ak.svs = ak.svs.filter((r) => r.epoch !== req.epoch);
        ak.svs.push({
          epoch: req.epoch,
          seq,
          data: b.buf ? b.buf.slice() : new Uint8Array(0),
          addr: b.off,
          media: b.media,
        });
        published.push({
          akey: keyDump(iod.name),
          kind: 'single',
          size: iod.size,
          ...this.biovDump(b),
        });
      } else {
        const recxs = iod.recxs ?? [];
        for (let j = 0; j < recxs.length; j++) {
          const r = recxs[j] as { idx: number; nr: number };
          if (r.nr === 0) continue;
          const b = list[j] as Biov;
          const hi = r.idx + r.nr - 1;
          ak.exts = ak.exts.filter(
            (e) => !(e.epoch === req.epoch && e.lo === r.idx && e.hi === hi),
          );
          ak.exts.push({
            lo: r.idx,
            hi,
            epoch: req.epoch,
            seq,
            rsize: iod.size,
            data: iod.size === 0 || !b.buf ? null : b.buf.slice(),
            addr: b.off,
            media: b.media,
          });
          published.push({
            akey: keyDump(iod.name),
            kind: 'array',
            rect: { lo: r.idx, hi },
            rsize: iod.size,
            ...this.biovDump(b),
          });
        }
      }
    }
    return published;
  }

  // ---- fetch --------------------------------------------------------------------------

  *fetchBegin(req: StoreFetchRequest): Proc<StoreIoh> {
    return yield* traced(
      this.rt,
      'vos_fetch_begin',
      this.actor,
      {
        store: this.kind,
        oid: oidText(req.oid),
        epoch: u64Hex(req.epoch),
        dkey: keyDump(req.dkey),
        iod_nr: req.iods.length,
        size_only: req.sizeOnly,
      },
      () => this.doFetchBegin(req),
      (ioh) => ({ iods: ioh.iods.map(iodDump), ioc: this.iocDump(ioh as TmpIoh) }),
    );
  }

  private *doFetchBegin(req: StoreFetchRequest): Proc<StoreIoh> {
    yield* sleep(COST.vosStep);
    const obj = this.objectMap(req.cont, req.oid, req.shard, false);
    const dkEntry = obj?.dkeys.get(toHex(req.dkey));
    const dkVisible =
      obj !== undefined && dkEntry !== undefined && this.dkeyVisible(obj, dkEntry, req.epoch);
    if (req.flags & COND_FLAGS.DAOS_COND_DKEY_FETCH && !dkVisible) {
      throw derError('NONEXIST', 'DAOS_COND_DKEY_FETCH: dkey does not exist');
    }
    const found: (Uint8Array | null)[] = [];
    const biovs: Biov[][] = [];
    let ioSize = 0;
    for (const iod of req.iods) {
      const ak = dkVisible ? dkEntry.akeys.get(toHex(iod.name)) : undefined;
      const flags = req.flags & COND_FLAGS.DAOS_COND_PER_AKEY ? iod.flags : req.flags;
      const visible =
        ak !== undefined &&
        dkEntry !== undefined &&
        obj !== undefined &&
        ak.kind === iod.type &&
        this.akeyVisible(obj, dkEntry, ak, req.epoch);
      if (flags & COND_FLAGS.DAOS_COND_AKEY_FETCH && !visible) {
        throw derError('NONEXIST', 'DAOS_COND_AKEY_FETCH: akey does not exist');
      }
      const floor = obj && dkEntry ? this.punchFloor(obj, dkEntry, ak, req.epoch) : -1n;
      let data: Uint8Array | null = null;
      const list: Biov[] = [];
      if (ak && ak.kind === iod.type && iod.type === 1) {
        const rec = this.latestSv(ak, req.epoch);
        if (rec && rec.epoch > floor && rec.data.length > 0) {
          data = rec.data;
          iod.size = rec.data.length;
          list.push({
            off: rec.addr,
            media: rec.media,
            len: rec.data.length,
            hole: false,
            buf: null,
          });
        } else iod.size = 0;
      } else if (ak && ak.kind === iod.type && iod.type === 2) {
        const live = ak.exts.filter((e) => e.epoch <= req.epoch && e.epoch > floor);
        const newest = live
          .filter((e) => e.data !== null)
          .sort((a, b) => (a.epoch === b.epoch ? b.seq - a.seq : a.epoch > b.epoch ? -1 : 1))[0];
        if (newest) {
          const rsize = newest.rsize;
          iod.size = rsize;
          const parts: Uint8Array[] = [];
          let any = false;
          for (const r of iod.recxs ?? []) {
            const out = new Uint8Array(r.nr * rsize);
            for (let k = 0; k < r.nr; k++) {
              const idx = r.idx + k;
              const e = this.newestCovering(live, idx);
              if (e && e.data) {
                out.set(e.data.subarray((idx - e.lo) * rsize, (idx - e.lo + 1) * rsize), k * rsize);
                any = true;
              }
            }
            parts.push(out);
            for (const e of live) {
              if (e.data && e.lo <= r.idx + r.nr - 1 && r.idx <= e.hi) {
                list.push({
                  off: e.addr,
                  media: e.media,
                  len: (e.hi - e.lo + 1) * rsize,
                  hole: false,
                  buf: null,
                });
              }
            }
          }
          if (any) {
            let n = 0;
            for (const p of parts) n += p.length;
            data = new Uint8Array(n);
            let o = 0;
            for (const p of parts) {
              data.set(p, o);
              o += p.length;
            }
          } else iod.size = 0;
        } else iod.size = 0;
      } else {
        iod.size = 0;
      }
      found.push(req.sizeOnly ? null : data);
      ioSize += data?.length ?? 0;
      biovs.push(list);
    }
    const ioh: TmpIoh = { kind: 'fetch', iods: req.iods, req, biovs, found, ioSize };
    return ioh;
  }

  *fetchEnd(h: StoreIoh, err: number): Proc<void> {
    const ioh = h as TmpIoh;
    yield* traced(
      this.rt,
      'vos_fetch_end',
      this.actor,
      { err, ic_io_size: ioh.ioSize },
      function* () {
        yield* sleep(100);
      },
    );
  }

  // ---- enumeration and punch (daos_obj_list_* / daos_obj_punch*) ---------------------

  *iterate(req: StoreKeyRequest): Proc<Uint8Array[]> {
    return yield* traced(
      this.rt,
      'vos_iterate',
      this.actor,
      {
        store: this.kind,
        type: req.dkey ? 'VOS_ITER_AKEY' : 'VOS_ITER_DKEY',
        oid: oidText(req.oid),
        epoch: u64Hex(req.epoch),
        ...(req.dkey ? { dkey: keyDump(req.dkey) } : {}),
      },
      () => this.doIterate(req),
      (keys) => ({ nr: keys.length, keys: keys.map(keyDump) }),
    );
  }

  private *doIterate(req: StoreKeyRequest): Proc<Uint8Array[]> {
    yield* sleep(COST.vosStep);
    const obj = this.objectMap(req.cont, req.oid, req.shard, false);
    if (!obj) return [];
    const out: Uint8Array[] = [];
    if (req.dkey === null) {
      for (const d of obj.dkeys.values()) if (this.dkeyVisible(obj, d, req.epoch)) out.push(d.name);
    } else {
      const d = obj.dkeys.get(toHex(req.dkey));
      if (d)
        for (const ak of d.akeys.values())
          if (this.akeyVisible(obj, d, ak, req.epoch)) out.push(ak.name);
    }
    return out.sort(this.keyOrder(oidType(req.oid), req.dkey === null));
  }

  *punch(req: StoreKeyRequest & { akeys: Uint8Array[] | null; flags: number }): Proc<void> {
    yield* traced(
      this.rt,
      'vos_obj_punch',
      this.actor,
      {
        store: this.kind,
        oid: oidText(req.oid),
        epoch: u64Hex(req.epoch),
        dkey: req.dkey ? keyDump(req.dkey) : null,
        akeys: req.akeys ? req.akeys.map(keyDump) : null,
        flags: req.flags,
      },
      () => this.doPunch(req),
    );
  }

  private *doPunch(
    req: StoreKeyRequest & { akeys: Uint8Array[] | null; flags: number },
  ): Proc<void> {
    yield* sleep(COST.vosStep);
    const cond = (req.flags & COND_FLAGS.DAOS_COND_PUNCH) !== 0;
    const obj = this.objectMap(req.cont, req.oid, req.shard, !cond);
    if (!obj) throw derError('NONEXIST', 'DAOS_COND_PUNCH: object does not exist');
    if (req.dkey === null) {
      if (cond && ![...obj.dkeys.values()].some((d) => this.dkeyVisible(obj, d, req.epoch))) {
        throw derError('NONEXIST', 'DAOS_COND_PUNCH: object does not exist');
      }
      obj.punches.push(req.epoch);
      return;
    }
    const k = toHex(req.dkey);
    let d = obj.dkeys.get(k);
    if (cond && (!d || !this.dkeyVisible(obj, d, req.epoch))) {
      throw derError('NONEXIST', 'DAOS_COND_PUNCH: dkey does not exist');
    }
    if (!d) {
      d = { name: req.dkey.slice(), akeys: new Map(), punches: [] };
      obj.dkeys.set(k, d);
    }
    if (req.akeys === null) {
      d.punches.push(req.epoch);
      return;
    }
    for (const a of req.akeys) {
      const ak = d.akeys.get(toHex(a));
      if (cond && (!ak || !this.akeyVisible(obj, d, ak, req.epoch))) {
        throw derError('NONEXIST', 'DAOS_COND_PUNCH: akey does not exist');
      }
      if (ak) ak.punches.push(req.epoch);
    }
  }

  /**
   * Enumeration order of VOS key trees (spec §1.3): uint64 keys numerically, lexical keys by
   * memcmp then length, hashed keys by their 16-byte hkey (short keys inline after a length
   * byte, long keys by hash) — a deterministic order that is not insertion order.
   */
  private keyOrder(otype: number, dkeys: boolean): (a: Uint8Array, b: Uint8Array) => number {
    const uint64 = dkeys ? otypeDkeyIsUint64(otype) : otypeAkeyIsUint64(otype);
    const lexical = dkeys ? otype === 5 || otype === 7 || otype === 10 : otype === 6 || otype === 7;
    if (uint64)
      return (a, b) => (u64FromLe(a) < u64FromLe(b) ? -1 : u64FromLe(a) > u64FromLe(b) ? 1 : 0);
    if (lexical) return (a, b) => cmpBytes(a, b);
    return (a, b) => cmpBytes(hkey(a), hkey(b));
  }

  // ---- helpers ------------------------------------------------------------------------

  private objectMap(
    cont: string,
    oid: ObjId,
    shard: number,
    create: boolean,
  ): ObjEntry | undefined {
    const key = `${cont}/${oidText(oid)}.${shard}`;
    let m = this.objects.get(key);
    if (!m && create) {
      m = { dkeys: new Map(), punches: [] };
      this.objects.set(key, m);
    }
    return m;
  }

  private reserve(media: number, size: number): number {
    if (media === DAOS_MEDIA_NVME) {
      const blocks = Math.ceil(size / VOS_BLK_SZ);
      const off = this.nvmeNextBlock * VOS_BLK_SZ;
      this.nvmeNextBlock += blocks;
      return off;
    }
    const off = this.scmNext;
    this.scmNext += Math.ceil(size / 64) * 64 + 64; // record header + payload, 64-byte aligned
    return off;
  }

  /** The newest punch at or below `epoch` of the object, the dkey and (if given) the akey. */
  private punchFloor(
    obj: ObjEntry,
    d: DkeyEntry,
    ak: AkeyEntry | undefined,
    epoch: bigint,
  ): bigint {
    let floor = -1n;
    for (const list of [obj.punches, d.punches, ak?.punches ?? []]) {
      for (const p of list) if (p <= epoch && p > floor) floor = p;
    }
    return floor;
  }

  private latestSv(ak: AkeyEntry, epoch: bigint): SvRecord | undefined {
    let best: SvRecord | undefined;
    for (const r of ak.svs) {
      if (
        r.epoch <= epoch &&
        (!best || r.epoch > best.epoch || (r.epoch === best.epoch && r.seq > best.seq))
      )
        best = r;
    }
    return best;
  }

  private newestCovering(exts: readonly Extent[], idx: number): Extent | undefined {
    let best: Extent | undefined;
    for (const e of exts) {
      if (
        e.lo <= idx &&
        idx <= e.hi &&
        (!best || e.epoch > best.epoch || (e.epoch === best.epoch && e.seq > best.seq))
      )
        best = e;
    }
    return best;
  }

  private akeyVisible(obj: ObjEntry, d: DkeyEntry, ak: AkeyEntry, epoch: bigint): boolean {
    const floor = this.punchFloor(obj, d, ak, epoch);
    if (ak.kind === 1) {
      const r = this.latestSv(ak, epoch);
      return r !== undefined && r.epoch > floor && r.data.length > 0;
    }
    return ak.exts.some((e) => e.epoch <= epoch && e.epoch > floor && e.data !== null);
  }

  private dkeyVisible(obj: ObjEntry, d: DkeyEntry, epoch: bigint): boolean {
    for (const ak of d.akeys.values()) if (this.akeyVisible(obj, d, ak, epoch)) return true;
    return false;
  }

  /** The first bytes that moved, for the inspector: printable text, else hex. */
  private preview(ioh: TmpIoh): string {
    const src =
      ioh.kind === 'update' ? ioh.biovs.flat().find((b) => b.buf)?.buf : ioh.found.find((f) => f);
    if (!src) return '';
    const head = src.subarray(0, 32);
    const printable = head.every((c) => c >= 0x20 && c < 0x7f);
    const text = printable ? String.fromCharCode(...head) : toHex(head);
    return src.length > 32 ? text + '…' : text;
  }

  private biovDump(b: Biov): Data {
    return {
      bi_data_len: b.len,
      bi_addr: {
        ba_off: b.off,
        ba_off_hex: hexAddr(b.off),
        ba_type: b.media,
        ba_flags: b.hole ? 1 : 0,
      },
    };
  }

  private biovsDump(ioh: TmpIoh): Json {
    return ioh.biovs.map((l) => l.map((b) => this.biovDump(b)));
  }

  private biodDump(ioh: TmpIoh): Json {
    return {
      bd_type: ioh.kind === 'update' ? 0 : 1,
      bd_chk_type: 0,
      bd_rdma: 0,
      bd_sgl_cnt: ioh.biovs.length,
      bic_io_unit: VOS_BLK_SZ,
    };
  }

  private iocDump(ioh: TmpIoh): Json {
    const epoch = ioh.req.epoch;
    return {
      ic_epr: { epr_lo: ioh.kind === 'update' ? u64Hex(epoch) : u64Hex(0n), epr_hi: u64Hex(epoch) },
      ic_bound: u64Hex(epoch),
      ic_iod_nr: ioh.iods.length,
      ic_dedup_th: DEDUP_THRESHOLD,
      ic_io_size: ioh.ioSize,
      ic_update: ioh.kind === 'update' ? 1 : 0,
      ic_size_fetch: ioh.kind === 'fetch' && (ioh.req as StoreFetchRequest).sizeOnly ? 1 : 0,
      ic_dedup: 0,
      ic_dedup_verify: 0,
      ic_read_ts_only: 0,
      ic_check_existence: 0,
      ic_remove: 0,
      ic_ec: 0,
    };
  }
}
