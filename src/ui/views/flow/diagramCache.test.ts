import { describe, expect, it } from 'vitest';
import type { PipelineView } from '../../../protocol/index.ts';
import { DiagramCache } from './diagramCache.ts';

const view = (id: string): PipelineView => ({
  id,
  system: 'daos',
  title: id,
  summary: '',
  lanes: [],
  steps: [],
  edges: [],
});

describe('DiagramCache', () => {
  it('keeps creation order and returns the same array when nothing was added', () => {
    const c = new DiagramCache(4);
    const a = view('a');
    const b = view('b');
    c.touch('a@1', 'a', 1, a);
    const after = c.touch('b@1', 'b', 1, b);
    expect(after.map((e) => e.key)).toEqual(['a@1', 'b@1']);
    // Going back to a mounted diagram: no new list (React re-renders nothing), no reorder.
    expect(c.touch('a@1', 'a', 1, a)).toBe(after);
    expect(c.touch('b@1', 'b', 1, b)).toBe(after);
  });

  it('drops the least recently used beyond the limit, never the one just touched', () => {
    const c = new DiagramCache(3);
    for (const k of ['a', 'b', 'c']) c.touch(`${k}@1`, k, 1, view(k));
    c.touch('a@1', 'a', 1, view('a')); // new view object for a: replaced in place
    const list = c.touch('d@1', 'd', 1, view('d'));
    // b was used longest ago.
    expect(list.map((e) => e.key)).toEqual(['a@1', 'c@1', 'd@1']);
    const again = c.touch('b@1', 'b', 1, view('b'));
    expect(again.map((e) => e.key)).toEqual(['a@1', 'd@1', 'b@1']);
  });

  it('replaces an entry whose view changed without moving it', () => {
    const c = new DiagramCache(4);
    c.touch('a@1', 'a', 1, view('a'));
    c.touch('b@1', 'b', 1, view('b'));
    const v2 = view('a');
    const list = c.touch('a@1', 'a', 1, v2);
    expect(list.map((e) => e.key)).toEqual(['a@1', 'b@1']);
    expect(list[0]?.view).toBe(v2);
  });
});

describe('DiagramCache.preload', () => {
  it('adds a diagram ahead without evicting drawn ones, and never past the limit', () => {
    const c = new DiagramCache(2);
    c.touch('a@1', 'a', 1, view('a'));
    expect(c.preload('b@1', 'b', 1, view('b'))).toBe(true);
    expect(c.preload('b@1', 'b', 1, view('b'))).toBe(false);
    expect(c.preload('c@1', 'c', 1, view('c'))).toBe(false);
    expect(c.list().map((e) => e.key)).toEqual(['a@1', 'b@1']);
    // A drawn diagram beyond the limit drops the preloaded (never used) one first.
    c.touch('d@1', 'd', 1, view('d'));
    expect(c.list().map((e) => e.key)).toEqual(['a@1', 'd@1']);
    expect(c.has('b@1')).toBe(false);
  });
});
