/**
 * A stop's focus/zoom target (pure): what to frame for a stop, and the xyflow `fitView`
 * options that frame it. focus.ts applies it to the page.
 */
import { MAX_ZOOM, MIN_ZOOM, type Stop } from './doc.ts';

export interface StopFocus {
  /** The stop's event index (the focus holds while the cursor is there). */
  index: number;
  view: string;
  /** Step ids / element ids to frame. */
  targets: string[];
  zoom?: number;
}

/**
 * The focus of a stop shown at event `index` whose event is step `step`. Without focus and
 * zoom the targets are empty: the flow diagram shows the whole pipeline (unless the camera is
 * in follow mode), so a stop after a zoomed-in one is not left zoomed in.
 */
export function stopFocus(stop: Stop, index: number, step: string | undefined): StopFocus {
  const targets =
    stop.focus !== undefined
      ? Array.isArray(stop.focus)
        ? stop.focus
        : [stop.focus]
      : stop.zoom !== undefined && step !== undefined
        ? [step]
        : [];
  const f: StopFocus = { index, view: stop.view ?? 'flow', targets };
  if (stop.zoom !== undefined) f.zoom = stop.zoom;
  return f;
}

/** Padding around the framed nodes (a fraction of the pane) and the zoom when none is given. */
const FRAME_PADDING = 0.3;
const FRAME_MAX_ZOOM = 1.6;
/** The whole pipeline, as FlowView fits it. */
const WHOLE = { padding: 0.04, maxZoom: 1.15 };

export interface FlowFit {
  nodes?: { id: string }[];
  padding: number;
  minZoom?: number;
  maxZoom: number;
  duration: number;
}

/**
 * xyflow `fitView` options for a focus: its targets that the diagram has (`has`), or the
 * whole diagram when it names none; null when it names only steps this diagram lacks.
 */
export function flowFitOptions(
  f: StopFocus,
  has: (id: string) => boolean,
  reducedMotion: boolean,
): FlowFit | null {
  const duration = reducedMotion ? 0 : 300;
  if (f.targets.length === 0) return { ...WHOLE, duration };
  const nodes = f.targets.filter(has).map((id) => ({ id }));
  if (nodes.length === 0) return null;
  return {
    nodes,
    padding: FRAME_PADDING,
    // A zoom is exact (min = max); without one, frame the nodes but never zoom in further
    // than FRAME_MAX_ZOOM.
    minZoom: f.zoom ?? MIN_ZOOM,
    maxZoom: f.zoom ?? Math.min(FRAME_MAX_ZOOM, MAX_ZOOM),
    duration,
  };
}
