import { describe, expect, it } from 'vitest';
import { cellAt, layoutMap } from './layout.ts';

describe('block map layout', () => {
  it('collapses runs of 3+ untouched rows into gap bands and maps pixels back to cells', () => {
    const used = new Set([0, 5, 64 * 10 + 3]);
    const l = layoutMap(64 * 12, (i) => !used.has(i), 320);
    expect(l.columns).toBe(64);
    expect(l.cell).toBe(5);
    expect(l.bands.map((b) => b.kind)).toEqual(['row', 'gap', 'row', 'row']);
    expect(cellAt(l, 64 * 12, 5 * 5 + 1, 1)).toBe(5);
    const row10 = l.bands[2]!;
    expect(cellAt(l, 64 * 12, 3 * 5, row10.y + 1)).toBe(64 * 10 + 3);
    expect(cellAt(l, 64 * 12, 0, l.bands[1]!.y + 2)).toBe(-1); // in the gap
  });

  it('widens rows when the map would be too tall', () => {
    const l = layoutMap(64 * 2000, () => false, 512, 3000);
    expect(l.columns).toBeGreaterThan(64);
    expect(l.height).toBeLessThanOrEqual(3000);
  });
});
