import { describe, expect, it } from 'vitest';
import { formatScalar, humanBytes, summarize } from './format.ts';

describe('inspector formatting', () => {
  it('prints addresses and offsets in hex, with the decimal as a note', () => {
    expect(formatScalar('ba_off', 4096)).toEqual({ text: '0x1000', note: '4096', cls: 'address' });
    expect(formatScalar('umoff', 255).text).toBe('0xff');
    expect(formatScalar('addr', 0).text).toBe('0x0');
  });

  it('prints sizes in bytes with human units from 1 KiB', () => {
    expect(formatScalar('iod_size', 1024)).toEqual({ text: '1024', note: '1 KiB', cls: 'size' });
    expect(formatScalar('rx_len', 1536).note).toBe('1.5 KiB');
    expect(formatScalar('len', 100).note).toBeUndefined();
    expect(humanBytes(3 * 1024 * 1024)).toBe('3 MiB');
  });

  it('leaves other numbers alone and clips long strings', () => {
    expect(formatScalar('rx_nr', 4096)).toEqual({ text: '4096', cls: 'number' });
    const long = formatScalar('data', 'x'.repeat(500));
    expect(long.note).toBe('500 chars');
    expect(long.text.length).toBeLessThan(130);
    expect(formatScalar('p', null).text).toBe('NULL');
  });

  it('summarizes structures like gdb', () => {
    expect(summarize([1, 2, 3])).toBe('[3]');
    expect(summarize({ a: 1, b: 2, c: 3, d: 4 })).toBe('{a, b, c, …}');
  });
});
