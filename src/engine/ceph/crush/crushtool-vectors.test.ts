/**
 * Every `crushtool --test --show-mappings` vector in __fixtures__ (the provided ones and
 * the ones make-vectors.sh generated) must match, 100%. A vector set is described by
 * __fixtures__/vectors.json: map text file, rule, num-rep, --weight overrides, mapping file.
 */
import { describe, expect, it } from 'vitest';
import { fixtureJson, fixtureText, parseMappings } from '../__fixtures__/load.ts';
import { crushtoolWeights, reweightFromFloat } from './build.ts';
import { crushHash32_2 } from '../hash/rjenkins.ts';
import { crushDoRule } from './mapper.ts';
import { parseCrushMap } from './text-parser.ts';

interface VectorSet {
  map: string;
  rule: number;
  num_rep: number;
  weights?: Record<string, number>;
  /** crushtool --pool-id P: the input is crush_hash32_2(x, P). */
  pool_id?: number;
  mappings: string;
}

const sets = fixtureJson<VectorSet[]>('crush-vectors.json');

describe('crushtool mappings', () => {
  it('has vector sets', () => {
    expect(sets.length).toBeGreaterThanOrEqual(7);
  });
  for (const s of sets) {
    it(`${s.mappings}`, () => {
      const map = parseCrushMap(fixtureText(s.map));
      const ov = new Map(
        Object.entries(s.weights ?? {}).map(([d, w]) => [Number(d), reweightFromFloat(w)]),
      );
      const weights = crushtoolWeights(map, ov);
      const want = parseMappings(fixtureText(s.mappings));
      expect(want.length).toBeGreaterThan(0);
      let mismatches = 0;
      const first: string[] = [];
      for (const m of want) {
        expect(m.rule).toBe(s.rule);
        // crushtool --test hashes x with --pool-id but keeps the DEFAULT choose_args (the
        // vectors prove it); an OSDMap mapping uses the pool's own choose_args.
        const x = s.pool_id === undefined ? m.x : crushHash32_2(m.x, s.pool_id);
        const got = crushDoRule(map, s.rule, x, s.num_rep, weights);
        if (got.join(',') !== m.osds.join(',')) {
          mismatches++;
          if (first.length < 5)
            first.push(`x=${m.x} want [${m.osds.join(',')}] got [${got.join(',')}]`);
        }
      }
      expect(first).toEqual([]);
      expect(mismatches).toBe(0);
    });
  }
});
