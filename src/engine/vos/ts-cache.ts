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

/**
 * The cache key of every level of a path ('/cont', '/cont/obj', …), memoized per path array:
 * an update checks and then records the same paths, and reusing the same key strings spares
 * building and hashing them again.
 */
const keysOfPath = new WeakMap<TsPath, string[]>();
function pathKeys(path: TsPath): string[] {
  let keys = keysOfPath.get(path);
  if (keys === undefined) {
    keys = [];
    let key = '';
    for (const p of path) keys.push((key += '/' + p));
    keysOfPath.set(path, keys);
  }
  return keys;
}

/** FNV-1a over the path text: the negative-entry slot of an entity. */
function pathHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** An entry of a level's LRU: its timestamps plus its place in the recency list. */
interface LruNode extends TsEntry {
  readonly key: string;
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

  negative(key: string): TsEntry {
    if (this.global !== null) return this.global;
    const slot = pathHash(key) & (this.missSize - 1);
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
  get(key: string): TsEntry {
    const hit = this.lookup(key);
    if (hit !== undefined) return hit;
    if (this.lru.size >= this.capacity && this.oldest !== null) {
      const ve = this.oldest;
      this.unlink(ve);
      this.lru.delete(ve.key);
      fold(this.negative(ve.key), ve); // ts_update_on_evict
      this.evictions++;
    }
    // One literal (one object shape for every entry; a spread would not give that).
    const e: LruNode = { rl: 0n, rlTx: 0, rh: 0n, rhTx: 0, wh: 0n, key, older: null, newer: null };
    fold(e, this.negative(key));
    this.lru.set(key, e);
    this.append(e);
    return e;
  }

  /** The timestamps in force for `key` without allocating: its entry, else its negative one. */
  view(key: string): TsEntry {
    return this.lookup(key) ?? this.negative(key);
  }
}

export class TsCache {
  private levels: TsLevelCache[];
  /** tt_ts_rl / tt_ts_rh / tt_w_cache: where evicted container entries go. */
  private global = zero();

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
    const keys = pathKeys(path);
    for (let i = 0; i < keys.length; i++) {
      const e = this.level(i).get(keys[i] as string);
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
    const keys = pathKeys(path);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      const e = this.level(i).view(key);
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
    const keys = pathKeys(path);
    for (let i = 0; i < keys.length; i++) {
      const e = this.level(i).get(keys[i] as string);
      if (epoch > e.wh) e.wh = epoch;
    }
  }

  /**
   * vos_ts_wcheck with bound = DAOS_EPOCH_MAX, as punch uses it: a punch below a later write
   * in the entity's subtree ("under-punch") → -DER_TX_RESTART.
   */
  checkUnderPunch(path: TsPath, epoch: bigint): void {
    const key = '/' + path.join('/');
    const e = this.level(path.length - 1).view(key);
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
    const e = cached ?? lv.negative(key);
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
