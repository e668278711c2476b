/**
 * What the flow diagram highlights at a cursor: a pure function of (trace, cursor, edges).
 * The DOM is then patched to match (highlight.ts) — no React state per step.
 */
import type { TraceEvent } from '../../../protocol/index.ts';
import { eventList, opOf, pipelineOf, stepOf, type Events } from '../../derive/eventList.ts';
import { edgeId } from './layout.ts';

export interface FlowFrame {
  /** The current step (the event under the cursor), if it belongs to this pipeline. */
  current: string | null;
  phase: TraceEvent['phase'] | null;
  /** Steps this op already went through in this pipeline (up to and including the cursor). */
  visited: Set<string>;
  /** The edge just taken into the current step, and whether it was walked backwards (a return). */
  taken: { id: string; reverse: boolean } | null;
  /** The current event failed (exit with rc < 0). */
  failed: boolean;
}

export const EMPTY_FRAME: FlowFrame = {
  current: null,
  phase: null,
  visited: new Set(),
  taken: null,
  failed: false,
};

/** How far back we look for the op's earlier steps (bounds work per frame on huge ops). */
const LOOKBACK = 4096;

export function flowFrame(
  given: Events,
  cursor: number,
  pipeline: string,
  edgeIds: ReadonlySet<string>,
): FlowFrame {
  const events = eventList(given);
  const cur = events.get(cursor);
  if (!cur || cur.pipeline !== pipeline) return EMPTY_FRAME;
  const visited = new Set<string>([cur.step]);
  let prevStep: string | null = null;
  const stop = Math.max(0, cursor - LOOKBACK);
  for (let i = cursor - 1; i >= stop; i--) {
    if (opOf(events, i) !== cur.op) break;
    if (pipelineOf(events, i) !== pipeline) continue;
    const step = stepOf(events, i) as string;
    visited.add(step);
    if (prevStep === null && step !== cur.step) prevStep = step;
  }
  let taken: FlowFrame['taken'] = null;
  if (prevStep !== null) {
    const fwd = edgeId(prevStep, cur.step);
    const back = edgeId(cur.step, prevStep);
    if (edgeIds.has(fwd)) taken = { id: fwd, reverse: false };
    else if (edgeIds.has(back)) taken = { id: back, reverse: true };
  }
  return {
    current: cur.step,
    phase: cur.phase,
    visited,
    taken,
    failed: cur.rc !== undefined && cur.rc < 0,
  };
}
