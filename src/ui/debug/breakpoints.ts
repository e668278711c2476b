/**
 * The user's breakpoints (step ids toggled on flow nodes, predicate expressions typed in the
 * breakpoint panel) and the search for the next/previous event that hits one. The view is a
 * function of the cursor, so "run until break" backwards is just a search towards 0.
 */
import type { TraceEvent } from '../../protocol/index.ts';
import { evalBreak, type BreakExpr } from './breakExpr.ts';
import { eventList, stepOf, type Events } from '../derive/eventList.ts';

export interface PredicateBreak {
  text: string;
  expr: BreakExpr;
}

export interface BreakSet {
  /** Step ids: break on any event of that step. */
  steps: ReadonlySet<string>;
  predicates: readonly PredicateBreak[];
}

export const EMPTY_BREAKS: BreakSet = { steps: new Set(), predicates: [] };

export function hasBreaks(b: BreakSet): boolean {
  return b.steps.size > 0 || b.predicates.length > 0;
}

export function hits(b: BreakSet, e: TraceEvent): boolean {
  // Only the entry of a step counts for step breakpoints (else one step stops twice).
  if (b.steps.has(e.step) && e.phase !== 'exit') return true;
  return b.predicates.some((p) => evalBreak(p.expr, e));
}

/**
 * Index of the first event strictly after `from` (dir 1) or strictly before it (dir -1) that
 * hits a breakpoint, or -1 when none does.
 */
export function findBreak(given: Events, b: BreakSet, from: number, dir: 1 | -1): number {
  if (!hasBreaks(b)) return -1;
  const events = eventList(given);
  for (let i = from + dir; i >= 0 && i < events.length; i += dir) {
    // Step breakpoints alone need only the step column (no event built).
    if (b.predicates.length === 0) {
      if (b.steps.has(stepOf(events, i) as string) && hits(b, events.get(i)!)) return i;
      continue;
    }
    if (hits(b, events.get(i)!)) return i;
  }
  return -1;
}

export function toggleStep(b: BreakSet, step: string): BreakSet {
  const steps = new Set(b.steps);
  if (steps.has(step)) steps.delete(step);
  else steps.add(step);
  return { ...b, steps };
}
