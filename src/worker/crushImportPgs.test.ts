/**
 * The PG → OSD rows of an imported crushtool map against crushtool itself: every vector file
 * in __fixtures__/crush-pg (made by make-vectors.sh there with Ceph 16.2.15's crushtool) is one
 * pool — `<map>_pool1_rule<R>_size<N>_pg<P>.txt` — and must match row for row.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { createEngineAdapter } from './engineAdapter.ts';
import { CRUSH_IMPORT_SCHEMA, crushImportDocToEvents, crushTextToEvents } from './crushImport.ts';

const DIR = new URL('./__fixtures__/crush-pg/', import.meta.url);
const MAPS: Record<string, string> = {
  real3: 'provided/real_cluster_3osd_crushmap.txt',
  classes10: 'generated/classes10.txt',
  rack16: 'generated/rack16_firefly.txt',
};
const mapText = (key: string): string =>
  readFileSync(new URL(`../engine/ceph/__fixtures__/${MAPS[key]}`, import.meta.url), 'utf8');

interface Row {
  pgid: string;
  up: number[];
  acting: number[];
  primary: number;
}

const vectors = readdirSync(DIR).filter((f) => f.endsWith('.txt'));

describe('crushtool map import: PG → OSD mappings match crushtool --test --pool-id 1', () => {
  test('the vector set is there', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(5);
  });
  for (const file of vectors) {
    test(file, () => {
      const m = /^(\w+?)_pool1_rule(\d+)_size(\d+)_pg(\d+)\.txt$/.exec(file)!;
      const [, key, rule, size, pgNum] = m;
      const want = readFileSync(new URL(file, DIR), 'utf8')
        .trim()
        .split('\n')
        .map((l) => {
          const v = /^CRUSH rule (\d+) x (\d+) \[([\d,]*)\]$/.exec(l)!;
          return { x: Number(v[2]), osds: v[3] === '' ? [] : v[3]!.split(',').map(Number) };
        });
      expect(want).toHaveLength(Number(pgNum));
      const r = crushTextToEvents(mapText(key!), {
        size: Number(size),
        pg_num: Number(pgNum),
        crush_rule: Number(rule),
      });
      expect(r.ok ? '' : r.error).toBe('');
      if (!r.ok) return;
      const data = r.events[0]!.data!;
      expect(data.pool).toMatchObject({
        id: 1,
        size: Number(size),
        pg_num: Number(pgNum),
        crush_rule: Number(rule),
      });
      const rows = data.pgs as unknown as Row[];
      expect(rows).toHaveLength(want.length);
      const bad: string[] = [];
      want.forEach((w, i) => {
        const row = rows[i]!;
        // PG seed x of pool 1 prints as 1.<x in hex>; all OSDs are up and in: up = acting =
        // CRUSH's output, the primary is its first OSD.
        const ok =
          row.pgid === `1.${w.x.toString(16)}` &&
          row.up.join(',') === w.osds.join(',') &&
          row.acting.join(',') === w.osds.join(',') &&
          row.primary === (w.osds[0] ?? -1);
        if (!ok && bad.length < 5)
          bad.push(`x=${w.x} want [${w.osds.join(',')}] got ${JSON.stringify(row)}`);
      });
      expect(bad).toEqual([]);
    });
  }
});

describe('iopath.crush-import/1: the page asks for another pool', () => {
  const text = mapText('classes10');
  const doc = (pool: unknown) =>
    JSON.stringify({ schema: CRUSH_IMPORT_SCHEMA, crush_map: text, pool });

  test('defaults: size 3, pg_num 32, the first rule', () => {
    const r = crushTextToEvents(text);
    expect(r.ok && r.events[0]!.data!.pool).toEqual({
      id: 1,
      name: 'imported',
      size: 3,
      pg_num: 32,
      crush_rule: 0,
      rule_name: 'any',
    });
    expect(r.ok && (r.events[0]!.data!.pgs as unknown[]).length).toBe(32);
    expect(r.ok && r.events[0]!.caption).toMatch(/pg_num 32, rule 0 any\): 32 PGs/);
  });

  test('the worker adapter runs the document; bad pools name the field', () => {
    const eng = createEngineAdapter();
    const r = eng.parseTrace(doc({ size: 2, pg_num: 8, crush_rule: 1 }));
    expect(r.ok && r.events[0]!.data!.pool).toMatchObject({ size: 2, pg_num: 8, rule_name: 'ssd' });
    const err = (pool: unknown) => {
      const x = eng.parseTrace(doc(pool));
      return x.ok ? 'accepted' : x.error;
    };
    expect(err({ crush_rule: 9 })).toBe(
      'pool.crush_rule: the map has no rule 9 (rules: 0, 1, 2, 3)',
    );
    expect(err({ pg_num: 0 })).toBe('pool.pg_num: expected 1..4096');
    expect(err({ size: 11 })).toBe('pool.size: expected 1..10');
    expect(err({ size: -1 })).toBe('pool.size: expected an integer ≥ 0');
    expect(err('x')).toBe('pool: expected {size, pg_num, crush_rule}');
    expect(crushImportDocToEvents('{"schema":"iopath.trace/1","events":[]}')).toBeNull();
  });
});
