/**
 * A stop's focus/zoom target, applied when the stop is shown (presenter and normal mode).
 *
 * `goToStop` publishes a `StopFocus` (the stop's event index, view, targets, zoom). The flow
 * diagram frames it with xyflow's `fitView` on the target nodes (`useStopFocus`, called by
 * FlowCanvas — `fitView` is queued by xyflow until the nodes are measured, so it also works
 * right after the diagram re-mounts for another pipeline). Any other view scrolls the first
 * matching element into view and marks it `data-wt-focus` (`focusInView`).
 *
 * A focus only holds while the cursor sits on its stop's event: stepping away gives the
 * camera back to the view (its fit or follow mode).
 */
import type { ReactFlowInstance } from '@xyflow/react';
import { useEffect } from 'react';
import { create } from 'zustand';
import { useApp } from '../state/store.ts';
import { flowFitOptions, type StopFocus } from './focusTarget.ts';

export const useStopFocusState = create<{ focus: StopFocus | null }>()(() => ({ focus: null }));

/** FlowCanvas: frame the current stop's focus on this diagram (whose step ids are `has`). */
export function useStopFocus(rf: ReactFlowInstance, has: (id: string) => boolean): void {
  const focus = useStopFocusState((s) => s.focus);
  useEffect(() => {
    if (!focus || focus.view !== 'flow' || useApp.getState().cursor !== focus.index) return;
    // The whole pipeline: not when the camera follows the step (follow mode owns it then).
    if (focus.targets.length === 0 && useApp.getState().follow) return;
    const reduced = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    const opts = flowFitOptions(focus, has, reduced);
    if (opts) void rf.fitView(opts);
  }, [focus, rf, has]);
}

/** The selector of a target in a non-flow view: `osd.N` → `[data-osd="N"]`, else data-step/focus. */
function selectorOf(target: string): string {
  const osd = /^osd\.(\d+)$/.exec(target);
  if (osd) return `[data-osd="${osd[1]}"]`;
  const v = CSS.escape(target);
  return `[data-step="${v}"], [data-focus="${v}"]`;
}

/**
 * Another view: once it has rendered (a few frames after its tab opens), scroll the first
 * target into the middle and mark every target `data-wt-focus` (walkthrough.css outlines it).
 */
export function focusInView(f: StopFocus): void {
  let tries = 0;
  const attempt = () => {
    if (useStopFocusState.getState().focus !== f) return;
    const root = document.querySelector<HTMLElement>(`[data-view="${CSS.escape(f.view)}"]`);
    const hits = root
      ? f.targets.flatMap((t) => [...root.querySelectorAll<HTMLElement>(selectorOf(t))])
      : [];
    if (hits.length === 0) {
      if (++tries < 30) requestAnimationFrame(attempt);
      return;
    }
    for (const el of document.querySelectorAll('[data-wt-focus]'))
      el.removeAttribute('data-wt-focus');
    for (const el of hits) el.setAttribute('data-wt-focus', '');
    hits[0]!.scrollIntoView({ block: 'center', inline: 'center' });
  };
  requestAnimationFrame(attempt);
}

/** Publish a stop's focus (null clears it and the marks). */
export type { StopFocus };

export function showStopFocus(f: StopFocus | null): void {
  useStopFocusState.setState({ focus: f });
  if (!f) {
    for (const el of document.querySelectorAll('[data-wt-focus]'))
      el.removeAttribute('data-wt-focus');
    return;
  }
  if (f.view !== 'flow' && f.targets.length > 0) focusInView(f);
}
