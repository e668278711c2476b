/**
 * Applying transaction ops to a table of onodes: the part FileStore's `_do_transactions` and
 * BlueStore's `_txc_add_transaction` have in common. Data writes come back as block writes
 * the caller issues on its device (FileStore: at once in the apply thread; BlueStore: as
 * direct aio or deferred WAL records).
 */
import type { Transaction } from './transaction.ts';
import {
  type BlockAllocator,
  type BlockWrite,
  type Onode,
  newOnode,
  planWrite,
  truncateOnode,
} from './onode.ts';

export class ObjectTable {
  readonly objects = new Map<string, Onode>();

  static key(coll: string, oid: string): string {
    return `${coll}/${oid}`;
  }

  get(coll: string, oid: string): Onode | undefined {
    return this.objects.get(ObjectTable.key(coll, oid));
  }

  list(coll: string): string[] {
    const prefix = `${coll}/`;
    const out: string[] = [];
    for (const k of this.objects.keys()) if (k.startsWith(prefix)) out.push(k.slice(prefix.length));
    return out.sort();
  }
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
  // Blocks written earlier in this transaction are not on the device yet: read them here.
  const local = new Map<number, Uint8Array>();
  const peekLocal = (lba: number): Uint8Array => local.get(lba) ?? peek(lba);
  const push = (ws: BlockWrite[]): void => {
    for (const w of ws) {
      writes.push(w);
      local.set(w.lba, w.data);
    }
  };
  const obj = (oid: string): Onode => {
    const k = ObjectTable.key(t.coll, oid);
    let o = table.objects.get(k);
    if (!o) {
      o = newOnode();
      table.objects.set(k, o);
    }
    return o;
  };
  for (const op of t.ops) {
    switch (op.op) {
      case 'touch':
        obj(op.oid);
        break;
      case 'write':
        push(planWrite(obj(op.oid), op.off, op.data, alloc, peekLocal));
        break;
      case 'zero': {
        const o = obj(op.oid);
        push(planWrite(o, op.off, new Uint8Array(op.len), alloc, peekLocal));
        break;
      }
      case 'truncate':
        for (const l of truncateOnode(obj(op.oid), op.size)) freed.push(l);
        break;
      case 'remove': {
        const k = ObjectTable.key(t.coll, op.oid);
        const o = table.objects.get(k);
        if (o) for (const l of o.blocks.values()) freed.push(l);
        table.objects.delete(k);
        break;
      }
      case 'setattrs': {
        const o = obj(op.oid);
        for (const [k, v] of Object.entries(op.attrs)) o.attrs.set(k, v);
        break;
      }
      case 'omap_setkeys': {
        const o = obj(op.oid);
        for (const [k, v] of Object.entries(op.kv)) o.omap.set(k, v);
        break;
      }
      case 'omap_rmkeys': {
        const o = obj(op.oid);
        for (const k of op.keys) o.omap.delete(k);
        break;
      }
      case 'set_alloc_hint':
        obj(op.oid).allocHint = { objectSize: op.objectSize, writeSize: op.writeSize };
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
