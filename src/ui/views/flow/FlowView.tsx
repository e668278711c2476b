/**
 * The flow diagram of the current event's pipeline (`data-view="flow"`). Re-renders only
 * when the pipeline changes; stepping within it patches the DOM (highlight.ts). Diagrams of
 * recent pipelines stay mounted, hidden in place (diagramCache.ts), so switching back toggles
 * a few attributes: no xyflow mount, no DOM move, no diagram re-render.
 */
import { MarkerType, ReactFlow, ReactFlowProvider, useReactFlow } from '@xyflow/react';
import {
  memo,
  startTransition,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type MouseEvent,
  type ReactNode,
  type RefObject,
} from 'react';
import type { PipelineView } from '../../../protocol/index.ts';
import { opSegment } from '../../state/navigation.ts';
import { SPEEDS, trace, useApp } from '../../state/store.ts';
import { EMPTY_FRAME, flowFrame } from './frame.ts';
import { applyBreakMarkers, applyFrame } from './highlight.ts';
import { cachedLayout, STEP_H, STEP_W, type FlowLayout } from './layout.ts';
import { edgeTypes, nodeTypes, type FlowEdge, type LaneNode, type StepNode } from './nodes.tsx';
import { synthesizePipeline, withUncatalogued } from './synthesize.ts';
import { openFaultMenu } from '../faults/faultMenuState.ts';
import { DiagramCache, type DiagramEntry } from './diagramCache.ts';
import { prelayoutInIdle } from './prelayout.ts';
import { mountInIdle } from './prewarm.ts';
import './flow.css';
import { useStopFocus } from '../../walkthrough/focus.ts';

/** Playing at ≥ 20 steps/s (App's `is-fast`): no token motion, no transitions. */
function fastPlayback(): boolean {
  const s = useApp.getState();
  return s.playing && (SPEEDS[s.speedIndex] ?? 0) >= 20;
}

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

/**
 * The actors that ran a lane's steps in the current op (what a right-click on a lane or step
 * offers to kill or restart): a lane is a component, its actors are the targets/OSDs seen there.
 */
export function actorsInLane(view: PipelineView, lane: string): string[] {
  const inLane = new Set(view.steps.filter((s) => s.lane === lane).map((s) => s.id));
  const { cursor } = useApp.getState();
  const seg = opSegment(trace.opStarts, cursor);
  const start = trace.opStarts[seg] ?? 0;
  const end = trace.opStarts[seg + 1] ?? trace.length;
  const out = new Set<string>();
  for (let i = start; i < end; i++) {
    const step = trace.stepOf(i);
    if (step !== undefined && trace.pipelineOf(i) === view.id && inLane.has(step))
      out.add(trace.actorOf(i) as string);
  }
  return [...out].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/** Clicking a step moves the cursor to that step's next event (wrapping to the first). */
function jumpToStep(pipeline: string, step: string): void {
  const { cursor, setCursor, setPlaying } = useApp.getState();
  const ev = trace;
  const hit = (i: number) => ev.stepOf(i) === step && ev.pipelineOf(i) === pipeline;
  for (let i = cursor + 1; i < ev.length; i++) if (hit(i)) return go(i);
  for (let i = 0; i <= cursor; i++) if (hit(i)) return go(i);
  function go(i: number): void {
    setPlaying(false);
    setCursor(i);
  }
}

/** xyflow's fit: the whole pipeline, a little margin, never zoomed past 115 %. */
const FIT = { padding: 0.04, maxZoom: 1.15 } as const;

/**
 * One mounted diagram. Its ReactFlow element is memoized on the layout: a re-render (the panel
 * going on or off screen) never reaches xyflow. Stepping patches the DOM (highlight.ts) from a
 * store subscription — only while `active` (on screen).
 */
const FlowCanvas = memo(function FlowCanvas({
  view,
  layoutKey,
  aspect,
  active,
}: {
  view: PipelineView;
  layoutKey: string;
  aspect: number;
  /** On screen (not parked): only the active diagram follows the cursor. */
  active: boolean;
}) {
  const layout = cachedLayout(view, layoutKey, aspect);
  const { nodes, edges } = useMemo(() => toElements(layout, view), [layout, view]);
  const edgeIds = useMemo(() => new Set(layout.edges.map((e) => e.id)), [layout]);
  const ref = useRef<HTMLDivElement>(null);

  const rf = useReactFlow();
  const boxes = useMemo(() => new Map(layout.steps.map((s) => [s.id, s])), [layout]);
  const activeRef = useRef(active);
  const applyRef = useRef<(() => void) | null>(null);

  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    let followed: string | null = null;
    let shown = -1;
    /** `full`: re-derive the marks from the DOM (xyflow added elements, back on screen). */
    const apply = (full = false) => {
      if (!activeRef.current) return;
      const cursor = useApp.getState().cursor;
      // A jump (seek, another op, back on screen) snaps into place: no transitions, no token
      // motion — those are for watching one step lead to the next (flow.css `data-jump`).
      const jump = full || Math.abs(cursor - shown) !== 1;
      shown = cursor;
      if (jump !== root.hasAttribute('data-jump')) root.toggleAttribute('data-jump', jump);
      const frame = flowFrame(trace, cursor, view.id, edgeIds);
      applyFrame(root, frame, { full, motion: !jump && !fastPlayback() });
      if (full) applyBreakMarkers(root, useApp.getState().breaks.steps);
      // Follow mode: a viewport transform (no React render) centred on the current step.
      const box = frame.current === null ? undefined : boxes.get(frame.current);
      if (useApp.getState().follow && box && followed !== box.id) {
        followed = box.id;
        void rf.setCenter(box.x + STEP_W / 2, box.y + STEP_H / 2, { zoom: 1.1, duration: 250 });
      }
    };
    applyRef.current = () => apply(true);
    apply(true);
    // xyflow mounts node/edge elements after its own store settles (and may re-mount them):
    // re-apply whenever elements are added. Attribute changes (ours, zoom) don't trigger it.
    let frame = 0;
    const mo = new MutationObserver(() => {
      if (!activeRef.current) return;
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => apply(true));
    });
    mo.observe(root, { childList: true, subtree: true });
    const unsubscribe = useApp.subscribe((s, p) => {
      if (s.follow !== p.follow) {
        followed = null;
        if (!s.follow && activeRef.current) void rf.fitView({ ...FIT, duration: 250 });
      }
      if (s.breaks !== p.breaks) applyBreakMarkers(root, s.breaks.steps);
      if (s.cursor !== p.cursor || s.count !== p.count || s.follow !== p.follow) apply();
    });
    return () => {
      mo.disconnect();
      cancelAnimationFrame(frame);
      unsubscribe();
      applyRef.current = null;
    };
  }, [view.id, edgeIds, boxes, rf]);
  // Parked: drop the current-step marks (contract 3: one aria-current, on screen). Back on
  // screen: catch up with the cursor.
  useLayoutEffect(() => {
    activeRef.current = active;
    const root = ref.current;
    if (active) applyRef.current?.();
    else if (root) applyFrame(root, EMPTY_FRAME);
  }, [active]);
  // A walkthrough stop's focus/zoom (after follow mode above, so the stop's framing wins).
  const hasStep = useCallback((id: string) => boxes.has(id), [boxes]);
  useStopFocus(rf, hasStep);

  const onNodeClick = useCallback(
    (e: MouseEvent, node: StepNode | LaneNode) => {
      if (node.type !== 'step') return;
      // Alt/Shift+click (or Ctrl/Cmd+click) toggles a breakpoint; a plain click jumps.
      if (e.altKey || e.shiftKey || e.ctrlKey || e.metaKey)
        useApp.getState().toggleBreakStep(node.id);
      else jumpToStep(view.id, node.id);
    },
    [view.id],
  );
  const onNodeContextMenu = useCallback(
    (e: MouseEvent, node: StepNode | LaneNode) => {
      e.preventDefault();
      const lane = node.type === 'lane' ? node.id.slice('lane:'.length) : node.data.lane;
      const label = layout.lanes.find((l) => l.id === lane)?.label ?? lane;
      openFaultMenu(e, actorsInLane(view, lane), `${label} lane`);
    },
    [layout, view],
  );
  // The same element object while the layout stands: React skips xyflow on every re-render.
  const diagram = useMemo(
    () => (
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        fitView
        fitViewOptions={FIT}
        minZoom={0.2}
        maxZoom={2}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        nodesFocusable={false}
        edgesFocusable={false}
        zoomOnDoubleClick={false}
        onNodeClick={onNodeClick}
        onNodeContextMenu={onNodeContextMenu}
        preventScrolling
        aria-label={`Flow diagram of ${view.title}`}
      ></ReactFlow>
    ),
    [nodes, edges, onNodeClick, onNodeContextMenu, view.title],
  );

  return (
    <div ref={ref} className="flow-canvas">
      {diagram}
    </div>
  );
});

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
          void rf.fitView({ ...FIT, duration: 200 });
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

const Legend = memo(function Legend() {
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
});

/** `pipeline#op` of the event under the cursor: changes per op, not per step. */
function useCurrentKey(): string {
  return useApp((s) => {
    const e = trace.at(s.cursor);
    return e ? `${e.pipeline}#${e.op}` : '';
  });
}

/**
 * Reports the drawing area's width/height, in quarter steps (1…3), while `on`: the layout wraps
 * lanes to fit it. Quantized so a resize re-lays out only when the shape really changes. The
 * first report comes in the commit that mounts the area (before paint): the first diagram is
 * laid out and mounted once, at the real shape, not once at a guess and again after measuring.
 */
function useAspectReport(
  body: RefObject<HTMLDivElement | null>,
  on: boolean,
  report: (aspect: number) => void,
  now = false,
): void {
  useLayoutEffect(() => {
    const el = body.current;
    if (!on || !el) return;
    const measure = (width: number, height: number) => {
      if (width < 10 || height < 10) return;
      report(Math.min(3, Math.max(1, Math.round((width / height) * 4) / 4)));
    };
    const ro = new ResizeObserver(([r]) => {
      if (r) measure(r.contentRect.width, r.contentRect.height);
    });
    ro.observe(el);
    // The placeholder measures at once (a forced layout, once per page); a panel coming on
    // screen has the size its diagram was laid out for, and the observer's first report follows.
    if (now) {
      const { width, height } = el.getBoundingClientRect();
      measure(width, height);
    }
    return () => ro.disconnect();
  }, [body, on, report, now]);
}

function PanelHead({ view, children }: { view: PipelineView | null; children?: ReactNode }) {
  return (
    <header className="panel-head flow-head">
      {view ? (
        <>
          <h2>
            <span className="pipeline-id">{view.id || '(no pipeline)'}</span>{' '}
            {view.title !== view.id ? view.title : ''}
          </h2>
          <p className="pipeline-summary">{view.summary}</p>
          {children}
        </>
      ) : (
        <h2>Flow</h2>
      )}
    </header>
  );
}

/**
 * One diagram's panel (header, diagram, legend). All mounted panels share one grid cell: the
 * active one carries the contract-3 hooks (`data-view="flow"`, `data-pipeline`) and is visible;
 * the others are hidden in place (`is-parked`: invisible, inert, out of the accessibility
 * tree, and — having no `data-view` — outside every `[data-view="flow"] …` query). Going on or
 * off screen re-renders this small shell only; the diagram itself is memoized.
 */
const FlowPanel = memo(function FlowPanel({
  entry,
  active,
  onAspect,
  onWarm,
}: {
  entry: DiagramEntry;
  active: boolean;
  onAspect: (aspect: number) => void;
  /** A diagram mounted ahead (prewarm.ts) finished its first layout and is parked. */
  onWarm: (key: string) => void;
}) {
  const body = useRef<HTMLDivElement>(null);
  useAspectReport(body, active, onAspect);
  const { view } = entry;
  // Mounted ahead: laid out once while invisible (xyflow measures its nodes and draws its
  // edges), then parked. A parked (content-visibility: hidden) diagram is never laid out, so
  // mounting it parked would leave all of that work to the seek that shows it.
  const [warming, setWarming] = useState(entry.preloaded === true);
  useEffect(() => {
    if (!warming) return;
    // xyflow draws the edges once its ResizeObservers measured the nodes: wait (a frame at a
    // time, at most ~2 s) until they are in the DOM, then park after the frame that laid them
    // out. Polling the DOM, not useNodesInitialized: that never turned true here.
    let raf = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let frames = 0;
    const check = () => {
      const drawn = body.current?.querySelector('.react-flow__edge') != null;
      if (!drawn && ++frames < 120) {
        raf = requestAnimationFrame(check);
        return;
      }
      raf = requestAnimationFrame(() => {
        timer = setTimeout(() => {
          setWarming(false);
          onWarm(entry.key);
        }, 0);
      });
    };
    raf = requestAnimationFrame(check);
    return () => {
      cancelAnimationFrame(raf);
      clearTimeout(timer);
    };
  }, [warming, onWarm, entry.key]);
  const className = active
    ? 'panel flow-panel'
    : warming
      ? 'panel flow-panel is-warming'
      : 'panel flow-panel is-parked';
  return (
    <ReactFlowProvider>
      <section
        className={className}
        data-view={active ? 'flow' : undefined}
        data-pipeline={active ? view.id : undefined}
        aria-label={active ? 'Flow diagram' : undefined}
        aria-hidden={active ? undefined : true}
        inert={!active}
      >
        <PanelHead view={view}>{active ? <CameraControls /> : null}</PanelHead>
        <div className="flow-body" ref={body}>
          <FlowCanvas
            view={view}
            layoutKey={entry.layoutKey}
            aspect={entry.aspect}
            active={active}
          />
        </div>
        <Legend />
      </section>
    </ReactFlowProvider>
  );
});

/** No diagram on screen yet: the panel's frame (measured for the first layout) or the hint. */
function FlowPlaceholder({
  view,
  onAspect,
}: {
  view: PipelineView | null;
  onAspect: (aspect: number) => void;
}) {
  const body = useRef<HTMLDivElement>(null);
  useAspectReport(body, view !== null, onAspect, true);
  return (
    <section
      className="panel flow-panel"
      data-view="flow"
      data-pipeline={view?.id ?? ''}
      aria-label="Flow diagram"
    >
      <PanelHead view={view} />
      {view ? (
        <>
          <div className="flow-body" ref={body} />
          <Legend />
        </>
      ) : (
        <p className="empty">Load a scenario to see its IO path.</p>
      )}
    </section>
  );
}

/**
 * One object per distinct derived view (synthesized, or a catalog pipeline plus uncatalogued
 * steps): ops of the same shape get the very same PipelineView, so a seek to another op of that
 * shape keeps its layout and its mounted diagram (the memoized FlowCanvas does not re-render)
 * instead of laying out and mounting an identical xyflow diagram per op. `n` numbers the shapes
 * (the layout key of a synthesized view).
 */
const canonical = new Map<string, { view: PipelineView; n: number }>();
let shapes = 0;
function canonicalView(v: PipelineView): { view: PipelineView; n: number } {
  const sig = JSON.stringify(v);
  let c = canonical.get(sig);
  if (!c) {
    if (canonical.size >= 256) canonical.clear();
    c = { view: v, n: shapes++ };
    canonical.set(sig, c);
  }
  return c;
}

export function FlowView() {
  const catalog = useApp((s) => s.catalog);
  const key = useCurrentKey();
  const count = useApp((s) => s.count);
  const hash = key.lastIndexOf('#');
  const pipeline = hash < 0 ? '' : key.slice(0, hash);
  const op = hash < 0 ? -1 : Number(key.slice(hash + 1));
  const known = catalog?.pipelines.get(pipeline);
  const shape = useMemo<{ view: PipelineView; n: number } | null>(() => {
    if (key === '' || count === 0) return null;
    const seg = opSegment(trace.opStarts, useApp.getState().cursor);
    const start = trace.opStarts[seg] ?? 0;
    if (known) {
      const v = withUncatalogued(known, trace, start, op);
      return v === known ? { view: known, n: -1 } : canonicalView(v);
    }
    return canonicalView(synthesizePipeline(trace, start, pipeline, op));
  }, [key, known, pipeline, op, count]);
  const view = shape?.view ?? null;
  // Each distinct derived view gets its own key: two derived views with the same step count
  // are still different diagrams (cachedLayout keys layouts by it).
  const layoutKey = known
    ? view && view !== known
      ? `${pipeline}+${shape?.n ?? -1}`
      : pipeline
    : `~${pipeline}#${shape?.n ?? -1}`;
  const [aspect, setAspect] = useState<number | null>(null);
  const [cache] = useState(() => new DiagramCache());
  // Catalog pipelines not drawn yet get their dagre pass in idle time (prelayout.ts), once the
  // first trace is in: before that the page is only "idle" because the worker is busy running
  // the scenario, and on a 2-core machine the layout work would compete with it for a core.
  const loaded = useApp((s) => s.status === 'ready');
  useEffect(
    () => (catalog && loaded ? prelayoutInIdle(catalog.pipelines.values()) : undefined),
    [catalog, loaded],
  );
  const activeKey = view && aspect !== null ? `${layoutKey}@${aspect}` : '';
  // Every catalog pipeline the trace uses is mounted ahead, parked, in idle time (prewarm.ts):
  // a seek or a playback into it then only flips attributes. One diagram warms at a time.
  const [preloads, setPreloads] = useState(0);
  const warming = useRef(0);
  const onWarm = useCallback(() => {
    warming.current = Math.max(0, warming.current - 1);
  }, []);
  useEffect(() => {
    if (!catalog || !loaded || aspect === null || count === 0) return;
    const ids = trace
      .distinct('pipeline')
      .filter((id) => catalog.pipelines.has(id) && !cache.has(`${id}@${aspect}`));
    return mountInIdle(
      ids,
      (id) => {
        const v = catalog.pipelines.get(id);
        if (!v) return;
        // A transition: React renders the new diagram in slices between frames.
        startTransition(() => {
          if (cache.preload(`${id}@${aspect}`, id, aspect, v)) {
            warming.current++;
            setPreloads((n) => n + 1);
          }
        });
      },
      // Never during playback: a mount there would be a long task between frames.
      () => warming.current === 0 && !useApp.getState().playing,
    );
  }, [catalog, loaded, aspect, count, cache]);
  const entries = useMemo(
    () =>
      view && aspect !== null ? cache.touch(activeKey, layoutKey, aspect, view) : cache.list(),
    // `preloads`: a diagram was mounted ahead (the cache's list changed).
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [cache, activeKey, layoutKey, aspect, view, preloads],
  );

  return (
    <div className="flow-stack">
      {entries.map((e) => (
        <FlowPanel
          key={e.key}
          entry={e}
          active={e.key === activeKey}
          onAspect={setAspect}
          onWarm={onWarm}
        />
      ))}
      {activeKey === '' ? <FlowPlaceholder view={view} onAspect={setAspect} /> : null}
    </div>
  );
}
