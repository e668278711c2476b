import { describe, expect, it } from 'vitest';
import { buildOsdMap, checkCephPlacementConfig } from './build-osdmap.ts';
import { printCrushMap } from '../crush/text-printer.ts';

describe('buildOsdMap(cluster.ceph)', () => {
  it('defaults: 3 hosts × 1 OSD, pool rbd id 1, size 3 / min_size 2, pg_num 32, hashpspool', () => {
    const om = buildOsdMap(undefined);
    expect(om.maxOsd).toBe(3);
    const p = om.poolByName('rbd')!;
    expect(p).toMatchObject({ id: 1, size: 3, minSize: 2, pgNum: 32, pgpNum: 32, flags: 1 });
    expect(printCrushMap(om.crush)).toContain('step chooseleaf firstn 0 type host');
  });
  it('pools get ids 1, 2 … in order unless id is given', () => {
    const om = buildOsdMap({
      pools: [{ name: 'a' }, { name: 'b', id: 7 }, { name: 'c', size: 2 }],
    });
    expect([...om.pools.values()].map((p) => [p.name, p.id, p.minSize])).toEqual([
      ['a', 1, 2],
      ['b', 7, 2],
      ['c', 8, 1],
    ]);
  });
  it('reports the config path of the first problem', () => {
    expect(checkCephPlacementConfig({ pools: [{ name: 'a' }, { name: 'a' }] })).toBe(
      "pools[1].name: pool 'a' defined twice",
    );
    expect(checkCephPlacementConfig({ pools: [{ name: 'a', size: 0 }] })).toBe(
      'pools[0].size: expected an integer >= 1',
    );
    expect(checkCephPlacementConfig({ crush_map: 'type 0 osd\nbogus x {\n}\n' })).toBe(
      "crush_map: line 2: bucket type 'bogus' is not defined",
    );
    expect(checkCephPlacementConfig({ crush_map: { hosts: 0 } })).toBe(
      'crush_map.hosts: expected an integer >= 1',
    );
    expect(checkCephPlacementConfig({ pools: [{ name: 'a', crush_rule: 3 }] })).toBe(
      'pools[0].crush_rule: no CRUSH rule 3',
    );
    expect(checkCephPlacementConfig({ crush_map: { hosts: 4, osds_per_host: 2 } })).toBeNull();
  });
});
