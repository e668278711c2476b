import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../../protocol/index.ts';
import { flowFrame } from './frame.ts';

let seq = 0;
function ev(
  op: number,
  pipeline: string,
  step: string,
  phase: TraceEvent['phase'] = 'enter',
  rc?: number,
): TraceEvent {
  const e: TraceEvent = { seq: seq++, t: seq * 10, pipeline, op, step, phase, actor: 'client' };
  if (rc !== undefined) e.rc = rc;
  return e;
}

const events = [
  ev(0, 'daos.setup', 'daos_pool_connect'),
  ev(1, 'p', 'a'),
  ev(1, 'p', 'b'),
  ev(1, 'p', 'b', 'exit'),
  ev(1, 'p', 'a', 'exit', -1005),
  ev(2, 'p', 'a'),
];
const edges = new Set(['a->b']);

describe('flowFrame', () => {
  it('is empty when the event belongs to another pipeline', () => {
    expect(flowFrame(events, 0, 'p', edges).current).toBeNull();
  });

  it('marks the current step, the steps of this op so far and the edge just taken', () => {
    const f = flowFrame(events, 2, 'p', edges);
    expect(f.current).toBe('b');
    expect([...f.visited].sort()).toEqual(['a', 'b']);
    expect(f.taken).toEqual({ id: 'a->b', reverse: false });
  });

  it('walks an edge backwards on a return and flags a failing exit', () => {
    const f = flowFrame(events, 4, 'p', edges);
    expect(f.taken).toEqual({ id: 'a->b', reverse: true });
    expect(f.failed).toBe(true);
    expect(f.phase).toBe('exit');
  });

  it('starts afresh at an op boundary (visited is per op)', () => {
    const f = flowFrame(events, 5, 'p', edges);
    expect([...f.visited]).toEqual(['a']);
    expect(f.taken).toBeNull();
  });

  it('is a pure function of the cursor: stepping back reproduces the earlier frame exactly', () => {
    const forward = [1, 2, 3, 4].map((c) => flowFrame(events, c, 'p', edges));
    const back = [4, 3, 2, 1].map((c) => flowFrame(events, c, 'p', edges)).reverse();
    expect(back).toEqual(forward);
  });
});

describe('withUncatalogued', () => {
  it('adds the steps an op emitted that the catalog lacks, and nothing otherwise', async () => {
    const { withUncatalogued, UNCATALOGUED_LANE } = await import('./synthesize.ts');
    const known = {
      id: 'p',
      system: 'daos' as const,
      title: 'P',
      summary: '',
      lanes: [{ id: 'client', label: 'C' }],
      steps: [
        { id: 'a', lane: 'client', caption: '', source: '' },
        { id: 'b', lane: 'client', caption: '', source: '' },
      ],
      edges: [{ from: 'a', to: 'b', kind: 'control' as const }],
    };
    expect(withUncatalogued(known, events, 1, 1)).toBe(known);
    const odd = [...events.slice(0, 3), { ...events[3]!, step: 'zz' }];
    const v = withUncatalogued(known, odd, 1, 1);
    expect(v.steps.map((s) => s.id)).toEqual(['a', 'b', 'zz']);
    expect(v.steps[2]!.lane).toBe(UNCATALOGUED_LANE);
  });
});
