/**
 * Bucket algorithms: `crush_bucket_choose` for uniform / list / tree / straw / straw2
 * (mapper.c) and the derived fields their builders compute (builder.c): list running sums,
 * tree node weights, straw lengths (`crush_calc_straw`, both straw_calc_version 0 and 1).
 * Written from the spec (§4.3) and a reading of Ceph's mapper.c/builder.c.
 */
import { crushHash32_3, crushHash32_4 } from '../hash/rjenkins.ts';
import { divTrunc, straw2Ln } from './ln.ts';
import {
  CRUSH_BUCKET_LIST,
  CRUSH_BUCKET_STRAW,
  CRUSH_BUCKET_STRAW2,
  CRUSH_BUCKET_TREE,
  CRUSH_BUCKET_UNIFORM,
  type ChooseArg,
  type CrushBucket,
} from './types.ts';

/**
 * Per-bucket scratch of one `crush_do_rule` call (`struct crush_work_bucket`): the lazily
 * built random permutation used by uniform buckets and the local-fallback search.
 */
export interface PermWork {
  permX: number;
  permN: number;
  perm: number[];
}

export function newPermWork(size: number): PermWork {
  return { permX: 0, permN: 0, perm: new Array<number>(size).fill(0) };
}

/** `bucket_perm_choose`: the r-th element of a permutation of the bucket seeded by x. */
export function bucketPermChoose(b: CrushBucket, work: PermWork, x: number, r: number): number {
  const size = b.items.length;
  const pr = (r >>> 0) % size;
  let s: number;
  if (work.permX !== x >>> 0 || work.permN === 0) {
    work.permX = x >>> 0;
    if (pr === 0) {
      // The common r = 0 case: one hash, and a marker so a later r > 0 can finish the job.
      s = crushHash32_3(x, b.id, 0) % size;
      work.perm[0] = s;
      work.permN = 0xffff;
      return b.items[s]!;
    }
    for (let i = 0; i < size; i++) work.perm[i] = i;
    work.permN = 0;
  } else if (work.permN === 0xffff) {
    // Expand the r = 0 shortcut into the first step of the full permutation.
    for (let i = 1; i < size; i++) work.perm[i] = i;
    work.perm[work.perm[0]!] = 0;
    work.permN = 1;
  }
  while (work.permN <= pr) {
    const p = work.permN;
    if (p < size - 1) {
      const i = crushHash32_3(x, b.id, p) % (size - p);
      if (i !== 0) {
        const t = work.perm[p + i]!;
        work.perm[p + i] = work.perm[p]!;
        work.perm[p] = t;
      }
    }
    work.permN++;
  }
  s = work.perm[pr]!;
  return b.items[s]!;
}

/** `bucket_list_choose`: walk from the tail, accept item i with probability w[i]/sum[i]. */
function listChoose(b: CrushBucket, x: number, r: number): number {
  for (let i = b.items.length - 1; i >= 0; i--) {
    const w = crushHash32_4(x, b.items[i]!, r, b.id) & 0xffff;
    // (w * sum_weights[i]) >> 16 in u64: both factors < 2^32 and 2^16 → < 2^48, exact.
    const scaled = Math.floor((w * b.sumWeights[i]!) / 65536);
    if (scaled < b.itemWeights[i]!) return b.items[i]!;
  }
  return b.items[0]!;
}

function treeHeight(n: number): number {
  let h = 0;
  while ((n & 1) === 0) {
    h++;
    n >>= 1;
  }
  return h;
}

/** `bucket_tree_choose`: descend the implicit binary tree by weighted coin flips. */
function treeChoose(b: CrushBucket, x: number, r: number): number {
  let n = b.nodeWeights.length >> 1;
  while ((n & 1) === 0) {
    const w = b.nodeWeights[n]!;
    // (u64)hash * w >> 32, exact: split the hash into 16-bit halves.
    const h = crushHash32_4(x, n, r, b.id);
    const hi = Math.floor(h / 65536);
    const lo = h % 65536;
    const t = Math.floor((hi * w + Math.floor((lo * w) / 65536)) / 65536);
    const l = n - (1 << (treeHeight(n) - 1));
    if (t < b.nodeWeights[l]!) n = l;
    else n = n + (1 << (treeHeight(n) - 1));
  }
  return b.items[n >> 1]!;
}

/** `bucket_straw_choose`: the longest straw (16-bit hash × precomputed length) wins. */
function strawChoose(b: CrushBucket, x: number, r: number): number {
  let high = 0;
  let highDraw = 0;
  for (let i = 0; i < b.items.length; i++) {
    const draw = (crushHash32_3(x, b.items[i]!, r) & 0xffff) * b.straws[i]!;
    if (i === 0 || draw > highDraw) {
      high = i;
      highDraw = draw;
    }
  }
  return b.items[high]!;
}

/**
 * `bucket_straw2_choose`: each item draws ln(u)/weight (an exponential variable scaled by
 * its weight); the largest (least negative) draw wins, ties to the lower index.
 * `weights`/`ids` allow choose_args to substitute per-position weights or ids.
 */
export function straw2Choose(
  b: CrushBucket,
  x: number,
  r: number,
  weights: readonly number[] = b.itemWeights,
  ids: readonly number[] = b.items,
): number {
  let high = 0;
  let highDraw = 0;
  for (let i = 0; i < b.items.length; i++) {
    const w = weights[i]!;
    let draw: number;
    if (w !== 0) {
      const u = crushHash32_3(x, ids[i]!, r) & 0xffff;
      draw = divTrunc(straw2Ln(u), w);
    } else {
      draw = -Infinity; // S64_MIN: never beats a real draw
    }
    if (i === 0 || draw > highDraw) {
      high = i;
      highDraw = draw;
    }
  }
  return b.items[high]!;
}

/** `get_choose_arg_weights`: the weight-set row for this output position (last row repeats). */
function chooseArgWeights(b: CrushBucket, arg: ChooseArg, position: number): readonly number[] {
  const ws = arg.weightSet;
  if (!ws || ws.length === 0) return b.itemWeights;
  return ws[Math.min(position, ws.length - 1)]!;
}

/** Where a mapping keeps its per-bucket permutation scratch (allocated on first use). */
export interface PermSource {
  permWork(b: CrushBucket): PermWork;
}

/**
 * `crush_bucket_choose` dispatch. Only uniform buckets use the permutation scratch, so it
 * is fetched from `work` only for them.
 */
export function bucketChoose(
  b: CrushBucket,
  work: PermSource,
  x: number,
  r: number,
  arg?: ChooseArg,
  position = 0,
): number {
  switch (b.alg) {
    case CRUSH_BUCKET_UNIFORM:
      return bucketPermChoose(b, work.permWork(b), x, r);
    case CRUSH_BUCKET_LIST:
      return listChoose(b, x, r);
    case CRUSH_BUCKET_TREE:
      return treeChoose(b, x, r);
    case CRUSH_BUCKET_STRAW:
      return strawChoose(b, x, r);
    case CRUSH_BUCKET_STRAW2:
      if (arg === undefined) return straw2Choose(b, x, r);
      return straw2Choose(b, x, r, chooseArgWeights(b, arg, position), arg.ids ?? b.items);
    default:
      return b.items[0]!;
  }
}

// ---------------------------------------------------------------------------------------
// Builders of the derived fields.

/** List: running sums of the item weights (u32). */
export function calcListSums(weights: readonly number[]): number[] {
  const sums: number[] = [];
  let w = 0;
  for (const x of weights) {
    w = (w + x) >>> 0;
    sums.push(w);
  }
  return sums;
}

function treeDepth(size: number): number {
  if (size === 0) return 0;
  let depth = 1;
  let t = size - 1;
  while (t) {
    t >>= 1;
    depth++;
  }
  return depth;
}

/** Tree: node weights indexed by node label; leaf i sits at label 2i+1. */
export function calcTreeNodeWeights(weights: readonly number[]): number[] {
  const size = weights.length;
  if (size === 0) return [];
  const depth = treeDepth(size);
  const nodes = new Array<number>(1 << depth).fill(0);
  for (let i = 0; i < size; i++) {
    let node = ((i + 1) << 1) - 1;
    nodes[node] = weights[i]!;
    for (let j = 1; j < depth; j++) {
      const h = treeHeight(node);
      node = node & (1 << (h + 1)) ? node - (1 << h) : node + (1 << h);
      nodes[node] = (nodes[node]! + weights[i]!) >>> 0;
    }
  }
  return nodes;
}

/**
 * Straw (v1) lengths, `crush_calc_straw`. Sort items by weight, give the lightest straw
 * 1.0 and scale each heavier group by pow(1/pbelow, 1/numleft). Version 0 is the original
 * (buggy for equal weights), version >= 1 the fixed one. Doubles as in the C code.
 */
export function calcStraws(weights: readonly number[], strawCalcVersion: number): number[] {
  const size = weights.length;
  const straws = new Array<number>(size).fill(0);
  // Insertion sort of indices by ascending weight (stable: equal weights keep their order).
  const reverse: number[] = [];
  if (size) reverse[0] = 0;
  for (let i = 1; i < size; i++) {
    let j = 0;
    for (; j < i; j++) {
      if (weights[i]! < weights[reverse[j]!]!) {
        for (let k = i; k > j; k--) reverse[k] = reverse[k - 1]!;
        reverse[j] = i;
        break;
      }
    }
    if (j === i) reverse[i] = i;
  }
  const w = (k: number): number => weights[reverse[k]!]!;
  // u32 product of the C code: numleft * (weight delta), reduced modulo 2^32.
  const u32mul = (a: number, b: number): number => (a * b) % 4294967296;
  let numleft = size;
  let straw = 1.0;
  let wbelow = 0;
  let lastw = 0;
  let i = 0;
  while (i < size) {
    if (strawCalcVersion === 0) {
      if (w(i) === 0) {
        straws[reverse[i]!] = 0;
        i++;
        continue;
      }
      straws[reverse[i]!] = Math.trunc(straw * 0x10000) >>> 0;
      i++;
      if (i === size) break;
      if (w(i) === w(i - 1)) continue;
      wbelow += (w(i - 1) - lastw) * numleft;
      for (let j = i; j < size; j++) {
        if (w(j) === w(i)) numleft--;
        else break;
      }
      const wnext = u32mul(numleft, w(i) - w(i - 1));
      const pbelow = wbelow / (wbelow + wnext);
      straw *= Math.pow(1.0 / pbelow, 1.0 / numleft);
      lastw = w(i - 1);
    } else {
      if (w(i) === 0) {
        straws[reverse[i]!] = 0;
        i++;
        numleft--;
        continue;
      }
      straws[reverse[i]!] = Math.trunc(straw * 0x10000) >>> 0;
      i++;
      if (i === size) break;
      wbelow += (w(i - 1) - lastw) * numleft;
      numleft--;
      const wnext = u32mul(numleft, w(i) - w(i - 1));
      const pbelow = wbelow / (wbelow + wnext);
      straw *= Math.pow(1.0 / pbelow, 1.0 / numleft);
      lastw = w(i - 1);
    }
  }
  return straws;
}
