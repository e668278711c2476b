/**
 * CRUSH speed: `crush_do_rule` mappings per second on the 12-OSD map of the vector set
 * (map2: 4 hosts × 3 OSDs, unequal weights, straw2, jewel tunables), 3 replicas, rule 0
 * (`chooseleaf firstn 0 type host`) — plus the same with one OSD out (more retries), and
 * the whole object → PG → up/acting pipeline of an OSDMap (rjenkins, stable_mod, pps,
 * CRUSH, up/acting) on map4 with a 64-PG pool.
 */
import { readFileSync } from 'node:fs';
import { parseCrushMap } from '../src/engine/ceph/crush/text-parser.ts';
import { crushDoRule } from '../src/engine/ceph/crush/mapper.ts';
import { crushtoolWeights } from '../src/engine/ceph/crush/build.ts';
import { OsdMap } from '../src/engine/ceph/osdmap/osdmap.ts';
import { makePool } from '../src/engine/ceph/osdmap/pool.ts';
import type { Benchmark } from './types.ts';

const fixture = (name: string): string =>
  readFileSync(
    new URL(`../src/engine/ceph/__fixtures__/provided/${name}`, import.meta.url),
    'utf8',
  );

const map2 = parseCrushMap(fixture('map2.txt'));
const weights = crushtoolWeights(map2);
const weightsOut = crushtoolWeights(map2, new Map([[6, 0]]));
const N = 20_000;

const om = new OsdMap(parseCrushMap(fixture('map4.txt')), 8);
const pool = makePool({ id: 1, name: 'rbd', pgNum: 64 });
om.addPool(pool);
const names = Array.from(
  { length: 2_000 },
  (_, i) => `rbd_data.1014b8b4567.${i.toString(16).padStart(16, '0')}`,
);

let x0 = 0;

export const benchmarks: Benchmark[] = [
  {
    name: 'crush_do_rule, 12-OSD map2, 3 replicas',
    run() {
      let sink = 0;
      for (let i = 0; i < N; i++) sink += crushDoRule(map2, 0, x0 + i, 3, weights).length;
      x0 += N;
      if (sink !== 3 * N) throw new Error('short mapping');
      return { mappings: N };
    },
  },
  {
    name: 'crush_do_rule, 12-OSD map2, 3 replicas, osd.6 out',
    run() {
      for (let i = 0; i < N; i++) crushDoRule(map2, 0, x0 + i, 3, weightsOut);
      x0 += N;
      return { mappings: N };
    },
  },
  {
    name: 'OSDMap object -> PG -> up/acting (map4, 64 PGs)',
    run() {
      for (const n of names) om.mapObject(pool, n);
      return { objects: names.length };
    },
  },
];
