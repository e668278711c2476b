/**
 * Lays out any pipeline of the catalog as swim lanes: one column per lane (in the order the
 * catalog declares its lanes), steps stacked down each column in flow order.
 *
 * The flow order comes from dagre (a layered layout of the step graph: it ranks steps along
 * the control/message edges, so branches, error exits and replica fan-outs get a sensible
 * order without anyone typing coordinates). We then fold dagre's ranks into lanes: a step's
 * row is its position in its lane's rank order. Folding keeps a 25-step DAOS update readable
 * at 1280×720 (≈10 rows) where a raw layered layout would be 25 ranks tall.
 *
 * Pure: a PipelineView in, boxes out. Memoize per pipeline id (pipelines are immutable).
 */
import dagre from '@dagrejs/dagre';
import type { EdgeKind } from '../../../engine/pipelines/types.ts';
import type { PipelineView } from '../../../protocol/index.ts';

// Sized so the largest DAOS pipeline (6 lanes, 12 steps in the server lane) fits a
// 1280×720 screen at ~85% zoom: the lane structure, not the node count, bounds the width.
export const STEP_W = 150;
export const STEP_H = 34;
const ROW_GAP = 9;
const COL_GAP = 20;
const LANE_PAD_X = 6;
const LANE_HEAD = 36;
const LANE_PAD_BOTTOM = 8;
/** Gap between the sub-columns of one wrapped lane. */
const SUB_GAP = 12;
/** The default shape we lay out for (the flow panel at 1280×800 is ≈1.7:1). */
export const DEFAULT_ASPECT = 1.7;

/**
 * How many rows the lanes get: the count that lets the whole diagram be drawn largest in a
 * box of the given aspect (width / height). Few rows → long lanes wrap into many sub-columns (wide); many rows →
 * tall. Pure arithmetic over the lane sizes; ties go to fewer rows.
 */
export function chooseRows(laneSizes: readonly number[], aspect = DEFAULT_ASPECT): number {
  const longest = Math.max(1, ...laneSizes);
  let best = longest;
  let bestScale = 0;
  for (let r = Math.min(4, longest); r <= longest; r++) {
    let w = 0;
    for (const n of laneSizes) {
      const cols = Math.max(1, Math.ceil(n / r));
      w += cols * STEP_W + (cols - 1) * SUB_GAP + 2 * LANE_PAD_X + COL_GAP;
    }
    w -= COL_GAP;
    const h = LANE_HEAD + r * (STEP_H + ROW_GAP) - ROW_GAP + LANE_PAD_BOTTOM;
    const scale = Math.min(aspect / w, 1 / h);
    if (scale > bestScale + 1e-12) {
      bestScale = scale;
      best = r;
    }
  }
  return best;
}

/** Lane colours (hues) in lane order: client blue, network violet, server green, vos amber … */
export const LANE_HUES = [212, 268, 150, 34, 8, 190, 326, 90] as const;

export interface LaidStep {
  id: string;
  lane: string;
  hue: number;
  label: string;
  optional: boolean;
  /** Index in the catalog's step list (its order in a simple run). */
  order: number;
  x: number;
  y: number;
  row: number;
}

export interface LaidLane {
  id: string;
  label: string;
  parallel: boolean;
  hue: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

export type Side = 'l' | 'r' | 't' | 'b';

export interface LaidEdge {
  id: string;
  from: string;
  to: string;
  kind: EdgeKind;
  label?: string;
  /** Which side of each node the edge leaves / enters, so edges never cut through a lane. */
  sourceSide: Side;
  targetSide: Side;
}

export interface FlowLayout {
  pipeline: string;
  steps: LaidStep[];
  lanes: LaidLane[];
  edges: LaidEdge[];
  width: number;
  height: number;
}

export function edgeId(from: string, to: string): string {
  return `${from}->${to}`;
}

const orders = new WeakMap<PipelineView, Map<string, { y: number; x: number }>>();

/**
 * Rank order of the steps by a layered (Sugiyama) layout of the step graph. Independent of the
 * aspect (that only wraps lanes), so one dagre run per pipeline view serves every shape: dagre
 * is most of a first layout's cost (~40 ms for the biggest pipelines on a fast machine).
 */
function flowOrder(p: PipelineView): Map<string, { y: number; x: number }> {
  let out = orders.get(p);
  if (!out) {
    out = dagreOrder(p);
    orders.set(p, out);
  }
  return out;
}

/**
 * Whether `p`'s rank order is computed already (prelayout.ts warms the catalog's pipelines in
 * idle time, one dagre run per idle callback, so a pipeline's first appearance skips it).
 */
export function hasFlowOrder(p: PipelineView): boolean {
  return orders.has(p);
}

/** Compute and remember `p`'s rank order now (the aspect-independent part of a layout). */
export function warmFlowOrder(p: PipelineView): void {
  flowOrder(p);
}

function dagreOrder(p: PipelineView): Map<string, { y: number; x: number }> {
  const g = new dagre.graphlib.Graph<
    object,
    { width: number; height: number; x?: number; y?: number }
  >();
  g.setGraph({ rankdir: 'TB', nodesep: 20, ranksep: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(p.steps.map((s) => s.id));
  for (const s of p.steps) g.setNode(s.id, { width: STEP_W, height: STEP_H });
  for (const e of p.edges) {
    if (ids.has(e.from) && ids.has(e.to) && e.from !== e.to) g.setEdge(e.from, e.to);
  }
  dagre.layout(g);
  const out = new Map<string, { y: number; x: number }>();
  for (const s of p.steps) {
    const n = g.node(s.id);
    out.set(s.id, { y: n.y ?? 0, x: n.x ?? 0 });
  }
  return out;
}

export function layoutPipeline(p: PipelineView, aspect = DEFAULT_ASPECT): FlowLayout {
  const rank = flowOrder(p);
  // Lanes: declared order first, then any lane a step names that the catalog forgot to declare.
  const laneDefs = [...p.lanes];
  for (const s of p.steps) {
    if (!laneDefs.some((l) => l.id === s.lane)) laneDefs.push({ id: s.lane, label: s.lane });
  }
  const used = laneDefs.filter((l) => p.steps.some((s) => s.lane === l.id));

  const order = new Map(p.steps.map((s, i) => [s.id, i]));
  const byLane = new Map<string, string[]>();
  for (const s of p.steps) {
    const list = byLane.get(s.lane) ?? [];
    list.push(s.id);
    byLane.set(s.lane, list);
  }
  const rowOf = new Map<string, number>();
  for (const list of byLane.values()) {
    list.sort((a, b) => {
      const ra = rank.get(a)!;
      const rb = rank.get(b)!;
      return ra.y - rb.y || ra.x - rb.x || order.get(a)! - order.get(b)!;
    });
    list.forEach((id, i) => rowOf.set(id, i));
  }
  const laneSizes = used.map((l) => byLane.get(l.id)?.length ?? 0);
  const rows = chooseRows(laneSizes, aspect);
  const laneH = LANE_HEAD + rows * (STEP_H + ROW_GAP) - ROW_GAP + LANE_PAD_BOTTOM;

  // Lanes left to right; a lane longer than `rows` wraps into sub-columns (column-major, so
  // the flow still reads top to bottom, then on in the next sub-column).
  const lanes: LaidLane[] = [];
  /** Global sub-column index of each step (edge routing compares them). */
  const subColOf = new Map<string, number>();
  let x = 0;
  let globalCol = 0;
  used.forEach((l, i) => {
    const list = byLane.get(l.id) ?? [];
    const cols = Math.max(1, Math.ceil(list.length / rows));
    const w = cols * STEP_W + (cols - 1) * SUB_GAP + 2 * LANE_PAD_X;
    lanes.push({
      id: l.id,
      label: l.label,
      parallel: l.parallel === true,
      hue: LANE_HUES[i % LANE_HUES.length]!,
      x,
      y: 0,
      w,
      h: laneH,
    });
    list.forEach((id, k) => {
      const sub = Math.floor(k / rows);
      subColOf.set(id, globalCol + sub);
      rowOf.set(id, k % rows);
    });
    x += w + COL_GAP;
    globalCol += cols;
  });
  const laneAt = new Map(lanes.map((l, i) => [l.id, { l, i }]));
  const steps: LaidStep[] = p.steps.map((s, i) => {
    const lane = laneAt.get(s.lane)!;
    const row = rowOf.get(s.id) ?? 0;
    const firstCol = subColOf.get(byLane.get(s.lane)![0]!) ?? 0;
    const sub = (subColOf.get(s.id) ?? 0) - firstCol;
    return {
      id: s.id,
      lane: s.lane,
      hue: lane.l.hue,
      label: s.label ?? s.id,
      optional: s.optional === true,
      order: i,
      x: lane.l.x + LANE_PAD_X + sub * (STEP_W + SUB_GAP),
      y: LANE_HEAD + row * (STEP_H + ROW_GAP),
      row,
    };
  });
  const at = new Map(steps.map((s) => [s.id, s]));
  const seen = new Set<string>();
  const edges: LaidEdge[] = [];
  for (const e of p.edges) {
    const a = at.get(e.from);
    const b = at.get(e.to);
    const id = edgeId(e.from, e.to);
    if (!a || !b || seen.has(id)) continue;
    seen.add(id);
    const ca = subColOf.get(a.id) ?? 0;
    const cb = subColOf.get(b.id) ?? 0;
    let sourceSide: Side;
    let targetSide: Side;
    if (cb > ca) [sourceSide, targetSide] = ['r', 'l'];
    else if (cb < ca) [sourceSide, targetSide] = ['l', 'r'];
    else if (b.row >= a.row) [sourceSide, targetSide] = ['b', 't'];
    else [sourceSide, targetSide] = ['r', 'r'];
    const le: LaidEdge = { id, from: e.from, to: e.to, kind: e.kind, sourceSide, targetSide };
    if (e.label !== undefined) le.label = e.label;
    edges.push(le);
  }
  return {
    pipeline: p.id,
    steps,
    lanes,
    edges,
    width: Math.max(0, x - COL_GAP),
    height: laneH,
  };
}

const cache = new Map<string, FlowLayout>();

/** Layouts are pure functions of an immutable pipeline: compute each once. */
export function cachedLayout(
  p: PipelineView,
  key: string = p.id,
  aspect = DEFAULT_ASPECT,
): FlowLayout {
  const k = `${key}@${aspect}`;
  let l = cache.get(k);
  if (!l) {
    l = layoutPipeline(p, aspect);
    if (cache.size > 64) cache.clear();
    cache.set(k, l);
  }
  return l;
}
