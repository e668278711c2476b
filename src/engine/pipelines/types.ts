/**
 * The pipeline catalog's shape. A pipeline is a declarative list of steps; the engine tags
 * its trace events with these step ids and the UI lays out its flow diagram from them.
 */

export type SystemName = 'daos' | 'ceph' | 'media';

export interface LaneDef {
  /** e.g. `client`, `network`, `server`, `vos`, `scm`, `nvme`; `librbd`, `objecter`, `osd.primary` … */
  id: string;
  label: string;
  /**
   * For replica lanes: the UI draws one parallel copy per actor that matches (e.g. every
   * replica OSD), instead of one lane.
   */
  parallel?: boolean;
}

export interface StepDef {
  /** The real function name (`vos_update_begin`, `issue_repop`, `_calc_target` …). */
  id: string;
  lane: string;
  /** Short label for the diagram node; defaults to the id. */
  label?: string;
  /** One or two plain-English sentences a student can read while the step is highlighted. */
  caption: string;
  /** Source file in the real system (`src/vos/vos_io.c`, `src/osd/PrimaryLogPG.cc` …). */
  source: string;
  /** Steps the engine only reaches on some paths (errors, NVMe values, retries …). */
  optional?: boolean;
}

export type EdgeKind = 'control' | 'data' | 'message';

export interface EdgeDef {
  from: string;
  to: string;
  kind: EdgeKind;
  label?: string;
}

export interface PipelineDef {
  /** `daos.update`, `daos.fetch`, `daos.rw.replicated`, `dtx.commit`, `media.recovery`, `ceph.write` … */
  id: string;
  system: SystemName;
  title: string;
  summary: string;
  lanes: LaneDef[];
  /** In the order a simple run reaches them. */
  steps: StepDef[];
  /** Control/data flow. When absent, consecutive steps are joined by control edges. */
  edges?: EdgeDef[];
}

/** The edges of a pipeline: its declared ones, or a chain through the steps in order. */
export function pipelineEdges(p: PipelineDef): EdgeDef[] {
  if (p.edges) return p.edges;
  const out: EdgeDef[] = [];
  for (let i = 1; i < p.steps.length; i++) {
    const a = p.steps[i - 1];
    const b = p.steps[i];
    if (a && b) out.push({ from: a.id, to: b.id, kind: a.lane === b.lane ? 'control' : 'message' });
  }
  return out;
}
