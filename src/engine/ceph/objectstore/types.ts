/**
 * The ObjectStore contract the OSD is written against (FileStore and BlueStore implement it).
 *
 * `queueTransactions` returns at once — the calling PG thread goes on (spec §5.1 step 9: the
 * replicas were already sent to, the local write is queued) — and calls `onCommit` later, when
 * the transaction is durable (journal write / RocksDB WAL sync). Reads see every queued
 * transaction ("readable once queued" in BlueStore; FileStore reads wait for the apply).
 */
import type { Proc } from '../../core/sim.ts';
import type { Transaction } from './transaction.ts';

export type ObjectStoreKind = 'filestore' | 'bluestore';

export interface CommitHooks {
  /** OpTracker mark on the op that queued the transaction (FileStore journal events). */
  mark?(event: string): void;
  /** Runs once the transaction is durable. */
  onCommit(): void;
  /**
   * Runs once the transaction is applied (readable): FileStore's `onreadable` context, which
   * Hammer's `C_OSD_OnOpApplied` / `C_OSD_RepModifyApply` hang on. Only FileStore calls it.
   */
  onApplied?(): void;
}

export interface ObjectStat {
  readonly size: number;
}

export interface ObjectStore {
  readonly kind: ObjectStoreKind;
  queueTransactions(t: Transaction, hooks: CommitHooks): void;
  /** Read a byte range (clipped to the object size). Throws IoError ENOENT if absent. */
  read(coll: string, oid: string, off: number, len: number): Proc<Uint8Array>;
  /** The bytes as a read would return them now, without device latency (recovery push). */
  readSync(coll: string, oid: string, off: number, len: number): Uint8Array;
  stat(coll: string, oid: string): ObjectStat | undefined;
  getattr(coll: string, oid: string, name: string): Uint8Array | undefined;
  omapGet(coll: string, oid: string): ReadonlyMap<string, Uint8Array> | undefined;
  /** Object names in a collection, sorted. */
  list(coll: string): string[];
  /** The OSD process died: everything not yet durable is gone, callbacks never fire. */
  kill(): void;
  /** Restart: replay what was durable (journal / deferred WAL records). */
  mount(): Proc<void>;
  /** True when the device already holds this store (mounted at boot when kept from a run). */
  hasFilesystem(): boolean;
  /** Mount a kept device before the simulation starts; `writeDirect` bypasses the clock. */
  mountAtBoot(writeDirect: (lba: number, data: Uint8Array) => void): void;
  /** Blocks in use on the data device (for inspectors and tests). */
  readonly usedBlocks: number;
}
