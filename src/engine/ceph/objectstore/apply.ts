/**
 * Applying transaction ops to a table of onodes: the part FileStore's `_do_transactions` and
 * BlueStore's `_txc_add_transaction` have in common. Data writes come back as block writes
 * the caller issues on its device (FileStore: at once in the apply thread; BlueStore: as
 * direct aio or deferred WAL records).
 */
import { NVME_BLOCK } from '../../media/types.ts';
import type { Transaction } from './transaction.ts';
import {
  type BlockAllocator,
  type BlockWrite,
  type Onode,
  newOnode,
  planWrite,
  truncateOnode,
} from './onode.ts';

/**
 * The onodes of a store by collection, then object name. Two levels (not one `coll/oid`
 * string key) so a lookup hashes the object name the message already carries instead of
 * building and hashing a new string on every access.
 */
export class ObjectTable {
  private readonly colls = new Map<string, Map<string, Onode>>();
  /** BlueStore's KV key prefixes per object (`O<coll>/<oid>`, `M<coll>/<oid>\0`), built once. */
  private readonly kvNames = new Map<string, Map<string, KvNames>>();

  static key(coll: string, oid: string): string {
    return `${coll}/${oid}`;
  }

  get(coll: string, oid: string): Onode | undefined {
    return this.colls.get(coll)?.get(oid);
  }

  /** The onode, created empty if absent (`touch`). */
  obtain(coll: string, oid: string): Onode {
    let c = this.colls.get(coll);
    if (!c) {
      c = new Map();
      this.colls.set(coll, c);
    }
    let o = c.get(oid);
    if (!o) {
      o = newOnode();
      c.set(oid, o);
    }
    return o;
  }

  set(coll: string, oid: string, o: Onode): void {
    let c = this.colls.get(coll);
    if (!c) {
      c = new Map();
      this.colls.set(coll, c);
    }
    c.set(oid, o);
  }

  delete(coll: string, oid: string): void {
    this.colls.get(coll)?.delete(oid);
  }

  clear(): void {
    this.colls.clear();
  }

  /** Every onode with its collection and name (table commits and fsck). */
  *entries(): Generator<[coll: string, oid: string, onode: Onode]> {
    for (const [coll, c] of this.colls) for (const [oid, o] of c) yield [coll, oid, o];
  }

  list(coll: string): string[] {
    const c = this.colls.get(coll);
    return c ? [...c.keys()].sort() : [];
  }

  /** BlueStore KV key prefixes of one object. */
  kvNamesOf(coll: string, oid: string): KvNames {
    let c = this.kvNames.get(coll);
    if (!c) {
      c = new Map();
      this.kvNames.set(coll, c);
    }
    let n = c.get(oid);
    if (!n) {
      const k = ObjectTable.key(coll, oid);
      n = { onode: `O${k}`, omapBase: `M${k}\u0000` };
      c.set(oid, n);
    }
    return n;
  }
}

export interface KvNames {
  /** The onode's key. */
  readonly onode: string;
  /** The omap keys' common prefix (the omap key follows). */
  readonly omapBase: string;
}

/** Split a `coll/oid` key (collection names never contain '/'; object names may). */
export function splitObjectKey(k: string): [coll: string, oid: string] {
  const i = k.indexOf('/');
  return [k.slice(0, i), k.slice(i + 1)];
}

export interface ApplyResult {
  writes: BlockWrite[];
  freed: number[];
}

/** Apply every op of `t` to `table`; returns the device block writes and the freed LBAs. */
export function applyTransaction(
  table: ObjectTable,
  t: Transaction,
  alloc: BlockAllocator,
  peek: (lba: number) => Uint8Array,
): ApplyResult {
  const writes: BlockWrite[] = [];
  const freed: number[] = [];
  const coll = t.coll;
  // Blocks written earlier in this transaction are not on the device yet: read them here.
  let local: Map<number, Uint8Array> | undefined;
  const peekLocal = (lba: number): Uint8Array => local?.get(lba) ?? peek(lba);
  for (const op of t.ops) {
    switch (op.op) {
      case 'touch':
        table.obtain(coll, op.oid);
        break;
      case 'write':
      case 'zero': {
        const data = op.op === 'write' ? op.data : new Uint8Array(op.len);
        const ws = planWrite(table.obtain(coll, op.oid), op.off, data, alloc, peekLocal);
        for (const w of ws) {
          writes.push(w);
          (local ??= new Map()).set(w.lba, w.data);
        }
        break;
      }
      case 'truncate': {
        const o = table.obtain(coll, op.oid);
        const shrink = op.size < o.size;
        for (const l of truncateOnode(o, op.size)) freed.push(l);
        // The kept part of the last block is zeroed past the new end (a later extension
        // must read zeros there, not the old bytes).
        const tail = op.size % NVME_BLOCK;
        const lba = o.blocks.get(Math.floor(op.size / NVME_BLOCK));
        if (shrink && tail !== 0 && lba !== undefined) {
          const buf = peekLocal(lba).slice();
          buf.fill(0, tail);
          writes.push({ lba, data: buf, fresh: false });
          (local ??= new Map()).set(lba, buf);
        }
        break;
      }
      case 'remove': {
        const o = table.get(coll, op.oid);
        if (o) for (const l of o.blocks.values()) freed.push(l);
        table.delete(coll, op.oid);
        break;
      }
      case 'setattrs': {
        const o = table.obtain(coll, op.oid);
        for (const k in op.attrs) o.attrs.set(k, op.attrs[k] as Uint8Array);
        break;
      }
      case 'omap_setkeys': {
        const o = table.obtain(coll, op.oid);
        for (const k in op.kv) o.omap.set(k, op.kv[k] as Uint8Array);
        break;
      }
      case 'omap_rmkeys': {
        const o = table.obtain(coll, op.oid);
        for (const k of op.keys) o.omap.delete(k);
        break;
      }
      case 'set_alloc_hint':
        table.obtain(coll, op.oid).allocHint = {
          objectSize: op.objectSize,
          writeSize: op.writeSize,
        };
        break;
    }
  }
  // A block written twice in one transaction: keep only the last image of it.
  if (writes.length > 1) {
    const last = new Map<number, BlockWrite>();
    for (const w of writes) {
      const prev = last.get(w.lba);
      last.set(w.lba, prev && prev.fresh ? { ...w, fresh: true } : w);
    }
    return { writes: [...last.values()], freed };
  }
  return { writes, freed };
}
