/**
 * The CRUSH steps of one mapping, for `_calc_target`'s trace data: the rule's steps with what
 * each chose, e.g. `[{op:'take', item:-1, name:'default'}, {op:'chooseleaf_firstn',
 * type:'host', n:0, buckets:[-4,-3,-2], chosen:[2,1,0]}]`. It re-runs the real mapper with its
 * observer (the same one the `ceph.placement` pipeline replays), so the steps are exactly the
 * ones that produced the mapping; callers memoise per PG and epoch.
 */
import { crushDoRule, type CrushEvent } from '../crush/mapper.ts';
import type { CrushMap } from '../crush/types.ts';
import type { Json } from '../../trace/event.ts';

export interface CrushStep {
  [k: string]: Json;
}

function itemName(map: CrushMap, id: number): string {
  if (id >= 0) return map.devices.get(id)?.name ?? `osd.${id}`;
  return map.buckets[-1 - id]?.name ?? `bucket${id}`;
}

/**
 * `crush_do_rule(map, ruleno, x, resultMax, weights)` with its steps summarised. A choose
 * step's `chosen` is its output vector (for `chooseleaf_*` the leaves, with the failure-domain
 * buckets in `buckets`); `emit` carries the items it appended to the result.
 */
export function crushSteps(
  map: CrushMap,
  ruleno: number,
  x: number,
  resultMax: number,
  weights: number[],
  chooseArgsIndex?: number,
): { result: number[]; steps: CrushStep[] } {
  const steps: CrushStep[] = [];
  let cur: CrushStep | undefined;
  let depth = 0;
  let top: number[] = [];
  const close = (): void => {
    if (cur && typeof cur.op === 'string' && cur.op.startsWith('choose')) {
      if (cur.op.startsWith('chooseleaf')) cur.buckets = top;
      else cur.chosen = top;
    }
  };
  const obs = (e: CrushEvent): void => {
    switch (e.kind) {
      case 'step': {
        close();
        top = [];
        if (e.op === 'take') cur = { op: 'take', item: e.arg1, name: itemName(map, e.arg1) };
        else if (e.op.startsWith('choose'))
          cur = { op: e.op, n: e.arg1, type: map.types.get(e.arg2) ?? e.arg2 };
        else if (e.op === 'emit') cur = { op: 'emit' };
        else cur = { op: e.op, arg: e.arg1 };
        steps.push(cur);
        break;
      }
      case 'choose_begin':
        depth++;
        break;
      case 'choose_end':
        depth--;
        if (depth === 0) top.push(...e.out);
        break;
      case 'emit': {
        // the leaves of a chooseleaf step are the working vector the emit sees
        const prev = steps[steps.length - 2];
        if (prev && typeof prev.op === 'string' && prev.op.startsWith('chooseleaf'))
          prev.chosen = [...e.items];
        if (cur) cur.items = [...e.items];
        break;
      }
      default:
        break;
    }
  };
  const result = crushDoRule(map, ruleno, x, resultMax, weights, obs, chooseArgsIndex);
  close();
  return { result, steps };
}
