import { describe, expect, it } from 'vitest';
import { fixtureJson } from '../__fixtures__/load.ts';
import { crushLn, crushLnBig, divTrunc, straw2Ln } from './ln.ts';
import { LL_TBL, RH_LH_TBL } from './ln-tables.ts';

const tables = fixtureJson<{ RH_LH_tbl: string[]; LL_tbl: string[] }>(
  'provided/crush_ln_tables.json',
);
const hv = fixtureJson<{ crush_ln: Record<string, number> }>('provided/hash_vectors.json');

describe('crush_ln tables', () => {
  it('ln-tables.ts equals crush_ln_tables.json entry for entry', () => {
    expect(RH_LH_TBL.length).toBe(258);
    expect(LL_TBL.length).toBe(256);
    tables.RH_LH_tbl.forEach((h, i) => expect(RH_LH_TBL[i]).toBe(Number(BigInt(h))));
    tables.LL_tbl.forEach((h, i) => expect(LL_TBL[i]).toBe(Number(BigInt(h))));
  });
});

describe('crush_ln', () => {
  it('matches the reference samples', () => {
    const entries = Object.entries(hv.crush_ln);
    expect(entries.length).toBeGreaterThan(200);
    for (const [k, v] of entries) expect(crushLn(Number(k))).toBe(v);
  });
  it('end points (spec §4.2)', () => {
    expect(crushLnBig(0)).toBe(0n);
    expect(crushLnBig(0xffff)).toBe(0xfffff0000000n);
  });
  it('the straw2 table is crush_ln - 2^48 for every input', () => {
    for (let u = 0; u < 0x10000; u += 97) expect(straw2Ln(u)).toBe(crushLn(u) - 2 ** 48);
    expect(straw2Ln(0xffff)).toBe(crushLn(0xffff) - 2 ** 48);
  });
});

describe('divTrunc (div64_s64)', () => {
  it('agrees with BigInt division over large operands', () => {
    const ns = [-(2 ** 48), -(2 ** 48) + 1, -123456789012345, -1, 0, 5, 2 ** 48 - 3];
    const ds = [1, 3, 0x10000, 0x10001, 58982, 0xffffffff, 0x7fffffff, 2 ** 31 + 12345];
    for (const n of ns)
      for (const d of ds) expect(divTrunc(n, d)).toBe(Number(BigInt(n) / BigInt(d)) || 0);
  });
});
