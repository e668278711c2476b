import { expect, test } from 'vitest';
import { parseWalkthrough, type Stop } from './doc.ts';
import { flowFitOptions, stopFocus } from './focusTarget.ts';

const doc = (stop: Record<string, unknown>) => ({
  schema: 'iopath.walkthrough/1',
  title: 't',
  scenario: 'daos-key-sv',
  stops: [{ at: { index: 0 }, caption: '', ...stop }],
});

test('focus and zoom parse: one id or a list, zoom within the flow range; errors name the path', () => {
  const one = parseWalkthrough(doc({ focus: 'vos_update_begin', zoom: 1.5 }));
  expect(one.ok && one.value.stops[0]).toMatchObject({ focus: 'vos_update_begin', zoom: 1.5 });
  const many = parseWalkthrough(doc({ focus: ['a', 'b'] }));
  expect(many.ok && many.value.stops[0]!.focus).toEqual(['a', 'b']);
  expect(parseWalkthrough(doc({ focus: ['a', 'b c'] }))).toEqual({
    ok: false,
    error: 'stops[0].focus[1]: expected a step id',
  });
  expect(parseWalkthrough(doc({ focus: [] }))).toMatchObject({ ok: false });
  expect(parseWalkthrough(doc({ zoom: 9 }))).toEqual({
    ok: false,
    error: 'stops[0].zoom: expected a number 0.2..2',
  });
  expect(parseWalkthrough(doc({ zoom: '2' }))).toMatchObject({ ok: false });
});

test('a stop without focus or zoom shows the whole pipeline', () => {
  const f = stopFocus({ at: { index: 3 }, caption: '' }, 3, 'x');
  expect(f).toEqual({ index: 3, view: 'flow', targets: [] });
  const o = flowFitOptions(f, () => true, false);
  expect(o).toMatchObject({ padding: 0.04, maxZoom: 1.15 });
  expect(o?.nodes).toBeUndefined();
});

test('zoom alone centres the stop’s own step at exactly that zoom', () => {
  const f = stopFocus({ at: { index: 3 }, caption: '', zoom: 1.4 }, 3, 'vos_update_begin');
  expect(f).toEqual({ index: 3, view: 'flow', targets: ['vos_update_begin'], zoom: 1.4 });
  const o = flowFitOptions(f, () => true, true);
  expect(o).toMatchObject({ nodes: [{ id: 'vos_update_begin' }], minZoom: 1.4, maxZoom: 1.4 });
  expect(o!.duration).toBe(0);
});

test('several focus nodes: only the ones on the diagram are framed; none → no fit', () => {
  const stop: Stop = { at: { index: 0 }, caption: '', focus: ['a', 'b', 'zz'], view: 'flow' };
  const f = stopFocus(stop, 0, 'a');
  const o = flowFitOptions(f, (id) => id !== 'zz', false)!;
  expect(o.nodes).toEqual([{ id: 'a' }, { id: 'b' }]);
  // Without a zoom the nodes are framed, never closer than the framing limit.
  expect(o.minZoom).toBeLessThan(o.maxZoom);
  expect(o.duration).toBeGreaterThan(0);
  expect(flowFitOptions(f, () => false, false)).toBeNull();
});

test('a focus in another view keeps its view', () => {
  const f = stopFocus({ at: { index: 0 }, caption: '', view: 'placement', focus: 'osd.2' }, 5, 'x');
  expect(f).toEqual({ index: 5, view: 'placement', targets: ['osd.2'] });
});
