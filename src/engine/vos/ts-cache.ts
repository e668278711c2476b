/**
 * Timestamp cache (vos_ts.c, spec §7.8): per entity (container, object, dkey, akey) the read
 * timestamps `rl` (the whole subtree was read at this epoch) and `rh` (something below was read),
 * each with the reader's transaction id, and the highest write epoch of the subtree. DRAM only:
 * lost (re-initialised) on restart.
 *
 * Capacity is bounded the way DAOS bounds it: one LRU array per level with a fixed number of
 * entries (container 1024, object 32 Ki, dkey 128 Ki, akey 512 Ki), plus per level (except the
 * container) a table of "negative" entries (64 Ki) that an entity hashes to. Evicting an entry
 * folds its timestamps into its negative entry (containers: into the table-wide timestamps), and
 * a new entry starts from its negative entry's timestamps. Negative entries only ever grow and
 * are shared by every entity hashing to them, so the timestamps an entity gets back after an
 * eviction are ≥ the ones it lost: conflict detection stays conservative (a spurious
 * -DER_TX_RESTART is possible, a missed one is not).
 *
 * Deviation: DAOS hashes a negative entry by the parent's LRU index and the key hash; here the
 * hash is over the entity's key path (container/oid/dkey/akey), which stays the same when the
 * parent entry itself is evicted and re-allocated under another index.
 */
import { derError } from '../core/errors.ts';

export type TsLevel = 'cont' | 'obj' | 'dkey' | 'akey';

export const TS_LEVELS: readonly TsLevel[] = ['cont', 'obj', 'dkey', 'akey'];

interface TsEntry {
  rl: bigint;
  rlTx: number;
  rh: bigint;
  rhTx: number;
  /** Highest write epoch in the subtree (the write cache, reduced to its top entry). */
  wh: bigint;
}

/** The path of entity keys from the container down (vos_ts_set). */
export type TsPath = string[];

/** Entries per level (vos_ts.h D_FOREACH_TS_TYPE) and negative entries per level. */
export interface TsSizes {
  cont: number;
  obj: number;
  dkey: number;
  akey: number;
  /** Negative entries per level below the container (OBJ/DKEY/AKEY_MISS_SIZE), a power of 2. */
  miss: number;
}

export const VOS_TS_SIZES: TsSizes = {
  cont: 1024,
  obj: 32 * 1024,
  dkey: 128 * 1024,
  akey: 512 * 1024,
  miss: 1 << 16,
};

function zero(): TsEntry {
  return { rl: 0n, rlTx: 0, rh: 0n, rhTx: 0, wh: 0n };
}

/**
 * Raise a read timestamp to (`ts`, `tx`) — vos_ts_copy: two different readers at the same epoch
 * leave no single owner (tx 0), so every writer at that epoch conflicts.
 */
function raiseRl(e: TsEntry, ts: bigint, tx: number): void {
  if (ts > e.rl) {
    e.rl = ts;
    e.rlTx = tx;
  } else if (ts === e.rl && tx !== e.rlTx) {
    e.rlTx = 0;
  }
}

/** raiseRl for the high timestamp. */
function raiseRh(e: TsEntry, ts: bigint, tx: number): void {
  if (ts > e.rh) {
    e.rh = ts;
    e.rhTx = tx;
  } else if (ts === e.rh && tx !== e.rhTx) {
    e.rhTx = 0;
  }
}

/** Fold `src` into `dst` (ts_update_on_evict: keep the later timestamps and their readers). */
function fold(dst: TsEntry, src: TsEntry): void {
  raiseRl(dst, src.rl, src.rlTx);
  raiseRh(dst, src.rh, src.rhTx);
  if (src.wh > dst.wh) dst.wh = src.wh;
}

/** FNV-1a offset basis and prime (the negative-entry slot hash, see `pathHash`). */
const FNV_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a continued over `text` from the running (unsigned) hash `h`. */
function fnvOn(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

/**
 * The cache key of every level of a path ('/cont', '/cont/obj', …) and its FNV-1a hash (the
 * negative slot), for the last path seen: an update checks and then records the same path, and
 * consecutive I/Os share the container and object levels — reusing the same key strings spares
 * building, flattening and hashing them again (V8 caches a string's hash in the string, so the
 * LRU Map lookup of a reused key string does not rehash it). FNV-1a is a running hash, so a
 * level's hash continues its parent's: the same value as `pathHash` of the whole key.
 */
class PathKeys {
  private parts: string[] = [];
  readonly keys: string[] = [];
  readonly hashes: number[] = [];
  private last: TsPath | null = null;

  of(path: TsPath): this {
    if (path === this.last && path.length === this.parts.length) return this;
    this.last = path;
    const parts = this.parts;
    let same = 0;
    while (same < path.length && same < parts.length && path[same] === parts[same]) same++;
    parts.length = same;
    this.keys.length = same;
    this.hashes.length = same;
    let key = same === 0 ? '' : (this.keys[same - 1] as string);
    let h = same === 0 ? FNV_BASIS : (this.hashes[same - 1] as number);
    for (let i = same; i < path.length; i++) {
      const p = path[i] as string;
      parts.push(p);
      const seg = '/' + p;
      key += seg;
      h = fnvOn(h, seg);
      this.keys.push(key);
      this.hashes.push(h);
    }
    return this;
  }
}

/** FNV-1a over the path text: the negative-entry slot of an entity. */
function pathHash(key: string): number {
  return fnvOn(FNV_BASIS, key);
}

/** An entry of a level's LRU: its timestamps plus its place in the recency list. */
interface LruNode extends TsEntry {
  readonly key: string;
  /** pathHash(key), kept for the eviction's fold into the negative entry. */
  readonly hash: number;
  /** Towards the least / most recently used end (null at the ends). */
  older: LruNode | null;
  newer: LruNode | null;
}

/**
 * One level: an LRU array + misses. The LRU is a Map (key → entry) plus a doubly linked list
 * through the entries in recency order: a hit relinks two pointers instead of deleting and
 * re-inserting the key (which on a level of 100k entries dominated every lookup).
 */
class TsLevelCache {
  readonly lru = new Map<string, LruNode>();
  /** Least and most recently used entries. */
  private oldest: LruNode | null = null;
  private newest: LruNode | null = null;
  /** Negative entries, allocated on first use (slot → entry); an absent slot is all zero. */
  readonly misses = new Map<number, TsEntry>();
  evictions = 0;

  constructor(
    readonly capacity: number,
    readonly missSize: number,
    /** Container level: evicted entries fold into the table-wide entry instead. */
    readonly global: TsEntry | null,
  ) {}

  /** The negative entry of a key whose `pathHash` is `hash`. */
  negative(hash: number): TsEntry {
    if (this.global !== null) return this.global;
    const slot = hash & (this.missSize - 1);
    let e = this.misses.get(slot);
    if (e === undefined) {
      e = zero();
      this.misses.set(slot, e);
    }
    return e;
  }

  /** The cached entry (touched as most recently used), or undefined. */
  lookup(key: string): TsEntry | undefined {
    const e = this.lru.get(key);
    if (e !== undefined && e !== this.newest) {
      this.unlink(e);
      this.append(e);
    }
    return e;
  }

  private unlink(e: LruNode): void {
    if (e.older === null) this.oldest = e.newer;
    else e.older.newer = e.newer;
    if (e.newer === null) this.newest = e.older;
    else e.newer.older = e.older;
    e.older = e.newer = null;
  }

  private append(e: LruNode): void {
    e.older = this.newest;
    e.newer = null;
    if (this.newest === null) this.oldest = e;
    else this.newest.newer = e;
    this.newest = e;
  }

  /** vos_ts_evict_lru: the entry of `key`, allocating (and evicting the LRU one) if needed. */
  get(key: string, hash: number): TsEntry {
    const hit = this.lookup(key);
    if (hit !== undefined) return hit;
    if (this.lru.size >= this.capacity && this.oldest !== null) {
      const ve = this.oldest;
      this.unlink(ve);
      this.lru.delete(ve.key);
      fold(this.negative(ve.hash), ve); // ts_update_on_evict
      this.evictions++;
    }
    // One literal (one object shape for every entry; a spread would not give that).
    const e: LruNode = {
      rl: 0n,
      rlTx: 0,
      rh: 0n,
      rhTx: 0,
      wh: 0n,
      key,
      hash,
      older: null,
      newer: null,
    };
    fold(e, this.negative(hash));
    this.lru.set(key, e);
    this.append(e);
    return e;
  }

  /** The timestamps in force for `key` without allocating: its entry, else its negative one. */
  view(key: string, hash: number): TsEntry {
    return this.lookup(key) ?? this.negative(hash);
  }
}

export class TsCache {
  private levels: TsLevelCache[];
  /** tt_ts_rl / tt_ts_rh / tt_w_cache: where evicted container entries go. */
  private global = zero();
  private readonly paths = new PathKeys();

  constructor(readonly sizes: TsSizes = VOS_TS_SIZES) {
    this.levels = this.makeLevels();
  }

  private makeLevels(): TsLevelCache[] {
    const s = this.sizes;
    if (s.miss <= 0 || (s.miss & (s.miss - 1)) !== 0)
      throw derError('INVAL', `ts cache miss size ${s.miss} is not a power of 2`);
    return [
      new TsLevelCache(s.cont, 0, this.global),
      new TsLevelCache(s.obj, s.miss, null),
      new TsLevelCache(s.dkey, s.miss, null),
      new TsLevelCache(s.akey, s.miss, null),
    ];
  }

  private level(i: number): TsLevelCache {
    const l = this.levels[i];
    if (l === undefined) throw derError('INVAL', `ts path deeper than akey (${i})`);
    return l;
  }

  /**
   * vos_ts_set_update: a read at `epoch` by transaction `tx` of `path` (its last element is the
   * read level): levels above get the high timestamp, the read level both.
   */
  read(path: TsPath, epoch: bigint, tx: number): void {
    const { keys, hashes } = this.paths.of(path);
    for (let i = 0; i < keys.length; i++) {
      const e = this.level(i).get(keys[i] as string, hashes[i] as number);
      raiseRh(e, epoch, tx);
      if (i === keys.length - 1) raiseRl(e, epoch, tx);
    }
  }

  /**
   * vos_ts_set_check_conflict: a write at `epoch` by `tx` to the entity at the end of `path`.
   * Above the write level compare with the low timestamp, at it with the high one: conflict if
   * the read is later, or at the same epoch by another transaction → -DER_TX_RESTART. An entity
   * without a cached entry is checked against its negative entry (vos_ts_check_read_conflict).
   */
  checkWrite(path: TsPath, epoch: bigint, tx: number): void {
    const { keys, hashes } = this.paths.of(path);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      const e = this.level(i).view(key, hashes[i] as number);
      const last = i === keys.length - 1;
      const ts = last ? e.rh : e.rl;
      const rtx = last ? e.rhTx : e.rlTx;
      if (ts > epoch || (ts === epoch && rtx !== tx)) {
        throw derError('TX_RESTART', `read at ${ts} ≥ write at ${epoch} on ${key}`);
      }
    }
  }

  /** vos_ts_set_wupdate: a committed write at `epoch` below every level of `path`. */
  wrote(path: TsPath, epoch: bigint): void {
    const { keys, hashes } = this.paths.of(path);
    for (let i = 0; i < keys.length; i++) {
      const e = this.level(i).get(keys[i] as string, hashes[i] as number);
      if (epoch > e.wh) e.wh = epoch;
    }
  }

  /**
   * vos_ts_wcheck with bound = DAOS_EPOCH_MAX, as punch uses it: a punch below a later write
   * in the entity's subtree ("under-punch") → -DER_TX_RESTART.
   */
  checkUnderPunch(path: TsPath, epoch: bigint): void {
    const key = '/' + path.join('/');
    const e = this.level(path.length - 1).view(key, pathHash(key));
    if (e.wh > epoch) {
      throw derError('TX_RESTART', `punch at ${epoch} below a write at ${e.wh}`);
    }
  }

  /** For trace data: the timestamps in force for one entity (cached or negative entry). */
  peek(path: TsPath): { rl: string; rh: string; cached: boolean } | null {
    if (path.length === 0) return null;
    const key = '/' + path.join('/');
    const lv = this.level(path.length - 1);
    const cached = lv.lru.get(key);
    const e = cached ?? lv.negative(pathHash(key));
    return { rl: e.rl.toString(), rh: e.rh.toString(), cached: cached !== undefined };
  }

  /** Entries in use and evictions so far, per level (inspectors, tests). */
  stats(): { level: TsLevel; entries: number; capacity: number; evictions: number }[] {
    return this.levels.map((l, i) => ({
      level: TS_LEVELS[i] as TsLevel,
      entries: l.lru.size,
      capacity: l.capacity,
      evictions: l.evictions,
    }));
  }

  clear(): void {
    this.global = zero();
    this.levels = this.makeLevels();
  }
}
