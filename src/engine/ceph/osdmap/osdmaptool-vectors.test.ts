/**
 * osdmaptool vectors: object → PG → OSDs (`--test-map-object`) and whole-pool PG dumps
 * (`--test-map-pgs-dump`, also with `--mark-out`), for OSDMaps built like
 * `osdmaptool --createsimple N --with-default-pool --pg-bits B --pgp-bits B` +
 * `--import-crush map4.bin` + `--mark-up-in`. Listed in __fixtures__/osdmap-vectors.json.
 */
import { describe, expect, it } from 'vitest';
import { fixtureJson, fixtureText } from '../__fixtures__/load.ts';
import { adjustItemWeight, getItemWeight } from '../crush/reweight.ts';
import { parseCrushMap } from '../crush/text-parser.ts';
import { OsdMap } from './osdmap.ts';
import { formatPgId } from './pg.ts';
import { formatPoolLine, makePool, type PgPool } from './pool.ts';

interface OsdmapVectorSet {
  crush: string;
  max_osd: number;
  pool: {
    id: number;
    name: string;
    pg_num: number;
    pgp_num?: number;
    size?: number;
    hashpspool?: boolean;
    crush_rule?: number;
  };
  mark_out?: number[];
  mark_down?: number[];
  reweight?: Record<string, number>;
  primary_affinity?: Record<string, number>;
  /** `ceph osd pg-upmap-items PG FROM TO …` lines (osdmaptool --upmap output). */
  upmap_commands?: string;
  objects?: string;
  pgs_dump?: string;
  /** `--test-map-pgs-dump-all`: `1.0 raw ([2,9,7], p2) up ([2,9,7], p2) acting ([2,9,7], p2)`. */
  pgs_dump_all?: string;
  print?: string;
}

const sets = fixtureJson<OsdmapVectorSet[]>('osdmap-vectors.json');

function build(s: OsdmapVectorSet): { om: OsdMap; pool: PgPool } {
  const crush = parseCrushMap(fixtureText(s.crush));
  // osdmaptool --mark-up-in also gives every OSD whose CRUSH weight is 0 a weight of 1.0
  // (osdmaptool.cc: `if (crush->get_item_weight(i) == 0) adjust_item_weightf(i, 1.0)`).
  for (let i = 0; i < s.max_osd; i++)
    if (getItemWeight(crush, i) === 0) adjustItemWeight(crush, i, 0x10000);
  const om = new OsdMap(crush, s.max_osd);
  const spec: Parameters<typeof makePool>[0] = {
    id: s.pool.id,
    name: s.pool.name,
    pgNum: s.pool.pg_num,
    application: 'rbd',
  };
  if (s.pool.pgp_num !== undefined) spec.pgpNum = s.pool.pgp_num;
  if (s.pool.size !== undefined) spec.size = s.pool.size;
  if (s.pool.hashpspool !== undefined) spec.hashpspool = s.pool.hashpspool;
  if (s.pool.crush_rule !== undefined) spec.crushRule = s.pool.crush_rule;
  const pool = makePool(spec);
  om.addPool(pool);
  for (const o of s.mark_out ?? []) om.markOut(o);
  for (const o of s.mark_down ?? []) om.markDown(o);
  for (const [o, w] of Object.entries(s.reweight ?? {}))
    om.setWeight(Number(o), Math.trunc(w * 0x10000));
  for (const [o, a] of Object.entries(s.primary_affinity ?? {}))
    om.setPrimaryAffinity(Number(o), Math.trunc(a * 0x10000));
  if (s.upmap_commands) {
    for (const line of fixtureText(s.upmap_commands).split('\n')) {
      const m = /^ceph osd pg-upmap-items (\d+)\.([0-9a-f]+) ([\d ]+)$/.exec(line.trim());
      if (!m) continue;
      const nums = m[3]!.split(' ').map(Number);
      const pairs: [number, number][] = [];
      for (let i = 0; i + 1 < nums.length; i += 2) pairs.push([nums[i]!, nums[i + 1]!]);
      om.setPgUpmapItems({ pool: Number(m[1]), seed: parseInt(m[2]!, 16) }, pairs);
    }
  }
  return { om, pool };
}

describe('osdmaptool vectors', () => {
  it('has vector sets', () => expect(sets.length).toBeGreaterThanOrEqual(8));
  for (const s of sets) {
    if (s.objects) {
      it(`objects: ${s.objects}`, () => {
        const { om, pool } = build(s);
        const lines = fixtureText(s.objects!)
          .split('\n')
          .filter((l) => l.includes("object '"));
        expect(lines.length).toBeGreaterThan(0);
        const bad: string[] = [];
        for (const line of lines) {
          const m = /object '(.*)' -> (\S+) -> \[([-\d,]*)\]/.exec(line)!;
          const r = om.mapObject(pool, m[1]!);
          const got = `${formatPgId(r.pgid)} [${r.acting.join(',')}]`;
          if (got !== `${m[2]} [${m[3]}]`) bad.push(`${line.trim()} got ${got}`);
        }
        expect(bad).toEqual([]);
      });
    }
    if (s.pgs_dump) {
      it(`pgs dump: ${s.pgs_dump}`, () => {
        const { om, pool } = build(s);
        const lines = fixtureText(s.pgs_dump!)
          .split('\n')
          .filter((l) => /^\d+\.[0-9a-f]+\t/.test(l));
        expect(lines.length).toBe(pool.pgNum);
        const bad: string[] = [];
        for (const line of lines) {
          const [pg, osds, primary] = line.split('\t') as [string, string, string];
          const seed = parseInt(pg.split('.')[1]!, 16);
          const r = om.pgToUpActing(pool, { pool: pool.id, seed });
          const got = `${formatPgId(r.pgid)}\t[${r.acting.join(',')}]\t${r.actingPrimary}`;
          if (got !== `${pg}\t${osds}\t${primary}`) bad.push(`${line} got ${got}`);
        }
        expect(bad).toEqual([]);
      });
    }
    if (s.pgs_dump_all) {
      it(`pgs dump all: ${s.pgs_dump_all}`, () => {
        const { om, pool } = build(s);
        const lines = fixtureText(s.pgs_dump_all!)
          .split('\n')
          .filter((l) => l.includes(' raw ('));
        expect(lines.length).toBe(pool.pgNum);
        const bad: string[] = [];
        for (const line of lines) {
          const pg = line.split(' ')[0]!;
          const seed = parseInt(pg.split('.')[1]!, 16);
          const r = om.pgToUpActing(pool, { pool: pool.id, seed });
          const got =
            `${formatPgId(r.pgid)} raw ([${r.raw.join(',')}], p${r.raw[0] ?? -1})` +
            ` up ([${r.up.join(',')}], p${r.upPrimary}) acting ([${r.acting.join(',')}], p${r.actingPrimary})`;
          if (got !== line) bad.push(`${line} got ${got}`);
        }
        expect(bad).toEqual([]);
      });
    }
    if (s.print) {
      it(`pool line: ${s.print}`, () => {
        const { pool } = build(s);
        const want = fixtureText(s.print!)
          .split('\n')
          .find((l) => l.startsWith('pool '));
        expect(formatPoolLine(pool)).toBe(want);
      });
    }
  }
});

describe('OSDMap pipeline', () => {
  const base = (): { om: OsdMap; pool: PgPool } =>
    build({ crush: 'provided/map4.txt', max_osd: 8, pool: { id: 1, name: 'rbd', pg_num: 64 } });

  it('spec §3.3 worked example: rbd_data.1014b8b4567.0000000000000000', () => {
    const { om, pool } = base();
    const r = om.mapObject(pool, 'rbd_data.1014b8b4567.0000000000000000');
    expect(r.rawPgid.seed).toBe(0xf4cdbd3b);
    expect(formatPgId(r.pgid)).toBe('1.3b');
    expect(r.pps).toBe(0x94d6dd9e);
    expect(r.up).toEqual([4, 3, 6]);
    expect(r.upPrimary).toBe(4);
  });

  it('a down OSD leaves up/acting but stays in the raw CRUSH result (undersized, not remapped)', () => {
    const { om, pool } = base();
    const before = om.mapObject(pool, 'rbd_data.1014b8b4567.0000000000000000');
    const e0 = om.epoch;
    om.markDown(4);
    expect(om.epoch).toBe(e0 + 1);
    const after = om.mapObject(pool, 'rbd_data.1014b8b4567.0000000000000000');
    expect(after.raw).toEqual(before.raw);
    expect(after.up).toEqual([3, 6]);
    expect(after.actingPrimary).toBe(3);
    om.markOut(4);
    const out = om.mapObject(pool, 'rbd_data.1014b8b4567.0000000000000000');
    expect(out.up.length).toBe(3);
    expect(out.up).not.toContain(4);
  });

  it('primary affinity 0 moves the primary role to the next OSD and to the front', () => {
    const { om, pool } = base();
    om.setPrimaryAffinity(4, 0);
    const r = om.mapObject(pool, 'rbd_data.1014b8b4567.0000000000000000');
    expect(r.up).toEqual([3, 4, 6]);
    expect(r.upPrimary).toBe(3);
  });

  it('pg_temp overrides acting; primary_temp overrides the acting primary', () => {
    const { om, pool } = base();
    const pg = { pool: 1, seed: 0x3b };
    om.setPgTemp(pg, [6, 3, 4]);
    let r = om.pgToUpActing(pool, pg);
    expect(r.up).toEqual([4, 3, 6]);
    expect(r.acting).toEqual([6, 3, 4]);
    expect(r.actingPrimary).toBe(6);
    om.setPrimaryTemp(pg, 3);
    r = om.pgToUpActing(pool, pg);
    expect(r.actingPrimary).toBe(3);
  });
});
