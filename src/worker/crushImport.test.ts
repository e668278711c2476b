import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { Rng } from '../engine/core/rng.ts';
import { createEngineAdapter } from './engineAdapter.ts';
import { crushTextToEvents, maybeCrushText } from './crushImport.ts';

// Real `crushtool -d` output kept by the engine's CRUSH tests (see that folder's README).
const fixture = (name: string): string =>
  readFileSync(new URL(`../engine/ceph/__fixtures__/generated/${name}`, import.meta.url), 'utf8');

interface Node {
  id: number;
  name: string;
  type: string;
  children?: number[];
  device_class?: string;
  status?: string;
}

describe('crushtool -d text → placement trace', () => {
  test('classes10: four hosts under root default, ten OSDs with their classes', () => {
    const r = crushTextToEvents(fixture('classes10.txt'));
    expect(r.ok ? '' : r.error).toBe('');
    if (!r.ok) return;
    expect(r.events).toHaveLength(1);
    const e = r.events[0]!;
    expect(e).toMatchObject({ step: 'handle_osd_map', phase: 'point', pipeline: 'ceph.write' });
    expect(e.data).toMatchObject({ devices: 10, rules: ['any', 'ssd', 'hdd', 'hdd_ec'] });
    const nodes = (e.data!.osd_tree as unknown as { nodes: Node[] }).nodes;
    const byName = new Map(nodes.map((n) => [n.name, n]));
    const root = byName.get('default')!;
    expect(root.type).toBe('root');
    // Ceph prints a bucket's children last item first; the hosts, in any order, are a … d.
    expect(root.children!.map((id) => nodes.find((n) => n.id === id)!.name).sort()).toEqual([
      'a',
      'b',
      'c',
      'd',
    ]);
    const osds = nodes.filter((n) => n.id >= 0);
    expect(osds.map((n) => n.id).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(byName.get('osd.2')!.device_class).toBe('ssd');
    expect(osds.every((n) => n.status === 'up')).toBe(true);
    // Device-class shadow buckets (default~hdd) are not part of the printed hierarchy.
    expect(nodes.some((n) => n.name.includes('~'))).toBe(false);
    // Every bucket's children are nodes of the tree.
    const ids = new Set(nodes.map((n) => n.id));
    for (const n of nodes) for (const c of n.children ?? []) expect(ids.has(c)).toBe(true);
  });

  test('every generated crushtool map imports, one node per device and bucket', () => {
    for (const f of ['flat10.txt', 'rack16_firefly.txt', 'map3.txt', 'algs12.txt']) {
      const text = fixture(f);
      const r = crushTextToEvents(text);
      expect(r.ok ? '' : r.error, f).toBe('');
      if (!r.ok) continue;
      const nodes = (r.events[0]!.data!.osd_tree as unknown as { nodes: Node[] }).nodes;
      const buckets = text.match(/^\s*id -\d+\s/gm)?.length ?? 0;
      expect(nodes.filter((n) => n.id < 0).length, f).toBe(buckets);
    }
  });

  test('a broken map is rejected with its line number', () => {
    const text = fixture('classes10.txt').replace('type 1 host', 'type one host');
    const r = crushTextToEvents(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^crush map: line \d+: /);
  });

  test('empty text is no map', () => {
    expect(crushTextToEvents('# nothing\n').ok).toBe(false);
  });

  test('the worker adapter routes non-JSON trace text to the crush importer, JSON elsewhere', () => {
    expect(maybeCrushText('{"schema":"iopath.trace/1"}')).toBe(false);
    expect(maybeCrushText(' [1]')).toBe(false);
    const eng = createEngineAdapter();
    const r = eng.parseTrace(fixture('flat10.txt'));
    expect(r.ok && r.events[0]?.step).toBe('handle_osd_map');
    const bad = eng.parseTrace('host a {\n  id x\n}\n');
    expect(bad.ok ? '' : bad.error).toMatch(
      /^crush map: line 1: bucket type 'host' is not defined/,
    );
  });

  test('fuzz: 3000 mutated maps never throw; every rejection is a readable crush map message', () => {
    const base = fixture('classes10.txt');
    const rng = new Rng(8, 'crush-fuzz');
    const pieces = ['{', '}', ' ', '\n', 'id', '-1', 'item', 'osd.99', 'weight', 'x', 'step', '#'];
    for (let i = 0; i < 3000; i++) {
      let t = base;
      const edits = 1 + (rng.nextU32() % 4);
      for (let k = 0; k < edits; k++) {
        const at = rng.nextU32() % t.length;
        const len = rng.nextU32() % 12;
        const ins = rng.nextU32() % 2 === 0 ? '' : pieces[rng.nextU32() % pieces.length]!;
        t = t.slice(0, at) + ins + t.slice(at + len);
      }
      const r = crushTextToEvents(t);
      if (!r.ok) expect(r.error, t.slice(0, 60)).toMatch(/^crush map: /);
    }
  });
});
