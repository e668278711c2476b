/**
 * Custom xyflow nodes and edges. Memoized, with a module-level (stable) nodeTypes/edgeTypes
 * map: xyflow re-mounts every node when those objects change identity.
 *
 * Nodes render nothing that changes with the cursor; highlight.ts patches their DOM.
 */
import {
  BaseEdge,
  Handle,
  Position,
  getSmoothStepPath,
  type Edge,
  type EdgeProps,
  type Node,
  type NodeProps,
} from '@xyflow/react';
import { memo, type CSSProperties, type ReactNode } from 'react';
import type { EdgeKind } from '../../../engine/pipelines/types.ts';

export type StepNodeData = {
  id: string;
  label: string;
  lane: string;
  hue: number;
  optional: boolean;
  caption: string;
  source: string;
};
export type LaneNodeData = { label: string; parallel: boolean; hue: number };
export type StepNode = Node<StepNodeData, 'step'>;
export type LaneNode = Node<LaneNodeData, 'lane'>;
export type FlowEdgeData = { kind: EdgeKind; label?: string };
export type FlowEdge = Edge<FlowEdgeData, 'flow'>;

const SIDES = [
  ['l', Position.Left],
  ['r', Position.Right],
  ['t', Position.Top],
  ['b', Position.Bottom],
] as const;

/** A function name with line-break opportunities after its underscores (long names wrap). */
function breakable(name: string): ReactNode[] {
  return name.split(/(?<=_)/).flatMap((part, i) => (i === 0 ? [part] : [<wbr key={i} />, part]));
}

function StepNodeView({ data }: NodeProps<StepNode>) {
  return (
    <div
      className={data.optional ? 'step-node is-optional' : 'step-node'}
      data-step={data.id}
      data-lane={data.lane}
      style={{ '--lane-hue': data.hue } as CSSProperties}
      title={`${data.id} — ${data.caption}\n${data.source}\n(click: go to its next event; Shift+click or b: breakpoint)`}
    >
      {SIDES.map(([s, pos]) => (
        <Handle key={`t-${s}`} id={`t-${s}`} type="target" position={pos} isConnectable={false} />
      ))}
      <span className={data.label.length > 16 ? 'step-label is-long' : 'step-label'}>
        {breakable(data.label)}
      </span>
      {SIDES.map(([s, pos]) => (
        <Handle key={`s-${s}`} id={`s-${s}`} type="source" position={pos} isConnectable={false} />
      ))}
    </div>
  );
}

/** "Network (CaRT / Mercury)" → name "Network", detail "CaRT / Mercury" (two lines). */
export function splitLaneLabel(label: string): { name: string; detail: string } {
  const m = /^(.*?)\s*\((.*)\)\s*$/.exec(label);
  return m ? { name: m[1]!, detail: m[2]! } : { name: label, detail: '' };
}

function LaneNodeView({ data }: NodeProps<LaneNode>) {
  const { name, detail } = splitLaneLabel(data.label);
  return (
    <div
      className={data.parallel ? 'lane is-parallel' : 'lane'}
      aria-hidden="true"
      style={{ '--lane-hue': data.hue } as CSSProperties}
    >
      <div className="lane-head">
        <span className="lane-name">
          {name}
          {data.parallel ? <span className="lane-parallel"> ×N</span> : null}
        </span>
        {detail ? <span className="lane-detail">{detail}</span> : null}
      </div>
    </div>
  );
}

function FlowEdgeView(props: EdgeProps<FlowEdge>) {
  const [path, labelX, labelY] = getSmoothStepPath({
    sourceX: props.sourceX,
    sourceY: props.sourceY,
    targetX: props.targetX,
    targetY: props.targetY,
    sourcePosition: props.sourcePosition,
    targetPosition: props.targetPosition,
    borderRadius: 10,
    offset: 14,
  });
  const kind = props.data?.kind ?? 'control';
  return (
    <>
      <BaseEdge
        id={props.id}
        path={path}
        markerEnd={props.markerEnd}
        className={`flow-edge kind-${kind}`}
        {...(props.data?.label ? { label: props.data.label, labelX, labelY } : {})}
      />
      <circle className="edge-token token-fwd" r={6}>
        <animateMotion
          className="token-fwd"
          dur="0.6s"
          begin="indefinite"
          fill="freeze"
          path={path}
        />
      </circle>
      <circle className="edge-token token-back" r={6}>
        <animateMotion
          className="token-back"
          dur="0.6s"
          begin="indefinite"
          fill="freeze"
          path={path}
          keyPoints="1;0"
          keyTimes="0;1"
          calcMode="linear"
        />
      </circle>
    </>
  );
}

export const nodeTypes = { step: memo(StepNodeView), lane: memo(LaneNodeView) };
export const edgeTypes = { flow: memo(FlowEdgeView) };
