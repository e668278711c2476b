/**
 * `crush_do_rule` with `crush_choose_firstn` / `crush_choose_indep` (spec §4.5–4.7),
 * Pacific semantics (chooseleaf_vary_r, chooseleaf_stable, per-bucket perm work).
 *
 * The C code threads raw pointers into three scratch vectors (a, b, c); here each
 * sub-vector is an array plus an offset, which keeps the collision scans (`out[0..outpos)`
 * relative to the sub-vector start) exactly as in C.
 */
import { crushHash32_2 } from '../hash/rjenkins.ts';
import {
  bucketChoose,
  bucketPermChoose,
  newPermWork,
  type PermSource,
  type PermWork,
} from './buckets.ts';
import {
  CRUSH_BUCKET_UNIFORM,
  CRUSH_ITEM_NONE,
  CRUSH_ITEM_UNDEF,
  DEFAULT_CHOOSE_ARGS,
  type ChooseArg,
  type CrushBucket,
  type CrushMap,
} from './types.ts';

/** Device reweight vector: 16.16, 0x10000 = fully in, 0 = out (length = weight_max). */
export type WeightVector = ArrayLike<number>;

/**
 * What a traced mapping reports, in the order the C code does it (for the animation and
 * for teaching: spec §4.6's worked example is exactly this stream). Untraced mappings pass
 * no observer and pay one null check per event site.
 */
export type CrushEvent =
  | { kind: 'step'; index: number; op: string; arg1: number; arg2: number }
  | {
      kind: 'choose_begin';
      mode: 'firstn' | 'indep';
      bucket: number;
      numrep: number;
      type: number;
      leaf: boolean;
      outpos: number;
      parentR: number;
    }
  | { kind: 'choose_end'; mode: 'firstn' | 'indep'; bucket: number; out: number[] }
  | { kind: 'bucket_choose'; bucket: number; r: number; item: number }
  | {
      kind: 'reject';
      item: number;
      reason: 'collide' | 'out' | 'no_leaf' | 'bad_item';
      ftotal: number;
    }
  | { kind: 'emit'; items: number[] };

export type CrushObserver = (e: CrushEvent) => void;

/** A mapping's working state for one `crush_do_rule` call. */
class Work implements PermSource {
  private perms: Map<number, PermWork> | undefined;
  constructor(
    readonly map: CrushMap,
    readonly weight: WeightVector,
    readonly x: number,
    readonly obs: CrushObserver | undefined,
    /** choose_args of this mapping by bucket id (undefined: none). */
    readonly args: Map<number, ChooseArg> | undefined,
  ) {}

  permWork(b: CrushBucket): PermWork {
    const perms = (this.perms ??= new Map<number, PermWork>());
    let w = perms.get(b.id);
    if (w === undefined) {
      w = newPermWork(b.items.length);
      perms.set(b.id, w);
    }
    return w;
  }

  bucket(item: number): CrushBucket | undefined {
    return this.map.buckets[-1 - item];
  }

  /** `is_out`: reweight test for a device, with probability weight/0x10000 of staying in. */
  isOut(item: number): boolean {
    if (item >= this.weight.length) return true;
    const w = this.weight[item]!;
    if (w >= 0x10000) return false;
    if (w === 0) return true;
    return (crushHash32_2(this.x, item) & 0xffff) >= w;
  }
}

/** Array + base offset: a C pointer into a scratch vector. */
interface Vec {
  a: number[];
  off: number;
}

function chooseFirstn(
  wk: Work,
  bucket: CrushBucket,
  numrep: number,
  type: number,
  out: Vec,
  outposIn: number,
  outSize: number,
  tries: number,
  recurseTries: number,
  localRetries: number,
  localFallbackRetries: number,
  recurseToLeaf: boolean,
  varyR: number,
  stable: number,
  out2: Vec | null,
  parentR: number,
): number {
  const map = wk.map;
  const x = wk.x;
  let outpos = outposIn;
  let count = outSize;
  let item = 0;
  const obs = wk.obs;
  if (obs)
    obs({
      kind: 'choose_begin',
      mode: 'firstn',
      bucket: bucket.id,
      numrep,
      type,
      leaf: recurseToLeaf,
      outpos,
      parentR,
    });
  for (let rep = stable ? 0 : outpos; rep < numrep && count > 0; rep++) {
    let ftotal = 0;
    let skipRep = false;
    let retryDescent: boolean;
    do {
      retryDescent = false;
      let inb = bucket;
      let flocal = 0;
      let retryBucket: boolean;
      do {
        let collide = false;
        retryBucket = false;
        const r = rep + parentR + ftotal;
        let reject = false;
        if (inb.items.length === 0) {
          reject = true;
        } else {
          if (
            localFallbackRetries > 0 &&
            flocal >= inb.items.length >> 1 &&
            flocal > localFallbackRetries
          )
            item = bucketPermChoose(inb, wk.permWork(inb), x, r);
          else item = bucketChoose(inb, wk, x, r, wk.args?.get(inb.id), outpos);
          if (obs) obs({ kind: 'bucket_choose', bucket: inb.id, r, item });
          if (item >= map.maxDevices) {
            if (obs) obs({ kind: 'reject', item, reason: 'bad_item', ftotal });
            skipRep = true;
            break;
          }
          const sub = item < 0 ? wk.bucket(item) : undefined;
          const itemtype = sub ? sub.type : 0;
          if (item < 0 && sub === undefined) {
            // A dangling bucket id: C would read map->buckets[-1-item]; treat as bad item.
            skipRep = true;
            break;
          }
          if (itemtype !== type) {
            if (item >= 0 || sub === undefined) {
              skipRep = true;
              break;
            }
            inb = sub;
            retryBucket = true;
            continue;
          }
          for (let i = 0; i < outpos; i++) {
            if (out.a[out.off + i] === item) {
              collide = true;
              break;
            }
          }
          if (!collide && recurseToLeaf) {
            if (item < 0) {
              const subR = varyR ? r >> (varyR - 1) : 0;
              if (
                chooseFirstn(
                  wk,
                  sub!,
                  stable ? 1 : outpos + 1,
                  0,
                  out2!,
                  outpos,
                  count,
                  recurseTries,
                  0,
                  localRetries,
                  localFallbackRetries,
                  false,
                  varyR,
                  stable,
                  null,
                  subR,
                ) <= outpos
              )
                reject = true;
            } else {
              out2!.a[out2!.off + outpos] = item;
            }
          }
          if (!reject && !collide && itemtype === 0) reject = wk.isOut(item);
        }
        if (reject || collide) {
          if (obs) {
            const reason = collide
              ? 'collide'
              : item < 0 || inb.items.length === 0
                ? 'no_leaf'
                : 'out';
            obs({ kind: 'reject', item, reason, ftotal });
          }
          ftotal++;
          flocal++;
          if (collide && flocal <= localRetries) retryBucket = true;
          else if (localFallbackRetries > 0 && flocal <= inb.items.length + localFallbackRetries)
            retryBucket = true;
          else if (ftotal < tries) retryDescent = true;
          else skipRep = true;
        }
      } while (retryBucket);
    } while (retryDescent);
    if (skipRep) continue;
    out.a[out.off + outpos] = item;
    outpos++;
    count--;
  }
  if (obs)
    obs({
      kind: 'choose_end',
      mode: 'firstn',
      bucket: bucket.id,
      out: out.a.slice(out.off, out.off + outpos),
    });
  return outpos;
}

function chooseIndep(
  wk: Work,
  bucket: CrushBucket,
  leftIn: number,
  numrep: number,
  type: number,
  out: Vec,
  outpos: number,
  tries: number,
  recurseTries: number,
  recurseToLeaf: boolean,
  out2: Vec | null,
  parentR: number,
): void {
  const map = wk.map;
  const x = wk.x;
  let left = leftIn;
  const endpos = outpos + left;
  const o = out.a;
  const oo = out.off;
  const obs = wk.obs;
  if (obs)
    obs({
      kind: 'choose_begin',
      mode: 'indep',
      bucket: bucket.id,
      numrep,
      type,
      leaf: recurseToLeaf,
      outpos,
      parentR,
    });
  for (let rep = outpos; rep < endpos; rep++) {
    o[oo + rep] = CRUSH_ITEM_UNDEF;
    if (out2) out2.a[out2.off + rep] = CRUSH_ITEM_UNDEF;
  }
  for (let ftotal = 0; left > 0 && ftotal < tries; ftotal++) {
    for (let rep = outpos; rep < endpos; rep++) {
      if (o[oo + rep] !== CRUSH_ITEM_UNDEF) continue;
      let inb = bucket;
      for (;;) {
        let r = rep + parentR;
        // Uniform buckets whose size is a multiple of numrep would cycle: use n+1.
        if (inb.alg === CRUSH_BUCKET_UNIFORM && inb.items.length % numrep === 0)
          r += (numrep + 1) * ftotal;
        else r += numrep * ftotal;
        if (inb.items.length === 0) break;
        const item = bucketChoose(inb, wk, x, r, wk.args?.get(inb.id), outpos);
        if (obs) obs({ kind: 'bucket_choose', bucket: inb.id, r, item });
        if (item >= map.maxDevices) {
          o[oo + rep] = CRUSH_ITEM_NONE;
          if (out2) out2.a[out2.off + rep] = CRUSH_ITEM_NONE;
          left--;
          break;
        }
        const sub = item < 0 ? wk.bucket(item) : undefined;
        const itemtype = sub ? sub.type : 0;
        if (itemtype !== type) {
          if (item >= 0 || sub === undefined) {
            o[oo + rep] = CRUSH_ITEM_NONE;
            if (out2) out2.a[out2.off + rep] = CRUSH_ITEM_NONE;
            left--;
            break;
          }
          inb = sub;
          continue;
        }
        let collide = false;
        for (let i = outpos; i < endpos; i++) {
          if (o[oo + i] === item) {
            collide = true;
            break;
          }
        }
        if (collide) {
          if (obs) obs({ kind: 'reject', item, reason: 'collide', ftotal });
          break;
        }
        if (recurseToLeaf) {
          if (item < 0) {
            chooseIndep(wk, sub!, 1, numrep, 0, out2!, rep, recurseTries, 0, false, null, r);
            if (out2!.a[out2!.off + rep] === CRUSH_ITEM_NONE) {
              if (obs) obs({ kind: 'reject', item, reason: 'no_leaf', ftotal });
              break;
            }
          } else {
            out2!.a[out2!.off + rep] = item;
          }
        }
        if (itemtype === 0 && wk.isOut(item)) {
          if (obs) obs({ kind: 'reject', item, reason: 'out', ftotal });
          break;
        }
        o[oo + rep] = item;
        left--;
        break;
      }
    }
  }
  for (let rep = outpos; rep < endpos; rep++) {
    if (o[oo + rep] === CRUSH_ITEM_UNDEF) o[oo + rep] = CRUSH_ITEM_NONE;
    if (out2 && out2.a[out2.off + rep] === CRUSH_ITEM_UNDEF)
      out2.a[out2.off + rep] = CRUSH_ITEM_NONE;
  }
  if (obs)
    obs({
      kind: 'choose_end',
      mode: 'indep',
      bucket: bucket.id,
      out: o.slice(oo + outpos, oo + endpos),
    });
}

/**
 * `choose_args_get_with_fallback(index)`: the pool's choose_args map, else the default
 * (-1) one, else none — indexed by bucket id for the mapper.
 */
function resolveChooseArgs(map: CrushMap, index: number): Map<number, ChooseArg> | undefined {
  const ca = map.chooseArgs;
  if (!ca || ca.size === 0) return undefined;
  const list = ca.get(index) ?? ca.get(DEFAULT_CHOOSE_ARGS);
  if (!list) return undefined;
  const byBucket = new Map<number, ChooseArg>();
  for (const a of list) byBucket.set(a.bucketId, a);
  return byBucket;
}

/**
 * `crush_do_rule(map, ruleno, x, result, result_max, weight, weight_max)`.
 * Returns the result vector (length <= resultMax); indep rules may contain CRUSH_ITEM_NONE.
 * An unknown rule id gives an empty result, as in C.
 */
export function crushDoRule(
  map: CrushMap,
  ruleno: number,
  x: number,
  resultMax: number,
  weight: WeightVector,
  observe?: CrushObserver,
  chooseArgsIndex: number = DEFAULT_CHOOSE_ARGS,
): number[] {
  const rule = map.rules[ruleno];
  const result: number[] = [];
  if (rule === undefined || resultMax <= 0) return result;
  x |= 0;
  const wk = new Work(map, weight, x, observe, resolveChooseArgs(map, chooseArgsIndex));
  const t = map.tunables;
  let chooseTries = t.choose_total_tries + 1;
  let chooseLeafTries = 0;
  let localRetries = t.choose_local_tries;
  let localFallbackRetries = t.choose_local_fallback_tries;
  let varyR = t.chooseleaf_vary_r;
  let stable = t.chooseleaf_stable;

  let w: number[] = new Array<number>(resultMax).fill(0);
  let o: number[] = new Array<number>(resultMax).fill(0);
  const c: number[] = new Array<number>(resultMax).fill(0);
  let wsize = 0;

  for (let si = 0; si < rule.steps.length; si++) {
    const step = rule.steps[si]!;
    if (observe)
      observe({ kind: 'step', index: si, op: step.op, arg1: step.arg1, arg2: step.arg2 });
    switch (step.op) {
      case 'take': {
        const a = step.arg1;
        if ((a >= 0 && a < map.maxDevices) || (a < 0 && map.buckets[-1 - a] !== undefined)) {
          w[0] = a;
          wsize = 1;
        }
        break;
      }
      case 'set_choose_tries':
        if (step.arg1 > 0) chooseTries = step.arg1;
        break;
      case 'set_chooseleaf_tries':
        if (step.arg1 > 0) chooseLeafTries = step.arg1;
        break;
      case 'set_choose_local_tries':
        if (step.arg1 >= 0) localRetries = step.arg1;
        break;
      case 'set_choose_local_fallback_tries':
        if (step.arg1 >= 0) localFallbackRetries = step.arg1;
        break;
      case 'set_chooseleaf_vary_r':
        if (step.arg1 >= 0) varyR = step.arg1;
        break;
      case 'set_chooseleaf_stable':
        if (step.arg1 >= 0) stable = step.arg1;
        break;
      case 'choose_firstn':
      case 'chooseleaf_firstn':
      case 'choose_indep':
      case 'chooseleaf_indep': {
        const firstn = step.op === 'choose_firstn' || step.op === 'chooseleaf_firstn';
        if (wsize === 0) break;
        const recurseToLeaf = step.op === 'chooseleaf_firstn' || step.op === 'chooseleaf_indep';
        let osize = 0;
        for (let i = 0; i < wsize; i++) {
          let numrep = step.arg1;
          if (numrep <= 0) {
            numrep += resultMax;
            if (numrep <= 0) continue;
          }
          const wi = w[i]!;
          const b = wi < 0 ? map.buckets[-1 - wi] : undefined;
          if (b === undefined) continue; // probably CRUSH_ITEM_NONE or a device
          if (firstn) {
            const recurseTries = chooseLeafTries
              ? chooseLeafTries
              : t.chooseleaf_descend_once
                ? 1
                : chooseTries;
            osize += chooseFirstn(
              wk,
              b,
              numrep,
              step.arg2,
              { a: o, off: osize },
              0,
              resultMax - osize,
              chooseTries,
              recurseTries,
              localRetries,
              localFallbackRetries,
              recurseToLeaf,
              varyR,
              stable,
              { a: c, off: osize },
              0,
            );
          } else {
            const outSize = numrep < resultMax - osize ? numrep : resultMax - osize;
            chooseIndep(
              wk,
              b,
              outSize,
              numrep,
              step.arg2,
              { a: o, off: osize },
              0,
              chooseTries,
              chooseLeafTries ? chooseLeafTries : 1,
              recurseToLeaf,
              { a: c, off: osize },
              0,
            );
            osize += outSize;
          }
        }
        if (recurseToLeaf) for (let k = 0; k < osize; k++) o[k] = c[k]!;
        const tmp = o;
        o = w;
        w = tmp;
        wsize = osize;
        break;
      }
      case 'emit':
        if (observe) observe({ kind: 'emit', items: w.slice(0, wsize) });
        for (let i = 0; i < wsize && result.length < resultMax; i++) result.push(w[i]!);
        wsize = 0;
        break;
      case 'noop':
        break;
    }
  }
  return result;
}
