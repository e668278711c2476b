/**
 * Which VOS object / dkey / akey / epoch an actor is working on, tracked from the data the VOS
 * steps carry (`vos_update_begin {oid, epoch, dkey}`, `dkey_update {dkey}`, `akey_update
 * {akey}`, `akey_update_begin {iod}` …). Effects such as `tree.insert` or `alloc` don't name the
 * key they serve; this context does.
 */
import type { TraceEvent } from '../../protocol/index.ts';
import type { Json } from '../../engine/trace/event.ts';
import { epochText, toBig } from './grow.ts';

export interface VosCtx {
  oid?: string;
  epoch?: bigint;
  dkey?: string;
  akey?: string;
}

type Rec = { [k: string]: Json };
const isRec = (v: Json | undefined): v is Rec =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `{iov_buf:"dkey_0", …}` or a plain string → the key text. */
export function iovText(v: Json | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (isRec(v)) {
    const b = v.iov_buf;
    if (typeof b === 'string') return b;
  }
  return undefined;
}

/** `{id_pub:{hi,lo}, id_shard}` → `hi.lo` (the way daos prints an oid), shard appended. */
export function oidText(v: Json | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (!isRec(v)) return undefined;
  const pub = isRec(v.id_pub) ? v.id_pub : v;
  const hi = pub.hi;
  const lo = pub.lo;
  if (typeof hi !== 'string' || typeof lo !== 'string') return undefined;
  const strip = (h: string): string => BigInt(h).toString(16);
  const shard = typeof v.id_shard === 'number' ? `.${v.id_shard}` : '';
  return `${strip(hi)}.${strip(lo)}${shard}`;
}

/** The steps that move an actor's context (every `case` below). */
export const VOS_CTX_STEPS = new Set([
  'vos_update_begin',
  'vos_fetch_begin',
  'vos_obj_punch',
  'dkey_update_begin',
  'dkey_update',
  'dkey_fetch',
  'akey_update_begin',
  'akey_update',
  'akey_fetch',
]);

export function updateVosCtx(ctxs: Map<string, VosCtx>, e: TraceEvent): VosCtx {
  let c = ctxs.get(e.actor);
  if (!c) {
    c = {};
    ctxs.set(e.actor, c);
  }
  // Step first: `data` is decoded only for the steps that move the context.
  if (e.phase === 'exit' || !VOS_CTX_STEPS.has(e.step)) return c;
  const d = e.data;
  if (!d) return c;
  switch (e.step) {
    case 'vos_update_begin':
    case 'vos_fetch_begin':
    case 'vos_obj_punch': {
      const oid = oidText(d.oid);
      if (oid !== undefined) c.oid = oid;
      const ep = toBig(d.epoch);
      if (ep !== undefined) c.epoch = ep;
      const dk = iovText(d.dkey);
      if (dk !== undefined) c.dkey = dk;
      delete c.akey;
      return c;
    }
    case 'dkey_update_begin':
    case 'dkey_update':
    case 'dkey_fetch': {
      const dk = iovText(d.dkey);
      if (dk !== undefined) c.dkey = dk;
      return c;
    }
    case 'akey_update_begin':
    case 'akey_update':
    case 'akey_fetch': {
      const iod = d.iod;
      const ak = iovText(d.akey) ?? (isRec(iod) ? iovText(iod.iod_name) : undefined);
      if (ak !== undefined) c.akey = ak;
      return c;
    }
    default:
      return c;
  }
}

export function describeCtx(c: VosCtx): string {
  const parts: string[] = [];
  if (c.oid !== undefined) parts.push(`obj ${c.oid}`);
  if (c.dkey !== undefined) parts.push(`dkey "${c.dkey}"`);
  if (c.akey !== undefined) parts.push(`akey "${c.akey}"`);
  if (c.epoch !== undefined) parts.push(`epoch ${epochText(c.epoch)}`);
  return parts.join(' · ');
}
