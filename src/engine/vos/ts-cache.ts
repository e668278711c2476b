/**
 * Timestamp cache (vos_ts.c, spec §7.8): per entity (container, object, dkey, akey) the read
 * timestamps `rl` (the whole subtree was read at this epoch) and `rh` (something below was read),
 * each with the reader's transaction id. DRAM only: lost (re-initialised) on restart.
 *
 * Deviation (README): no LRU capacity limits and no negative-entry hashing — every path gets an
 * entry, which is what an LRU that never evicts would give.
 */
import { derError } from '../core/errors.ts';

export type TsLevel = 'cont' | 'obj' | 'dkey' | 'akey';

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

export class TsCache {
  private readonly map = new Map<string, TsEntry>();

  private entry(key: string): TsEntry {
    let e = this.map.get(key);
    if (!e) {
      e = { rl: 0n, rlTx: 0, rh: 0n, rhTx: 0, wh: 0n };
      this.map.set(key, e);
    }
    return e;
  }

  /**
   * vos_ts_set_update: a read at `epoch` by transaction `tx` of `path` (its last element is the
   * read level): levels above get the high timestamp, the read level both.
   */
  read(path: TsPath, epoch: bigint, tx: number): void {
    let key = '';
    path.forEach((p, i) => {
      key += '/' + p;
      const e = this.entry(key);
      if (epoch > e.rh) {
        e.rh = epoch;
        e.rhTx = tx;
      }
      if (i === path.length - 1 && epoch > e.rl) {
        e.rl = epoch;
        e.rlTx = tx;
      }
    });
  }

  /**
   * vos_ts_set_check_conflict: a write at `epoch` by `tx` to the entity at the end of `path`.
   * Above the write level compare with the low timestamp, at it with the high one: conflict if
   * the read is later, or at the same epoch by another transaction → -DER_TX_RESTART.
   */
  checkWrite(path: TsPath, epoch: bigint, tx: number): void {
    let key = '';
    path.forEach((p, i) => {
      key += '/' + p;
      const e = this.map.get(key);
      if (!e) return;
      const last = i === path.length - 1;
      const ts = last ? e.rh : e.rl;
      const rtx = last ? e.rhTx : e.rlTx;
      if (ts > epoch || (ts === epoch && rtx !== tx)) {
        throw derError('TX_RESTART', `read at ${ts} ≥ write at ${epoch} on ${key}`);
      }
    });
  }

  /** vos_ts_set_wupdate: a committed write at `epoch` below every level of `path`. */
  wrote(path: TsPath, epoch: bigint): void {
    let key = '';
    for (const p of path) {
      key += '/' + p;
      const e = this.entry(key);
      if (epoch > e.wh) e.wh = epoch;
    }
  }

  /**
   * vos_ts_wcheck with bound = DAOS_EPOCH_MAX, as punch uses it: a punch below a later write
   * in the entity's subtree ("under-punch") → -DER_TX_RESTART.
   */
  checkUnderPunch(path: TsPath, epoch: bigint): void {
    const e = this.map.get('/' + path.join('/'));
    if (e !== undefined && e.wh > epoch) {
      throw derError('TX_RESTART', `punch at ${epoch} below a write at ${e.wh}`);
    }
  }

  /** For trace data: the timestamps of one entity. */
  peek(path: TsPath): { rl: string; rh: string } | null {
    const e = this.map.get('/' + path.join('/'));
    return e ? { rl: e.rl.toString(), rh: e.rh.toString() } : null;
  }

  clear(): void {
    this.map.clear();
  }
}
