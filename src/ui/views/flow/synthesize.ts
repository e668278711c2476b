/**
 * A diagram for a pipeline the catalog does not have (an imported real trace, an op whose
 * pipeline has no catalog entry yet): built from the events of one op — steps in order of
 * first appearance, one lane per actor, consecutive steps joined. The catalog stays the source
 * of truth whenever it knows the pipeline.
 */
import type { PipelineView } from '../../../protocol/index.ts';
import { eventList, type Events } from '../../derive/eventList.ts';

export function synthesizePipeline(
  given: Events,
  opStart: number,
  pipeline: string,
  op: number,
): PipelineView {
  const steps: PipelineView['steps'] = [];
  const lanes: PipelineView['lanes'] = [];
  const seen = new Set<string>();
  const edges: PipelineView['edges'] = [];
  const edgeSeen = new Set<string>();
  let prev: string | null = null;
  const events = eventList(given);
  for (let i = opStart; i < events.length; i++) {
    const e = events.get(i);
    if (!e || e.op !== op) break;
    if (e.pipeline !== pipeline) continue;
    if (!lanes.some((l) => l.id === e.actor)) lanes.push({ id: e.actor, label: e.actor });
    if (!seen.has(e.step)) {
      seen.add(e.step);
      steps.push({
        id: e.step,
        lane: e.actor,
        caption: '(not in the pipeline catalog)',
        source: '',
      });
    }
    if (
      prev !== null &&
      prev !== e.step &&
      !edgeSeen.has(`${prev}->${e.step}`) &&
      !edgeSeen.has(`${e.step}->${prev}`)
    ) {
      edgeSeen.add(`${prev}->${e.step}`);
      edges.push({ from: prev, to: e.step, kind: 'control' });
    }
    prev = e.step;
  }
  return {
    id: pipeline,
    system: pipeline.startsWith('ceph') ? 'ceph' : pipeline.startsWith('media') ? 'media' : 'daos',
    title: pipeline === '' ? `op ${op}` : pipeline,
    summary: 'Drawn from the trace: this pipeline is not in the catalog.',
    lanes,
    steps,
    edges,
  };
}

/** The lane that collects steps the engine emitted but the catalog does not list. */
export const UNCATALOGUED_LANE = '~uncatalogued';

/**
 * The catalog pipeline plus any step this op emitted that the catalog lacks (in an extra
 * lane), so the current step always has a node to highlight. Returns `known` itself when the
 * catalog covers the op (the common case: no new layout).
 */
export function withUncatalogued(
  known: PipelineView,
  given: Events,
  opStart: number,
  op: number,
): PipelineView {
  const have = new Set(known.steps.map((s) => s.id));
  const extra: string[] = [];
  const events = eventList(given);
  for (let i = opStart; i < events.length; i++) {
    const e = events.get(i);
    if (!e || e.op !== op) break;
    if (e.pipeline === known.id && !have.has(e.step)) {
      have.add(e.step);
      extra.push(e.step);
    }
  }
  if (extra.length === 0) return known;
  return {
    ...known,
    lanes: [
      ...known.lanes,
      { id: UNCATALOGUED_LANE, label: 'Not in the catalog (engine-only steps)' },
    ],
    steps: [
      ...known.steps,
      ...extra.map((id) => ({
        id,
        lane: UNCATALOGUED_LANE,
        caption: 'The engine emitted this step but the pipeline catalog does not list it.',
        source: '',
      })),
    ],
  };
}
