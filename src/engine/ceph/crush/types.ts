/**
 * The in-memory CRUSH map (`struct crush_map` + the names CrushWrapper keeps beside it).
 * Ids follow Ceph: devices are >= 0, buckets < 0 and live at index `-1 - id` of `buckets`.
 * Weights are 16.16 fixed point (1.0 = 0x10000) unsigned 32-bit integers.
 */

export const CRUSH_BUCKET_UNIFORM = 1;
export const CRUSH_BUCKET_LIST = 2;
export const CRUSH_BUCKET_TREE = 3;
export const CRUSH_BUCKET_STRAW = 4;
export const CRUSH_BUCKET_STRAW2 = 5;

export type BucketAlgName = 'uniform' | 'list' | 'tree' | 'straw' | 'straw2';

export const BUCKET_ALG_NAMES: Record<number, BucketAlgName> = {
  [CRUSH_BUCKET_UNIFORM]: 'uniform',
  [CRUSH_BUCKET_LIST]: 'list',
  [CRUSH_BUCKET_TREE]: 'tree',
  [CRUSH_BUCKET_STRAW]: 'straw',
  [CRUSH_BUCKET_STRAW2]: 'straw2',
};

/** Output slot that could not be filled (`CRUSH_ITEM_NONE`, printed 2147483647). */
export const CRUSH_ITEM_NONE = 0x7fffffff;
/** Transient "not decided yet" slot of choose_indep (`CRUSH_ITEM_UNDEF`). */
export const CRUSH_ITEM_UNDEF = 0x7ffffffe;

export const CRUSH_RULE_TYPE_REPLICATED = 1;
export const CRUSH_RULE_TYPE_ERASURE = 3;

export interface CrushBucket {
  id: number;
  name: string;
  /** Type id (e.g. 1 = host in a default map). */
  type: number;
  alg: number;
  /** Hash type; 0 = rjenkins1 (the only one Ceph implements). */
  hash: number;
  /** The bucket's own weight: the sum of its item weights (16.16). */
  weight: number;
  items: number[];
  /** Weight of each item as stored in THIS bucket (16.16). For uniform: all equal. */
  itemWeights: number[];
  /** straw (v1) only: straw lengths from `crush_calc_straw` (depend on straw_calc_version). */
  straws: number[];
  /** list only: running sums of itemWeights. */
  sumWeights: number[];
  /** tree only: node weights indexed by node label, `numNodes` = length. */
  nodeWeights: number[];
  /** Device-class shadow ids printed as `id -N class C` (class name → shadow bucket id). */
  classIds: Map<string, number>;
  /**
   * Set on device-class shadow buckets (`default~hdd`): built from the real tree by
   * `buildShadowTrees`, used by `take X class C`, never printed (crushtool -d skips them).
   */
  shadowOf?: { id: number; className: string };
}

export type RuleOp =
  | 'noop'
  | 'take'
  | 'emit'
  | 'choose_firstn'
  | 'choose_indep'
  | 'chooseleaf_firstn'
  | 'chooseleaf_indep'
  | 'set_choose_tries'
  | 'set_chooseleaf_tries'
  | 'set_choose_local_tries'
  | 'set_choose_local_fallback_tries'
  | 'set_chooseleaf_vary_r'
  | 'set_chooseleaf_stable';

export interface RuleStep {
  op: RuleOp;
  /** take: item id; choose*: numrep (<= 0 means result_max + arg1); set_*: value. */
  arg1: number;
  /** choose*: type id. */
  arg2: number;
  /** take with `class C`: the class name (arg1 is then the shadow bucket id). */
  className?: string;
  /** take with `class C`: the bucket named in the rule (arg1 holds its shadow id). */
  baseItem?: number;
}

export interface CrushRule {
  id: number;
  name: string;
  /** 1 = replicated, 3 = erasure. */
  type: number;
  minSize: number;
  maxSize: number;
  steps: RuleStep[];
}

/** The tunables of `struct crush_map` (spec §1 / §4.5). */
export interface CrushTunables {
  choose_local_tries: number;
  choose_local_fallback_tries: number;
  choose_total_tries: number;
  chooseleaf_descend_once: number;
  chooseleaf_vary_r: number;
  chooseleaf_stable: number;
  straw_calc_version: number;
  allowed_bucket_algs: number;
}

export interface CrushDevice {
  id: number;
  name: string;
  className?: string;
}

/**
 * One bucket's entry of a `choose_args` map (`struct crush_choose_arg`): per-position
 * weight sets (position = output slot; the last row serves every later slot) and/or
 * substitute ids to hash with. Used by straw2 buckets only.
 */
export interface ChooseArg {
  bucketId: number;
  weightSet?: number[][];
  ids?: number[];
}

/** `DEFAULT_CHOOSE_ARGS`: the map used when none exists for the pool (printed as 2^64-1). */
export const DEFAULT_CHOOSE_ARGS = -1;

export interface CrushMap {
  tunables: CrushTunables;
  /** Devices by id (names like `osd.3`). */
  devices: Map<number, CrushDevice>;
  /** Type names by type id (`0 osd`, `1 host` …). */
  types: Map<number, string>;
  /** Buckets at index -1-id; holes are undefined. */
  buckets: (CrushBucket | undefined)[];
  /** Rules at index id; holes are undefined. */
  rules: (CrushRule | undefined)[];
  /** `max_devices`: highest device id + 1 (items >= this are invalid in a mapping). */
  maxDevices: number;
  /**
   * choose_args maps by index (a pool id, or DEFAULT_CHOOSE_ARGS = -1 for the crush-compat
   * balancer's weight-set); a mapping uses its pool's map, else the default one.
   */
  chooseArgs?: Map<number, ChooseArg[]>;
}

export function bucketById(map: CrushMap, id: number): CrushBucket | undefined {
  return id < 0 ? map.buckets[-1 - id] : undefined;
}
