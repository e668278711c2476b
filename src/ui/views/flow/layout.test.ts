import { describe, expect, it } from 'vitest';
import type { PipelineView } from '../../../protocol/index.ts';
import { chooseRows, layoutPipeline, STEP_H, STEP_W } from './layout.ts';

function chain(lanes: string[], steps: [string, string][]): PipelineView {
  const edges = steps
    .slice(1)
    .map(([id], i) => ({ from: steps[i]![0], to: id, kind: 'control' as const }));
  return {
    id: 'test.pipe',
    system: 'daos',
    title: 't',
    summary: 's',
    lanes: lanes.map((id) => ({ id, label: id.toUpperCase() })),
    steps: steps.map(([id, lane]) => ({ id, lane, caption: id, source: 'x.c' })),
    edges,
  };
}

const UPDATE_LIKE = chain(
  ['client', 'network', 'server', 'vos'],
  [
    ['a_call', 'client'],
    ['a_task', 'client'],
    ['send', 'network'],
    ['handle', 'server'],
    ['vos_begin', 'vos'],
    ['vos_end', 'vos'],
    ['reply', 'server'],
    ['cb', 'client'],
  ],
);

function overlaps(a: { x: number; y: number }, b: { x: number; y: number }): boolean {
  return Math.abs(a.x - b.x) < STEP_W && Math.abs(a.y - b.y) < STEP_H;
}

describe('layoutPipeline', () => {
  it('puts each lane in its own column, in the declared lane order', () => {
    const l = layoutPipeline(UPDATE_LIKE);
    expect(l.lanes.map((x) => x.id)).toEqual(['client', 'network', 'server', 'vos']);
    for (let i = 1; i < l.lanes.length; i++)
      expect(l.lanes[i]!.x).toBeGreaterThan(l.lanes[i - 1]!.x);
    for (const s of l.steps) {
      const lane = l.lanes.find((x) => x.id === s.lane)!;
      expect(s.x).toBeGreaterThanOrEqual(lane.x);
      expect(s.x + STEP_W).toBeLessThanOrEqual(lane.x + lane.w);
      expect(s.y + STEP_H).toBeLessThanOrEqual(lane.y + lane.h);
    }
  });

  it('orders steps down a lane in flow order and never overlaps them', () => {
    const l = layoutPipeline(UPDATE_LIKE);
    const y = (id: string) => l.steps.find((s) => s.id === id)!.y;
    expect(y('a_call')).toBeLessThan(y('a_task'));
    expect(y('a_task')).toBeLessThan(y('cb'));
    expect(y('handle')).toBeLessThan(y('reply'));
    for (const a of l.steps)
      for (const b of l.steps) if (a !== b) expect(overlaps(a, b)).toBe(false);
  });

  it('routes edges by column: right when going right, left when going back, down within a lane', () => {
    const l = layoutPipeline(UPDATE_LIKE);
    const e = (id: string) => l.edges.find((x) => x.id === id)!;
    expect([e('a_task->send').sourceSide, e('a_task->send').targetSide]).toEqual(['r', 'l']);
    expect([e('reply->cb').sourceSide, e('reply->cb').targetSide]).toEqual(['l', 'r']);
    expect([e('a_call->a_task').sourceSide, e('a_call->a_task').targetSide]).toEqual(['b', 't']);
  });

  it('draws any pipeline: undeclared lanes are added, unused lanes dropped, dangling edges skipped', () => {
    const p = chain(
      ['client', 'unused'],
      [
        ['x', 'client'],
        ['y', 'osd.primary'],
      ],
    );
    p.edges.push({ from: 'y', to: 'ghost', kind: 'message' });
    const l = layoutPipeline(p);
    expect(l.lanes.map((x) => x.id)).toEqual(['client', 'osd.primary']);
    expect(l.edges.map((x) => x.id)).toEqual(['x->y']);
  });

  it('follows a branch: the error exit sits after the step that branches to it', () => {
    const p = chain(
      ['c'],
      [
        ['start', 'c'],
        ['ok', 'c'],
        ['done', 'c'],
      ],
    );
    p.steps.push({ id: 'fail', lane: 'c', caption: '', source: '', optional: true });
    p.edges.push({ from: 'start', to: 'fail', kind: 'control' });
    const l = layoutPipeline(p);
    const y = (id: string) => l.steps.find((s) => s.id === id)!.y;
    expect(y('fail')).toBeGreaterThan(y('start'));
    expect(l.steps.find((s) => s.id === 'fail')!.optional).toBe(true);
  });

  it('wraps a long lane into sub-columns so a 60-step pipeline stays wide, not tall', () => {
    const steps: [string, string][] = [];
    for (let i = 0; i < 8; i++) steps.push([`c${i}`, 'client']);
    for (let i = 0; i < 40; i++) steps.push([`v${i}`, 'vos']);
    for (let i = 0; i < 6; i++) steps.push([`s${i}`, 'scm']);
    const l = layoutPipeline(chain(['client', 'vos', 'scm'], steps));
    const rows = Math.max(...l.steps.map((s) => s.row)) + 1;
    expect(rows).toBeLessThan(40);
    expect(l.width / l.height).toBeGreaterThan(1);
    for (const a of l.steps)
      for (const b of l.steps) if (a !== b) expect(overlaps(a, b)).toBe(false);
    for (const s of l.steps) {
      const lane = l.lanes.find((x) => x.id === s.lane)!;
      expect(s.x).toBeGreaterThanOrEqual(lane.x);
      expect(s.x + STEP_W).toBeLessThanOrEqual(lane.x + lane.w);
    }
    // Column-major: v0…v(rows-1) fill the first sub-column top to bottom.
    const v = (i: number) => l.steps.find((s) => s.id === `v${i}`)!;
    expect(v(1).y).toBeGreaterThan(v(0).y);
    expect(v(rows).x).toBeGreaterThan(v(0).x);
    expect(v(rows).row).toBe(0);
  });

  it('chooses rows by fitting a wide box', () => {
    expect(chooseRows([3, 3, 3])).toBe(3);
    expect(chooseRows([1])).toBe(1);
    expect(chooseRows([9, 3, 12, 35, 7, 2])).toBeLessThan(35);
  });
});
