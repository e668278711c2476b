/**
 * ObjectStore::Transaction: the ordered list of low-level mutations an OSD hands to its store
 * (spec §5.1 step 7, §6.3 step 3). The PG turns client OSDOps plus the PG-log/info update
 * into one of these; replicas receive the same transaction encoded in MOSDRepOp.
 */
import type { Json } from '../../trace/event.ts';
import { IdentityRing } from '../identity-ring.ts';

export type TxOp =
  | { op: 'touch'; oid: string }
  | { op: 'write'; oid: string; off: number; data: Uint8Array }
  | { op: 'zero'; oid: string; off: number; len: number }
  | { op: 'truncate'; oid: string; size: number }
  | { op: 'remove'; oid: string }
  | { op: 'setattrs'; oid: string; attrs: Record<string, Uint8Array> }
  | { op: 'omap_setkeys'; oid: string; kv: Record<string, Uint8Array> }
  | { op: 'omap_rmkeys'; oid: string; keys: string[] }
  | { op: 'set_alloc_hint'; oid: string; objectSize: number; writeSize: number };

export interface Transaction {
  /** The collection (PG) the ops apply to, e.g. `2.b_head`. */
  readonly coll: string;
  readonly ops: TxOp[];
}

export function newTransaction(coll: string): Transaction {
  return { coll, ops: [] };
}

/** Payload bytes in a transaction (what the journal / WAL has to carry). */
export function txBytes(t: Transaction): number {
  let n = 0;
  for (const o of t.ops) {
    n += 32;
    if (o.op === 'write') n += o.data.length;
    else if (o.op === 'setattrs' || o.op === 'omap_setkeys') {
      const m = o.op === 'setattrs' ? o.attrs : o.kv;
      for (const k in m) n += k.length + (m[k]?.length ?? 0);
    }
  }
  return n;
}

/**
 * Trace views are built once per transaction (a primary's transaction is traced 4-5 times,
 * within a short span): the last few are remembered by identity (not in a WeakMap, whose
 * entry per transaction is ephemeron work in every young-generation GC).
 */
const txJsonCache = new IdentityRing<Transaction, Json>(64);

/** A compact trace view: op names with the fields a debugger would show. */
export function txJson(t: Transaction): Json {
  return txJsonCache.get(t, buildTxJson);
}

function buildTxJson(t: Transaction): Json {
  return {
    coll: t.coll,
    ops: t.ops.map((o): Json => {
      switch (o.op) {
        case 'write':
          return { op: 'write', oid: o.oid, off: o.off, len: o.data.length };
        case 'setattrs':
          return { op: 'setattrs', oid: o.oid, keys: Object.keys(o.attrs) };
        case 'omap_setkeys':
          return { op: 'omap_setkeys', oid: o.oid, keys: Object.keys(o.kv) };
        case 'omap_rmkeys':
          return { op: 'omap_rmkeys', oid: o.oid, keys: o.keys };
        case 'zero':
          return { op: 'zero', oid: o.oid, off: o.off, len: o.len };
        case 'truncate':
          return { op: 'truncate', oid: o.oid, size: o.size };
        case 'set_alloc_hint':
          return { op: 'set_alloc_hint', oid: o.oid, object_size: o.objectSize };
        default:
          return { op: o.op, oid: o.oid };
      }
    }),
  };
}
