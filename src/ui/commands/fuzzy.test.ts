import { describe, expect, it } from 'vitest';
import { fuzzyFilter, fuzzyScore } from './fuzzy.ts';

describe('fuzzy filter', () => {
  it('matches subsequences only', () => {
    expect(fuzzyScore('nxst', 'Next step')).not.toBeNull();
    expect(fuzzyScore('tsen', 'Next step')).toBeNull();
    expect(fuzzyScore('', 'anything')).toBe(0);
  });
  it('ranks word-start and consecutive matches first, else keeps order', () => {
    const labels = ['Previous op', 'Next op', 'Toggle a breakpoint', 'Run until break'];
    expect(fuzzyFilter(labels, 'brea', (x) => x)).toEqual([
      'Toggle a breakpoint',
      'Run until break',
    ]);
    expect(fuzzyFilter(labels, 'op', (x) => x)).toEqual([
      'Next op',
      'Previous op',
      'Toggle a breakpoint',
    ]);
    expect(fuzzyFilter(['Previous op', 'Pause'], 'p', (x) => x)).toEqual(['Previous op', 'Pause']);
    expect(fuzzyFilter(labels, 'zz', (x) => x)).toEqual([]);
  });
});
