/**
 * The flow diagram of the current event's pipeline (`data-view="flow"`). Re-renders only
 * when the pipeline changes; stepping within it patches the DOM (highlight.ts).
 */
import { MarkerType, ReactFlow, ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { PipelineView } from '../../../protocol/index.ts';
import { opSegment } from '../../state/navigation.ts';
import { trace, useApp } from '../../state/store.ts';
import { flowFrame } from './frame.ts';
import { applyBreakMarkers, applyFrame } from './highlight.ts';
import { cachedLayout, DEFAULT_ASPECT, STEP_H, STEP_W, type FlowLayout } from './layout.ts';
import { edgeTypes, nodeTypes, type FlowEdge, type LaneNode, type StepNode } from './nodes.tsx';
import { synthesizePipeline, withUncatalogued } from './synthesize.ts';

function toElements(
  layout: FlowLayout,
  view: PipelineView,
): { nodes: (StepNode | LaneNode)[]; edges: FlowEdge[] } {
  const defs = new Map(view.steps.map((s) => [s.id, s]));
  const lanes: LaneNode[] = layout.lanes.map((l) => ({
    id: `lane:${l.id}`,
    type: 'lane',
    position: { x: l.x, y: l.y },
    data: { label: l.label, parallel: l.parallel, hue: l.hue },
    style: { width: l.w, height: l.h },
    draggable: false,
    selectable: false,
    focusable: false,
    zIndex: -1,
  }));
  const steps: StepNode[] = layout.steps.map((s) => ({
    id: s.id,
    type: 'step',
    position: { x: s.x, y: s.y },
    data: {
      id: s.id,
      label: s.label,
      lane: s.lane,
      hue: s.hue,
      optional: s.optional,
      caption: defs.get(s.id)?.caption ?? '',
      source: defs.get(s.id)?.source ?? '',
    },
    draggable: false,
    selectable: false,
  }));
  const edges: FlowEdge[] = layout.edges.map((e) => ({
    id: e.id,
    type: 'flow',
    source: e.from,
    target: e.to,
    sourceHandle: `s-${e.sourceSide}`,
    targetHandle: `t-${e.targetSide}`,
    data: e.label === undefined ? { kind: e.kind } : { kind: e.kind, label: e.label },
    markerEnd: { type: MarkerType.ArrowClosed, width: 14, height: 14, color: 'var(--edge-color)' },
    selectable: false,
    focusable: false,
  }));
  return { nodes: [...lanes, ...steps], edges };
}

/** Clicking a step moves the cursor to that step's next event (wrapping to the first). */
function jumpToStep(pipeline: string, step: string): void {
  const { cursor, setCursor, setPlaying } = useApp.getState();
  const ev = trace.events;
  const hit = (i: number) => ev[i]?.step === step && ev[i]?.pipeline === pipeline;
  for (let i = cursor + 1; i < ev.length; i++) if (hit(i)) return go(i);
  for (let i = 0; i <= cursor; i++) if (hit(i)) return go(i);
  function go(i: number): void {
    setPlaying(false);
    setCursor(i);
  }
}

function FlowCanvas({
  view,
  layoutKey,
  aspect,
}: {
  view: PipelineView;
  layoutKey: string;
  aspect: number;
}) {
  const layout = cachedLayout(view, layoutKey, aspect);
  const { nodes, edges } = useMemo(() => toElements(layout, view), [layout, view]);
  const edgeIds = useMemo(() => new Set(layout.edges.map((e) => e.id)), [layout]);
  const ref = useRef<HTMLDivElement>(null);

  const rf = useReactFlow();
  const boxes = useMemo(() => new Map(layout.steps.map((s) => [s.id, s])), [layout]);

  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    let followed: string | null = null;
    const apply = () => {
      const frame = flowFrame(trace.events, useApp.getState().cursor, view.id, edgeIds);
      applyFrame(root, frame);
      applyBreakMarkers(root, useApp.getState().breaks.steps);
      // Follow mode: a viewport transform (no React render) centred on the current step.
      const box = frame.current === null ? undefined : boxes.get(frame.current);
      if (useApp.getState().follow && box && followed !== box.id) {
        followed = box.id;
        void rf.setCenter(box.x + STEP_W / 2, box.y + STEP_H / 2, { zoom: 1.1, duration: 250 });
      }
    };
    apply();
    // xyflow mounts node/edge elements after its own store settles (and may re-mount them):
    // re-apply whenever elements are added. Attribute changes (ours, zoom) don't trigger it.
    let frame = 0;
    const mo = new MutationObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(apply);
    });
    mo.observe(root, { childList: true, subtree: true });
    const unsubscribe = useApp.subscribe((s, p) => {
      if (s.follow !== p.follow) {
        followed = null;
        if (!s.follow) void rf.fitView({ padding: 0.04, maxZoom: 1.15, duration: 250 });
      }
      if (s.breaks !== p.breaks) applyBreakMarkers(root, s.breaks.steps);
      if (s.cursor !== p.cursor || s.count !== p.count || s.follow !== p.follow) apply();
    });
    return () => {
      mo.disconnect();
      cancelAnimationFrame(frame);
      unsubscribe();
    };
  }, [view.id, edgeIds, boxes, rf]);

  return (
    <div ref={ref} className="flow-canvas">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        fitView
        fitViewOptions={{ padding: 0.04, maxZoom: 1.15 }}
        minZoom={0.2}
        maxZoom={2}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        nodesFocusable={false}
        edgesFocusable={false}
        zoomOnDoubleClick={false}
        onNodeClick={(e, node) => {
          if (node.type !== 'step') return;
          // Alt/Shift+click (or Ctrl/Cmd+click) toggles a breakpoint; a plain click jumps.
          if (e.altKey || e.shiftKey || e.ctrlKey || e.metaKey)
            useApp.getState().toggleBreakStep(node.id);
          else jumpToStep(view.id, node.id);
        }}
        preventScrolling
        aria-label={`Flow diagram of ${view.title}`}
      ></ReactFlow>
    </div>
  );
}

/** Camera controls in the panel header (kept off the diagram so they never cover a step). */
function CameraControls() {
  const rf = useReactFlow();
  const follow = useApp((s) => s.follow);
  const setFollow = useApp((s) => s.setFollow);
  return (
    <div className="camera" role="group" aria-label="Diagram camera">
      <button
        type="button"
        className="btn btn-small"
        onClick={() => void rf.zoomOut({ duration: 150 })}
        aria-label="Zoom out"
        title="Zoom out"
      >
        −
      </button>
      <button
        type="button"
        className="btn btn-small"
        onClick={() => void rf.zoomIn({ duration: 150 })}
        aria-label="Zoom in"
        title="Zoom in"
      >
        +
      </button>
      <button
        type="button"
        className="btn btn-small"
        onClick={() => {
          setFollow(false);
          void rf.fitView({ padding: 0.04, maxZoom: 1.15, duration: 200 });
        }}
        aria-label="Fit the whole pipeline"
        title="Fit the whole pipeline"
      >
        Fit
      </button>
      <button
        type="button"
        className={follow ? 'btn btn-small is-on' : 'btn btn-small'}
        aria-pressed={follow}
        onClick={() => setFollow(!follow)}
        title="Camera follows the current step (f)"
      >
        {follow ? '◉ Follow' : '○ Follow'}
      </button>
    </div>
  );
}

function Legend() {
  return (
    <footer className="flow-legend" aria-label="Legend">
      <span>
        <svg width="26" height="8" aria-hidden="true">
          <line x1="0" y1="4" x2="26" y2="4" className="legend-call" />
        </svg>
        call
      </span>
      <span>
        <svg width="26" height="8" aria-hidden="true">
          <line x1="0" y1="4" x2="26" y2="4" className="legend-msg" />
        </svg>
        message / hand-off
      </span>
      <span>→ enter · ↩ return · ● event · ✓ done in this op · dashed box: optional</span>
    </footer>
  );
}

/** `pipeline#op` of the event under the cursor: changes per op, not per step. */
function useCurrentKey(): string {
  return useApp((s) => {
    const e = trace.at(s.cursor);
    return e ? `${e.pipeline}#${e.op}` : '';
  });
}

/**
 * The drawing area's width/height, in quarter steps (1…3): the layout wraps lanes to fit it.
 * Quantized so a resize re-lays out only when the shape really changes.
 */
function useAspect(): { ref: (el: HTMLDivElement | null) => void; aspect: number } {
  const [aspect, setAspect] = useState(DEFAULT_ASPECT);
  const ro = useRef<ResizeObserver | null>(null);
  const ref = useCallback((el: HTMLDivElement | null) => {
    ro.current?.disconnect();
    if (!el) return;
    const measure = () => {
      const { width, height } = el.getBoundingClientRect();
      if (width < 10 || height < 10) return;
      const a = Math.min(3, Math.max(1, Math.round((width / height) * 4) / 4));
      setAspect(a);
    };
    ro.current = new ResizeObserver(measure);
    ro.current.observe(el);
    measure();
  }, []);
  return { ref, aspect };
}

export function FlowView() {
  const catalog = useApp((s) => s.catalog);
  const key = useCurrentKey();
  const count = useApp((s) => s.count);
  const hash = key.lastIndexOf('#');
  const pipeline = hash < 0 ? '' : key.slice(0, hash);
  const op = hash < 0 ? -1 : Number(key.slice(hash + 1));
  const known = catalog?.pipelines.get(pipeline);
  const view = useMemo<PipelineView | null>(() => {
    if (key === '' || count === 0) return null;
    const seg = opSegment(trace.opStarts, useApp.getState().cursor);
    const start = trace.opStarts[seg] ?? 0;
    if (known) return withUncatalogued(known, trace.events, start, op);
    return synthesizePipeline(trace.events, start, pipeline, op);
  }, [key, known, pipeline, op, count]);
  const layoutKey = known
    ? view && view !== known
      ? `${pipeline}+${view.steps.length}`
      : pipeline
    : `~${key}`;
  const { ref: body, aspect } = useAspect();

  return (
    <ReactFlowProvider key={layoutKey}>
      <section
        className="panel flow-panel"
        data-view="flow"
        data-pipeline={view?.id ?? ''}
        aria-label="Flow diagram"
      >
        <header className="panel-head flow-head">
          {view ? (
            <>
              <h2>
                <span className="pipeline-id">{view.id || '(no pipeline)'}</span>{' '}
                {view.title !== view.id ? view.title : ''}
              </h2>
              <p className="pipeline-summary">{view.summary}</p>
              <CameraControls />
            </>
          ) : (
            <h2>Flow</h2>
          )}
        </header>
        {view ? (
          <div className="flow-body" ref={body}>
            <FlowCanvas key={aspect} view={view} layoutKey={layoutKey} aspect={aspect} />
          </div>
        ) : null}
        {view ? <Legend /> : <p className="empty">Load a scenario to see its IO path.</p>}
      </section>
    </ReactFlowProvider>
  );
}
