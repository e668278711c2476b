import { describe, expect, it } from 'vitest';
import { runScenario } from '../../scenario/runner.ts';
import { getPipeline } from '../../pipelines/index.ts';
import { fixtureText, parseMappings } from '../__fixtures__/load.ts';

const map4 = fixtureText('provided/map4.txt');
const map1 = fixtureText('provided/map1.txt');

function run(doc: object) {
  return runScenario({ schema: 'iopath.scenario/1', seed: 1, ...doc });
}

describe('ceph_osd_map', () => {
  it('maps like osdmaptool on map4 / pool rbd pg_num 64 (every object of the vector file)', () => {
    const lines = fixtureText('provided/osdmap_pool1_pg64_objects.txt')
      .split('\n')
      .filter((l) => l.includes("object '"))
      .slice(0, 40);
    const parsed = lines.map((l) => /object '(.*)' -> (\S+) -> \[([-\d,]*)\]/.exec(l)!);
    const { result } = run({
      cluster: {
        ceph: { crush_map: map4, pools: [{ name: 'rbd', size: 3, min_size: 2, pg_num: 64 }] },
      },
      ops: parsed.map((m) => ({ op: 'ceph_osd_map', pool: 'rbd', oid: m[1] })),
    });
    result.ops.forEach((r, i) => {
      const m = parsed[i]!;
      expect(r.rc).toBe(0);
      expect(r.result!.pg).toBe(m[2]);
      expect(r.result!.acting).toEqual(m[3]!.split(',').map(Number));
      expect(r.result!.up).toEqual(m[3]!.split(',').map(Number));
      expect(r.result!.primary).toBe(Number(m[3]!.split(',')[0]));
    });
  });

  it('the real cluster: pool 2 "sim", obj-put-4k → 2.0 [2,1,0] (ceph osd map on the live 16.2.15 cluster)', () => {
    const { result } = run({
      cluster: {
        ceph: {
          crush_map: fixtureText('provided/real_cluster_3osd_crushmap.txt'),
          pools: [
            { name: 'device_health_metrics', pg_num: 1 },
            { name: 'sim', pg_num: 16 },
          ],
        },
      },
      ops: [{ op: 'ceph_osd_map', pool: 'sim', oid: 'obj-put-4k' }],
    });
    expect(result.ops[0]!.result).toMatchObject({
      pg: '2.0',
      raw_pg: '2.bd554330',
      up: [2, 1, 0],
      primary: 2,
    });
  });

  it('default cluster {hosts:3, osds_per_host:1}: a PG lands on one OSD per host', () => {
    const { result } = run({
      cluster: {
        ceph: { crush_map: { hosts: 3, osds_per_host: 2 }, pools: [{ name: 'rbd', pg_num: 32 }] },
      },
      ops: [
        { op: 'ceph_osd_map', pool: 'rbd', oid: 'foo' },
        { op: 'ceph_osd_map', pool: 1, oid: 'foo' },
        { op: 'ceph_osd_map', pool: 'nope', oid: 'foo' },
      ],
    });
    const r = result.ops[0]!.result!;
    const up = r.up as number[];
    expect(up.length).toBe(3);
    expect(new Set(up.map((o) => Math.floor(o / 2))).size).toBe(3);
    expect(result.ops[1]!.result).toEqual(r);
    expect(result.ops[2]!.rc_name).toBe('ENOENT');
  });

  it('emits the ceph.placement steps, with CRUSH inside, properly nested', () => {
    const { events } = run({
      cluster: { ceph: { crush_map: map1, pools: [{ name: 'rbd', pg_num: 64 }] } },
      ops: [{ op: 'ceph_osd_map', pool: 'rbd', oid: 'testobj' }],
    });
    const p = getPipeline('ceph.placement')!;
    const ids = new Set(p.steps.map((s) => s.id));
    for (const e of events) {
      expect(e.pipeline).toBe('ceph.placement');
      expect(ids.has(e.step), e.step).toBe(true);
    }
    const order = events.filter((e) => e.phase !== 'exit').map((e) => e.step);
    const firsts = order.filter((s, i) => order.indexOf(s) === i);
    expect(firsts.slice(0, 6)).toEqual([
      'preprocess_command',
      'object_locator_to_pg',
      'raw_pg_to_pg',
      'raw_pg_to_pps',
      'crush_do_rule',
      'crush_choose_firstn',
    ]);
    const depth = new Map<string, number>();
    for (const e of events) {
      if (e.phase === 'enter') depth.set(e.step, (depth.get(e.step) ?? 0) + 1);
      if (e.phase === 'exit') depth.set(e.step, (depth.get(e.step) ?? 0) - 1);
      for (const v of depth.values()) expect(v).toBeGreaterThanOrEqual(0);
    }
    for (const v of depth.values()) expect(v).toBe(0);
  });
});

describe('crush_map', () => {
  it('reproduces crushtool --show-mappings with --weight (map2, osd.6 out, osd.11 0.3)', () => {
    const want = parseMappings(
      fixtureText('provided/map2_rule0_rep3_osd6out_osd11rw0.3.txt'),
    ).slice(0, 64);
    const { result } = run({
      cluster: { ceph: { crush_map: fixtureText('provided/map2.txt') } },
      ops: want.map((w) => ({
        op: 'crush_map',
        x: w.x,
        rule: 0,
        num_rep: 3,
        reweight: { '6': 0, '11': 0.3 },
      })),
    });
    result.ops.forEach((r, i) => {
      expect(r.rc).toBe(0);
      expect(r.result!.osds).toEqual(want[i]!.osds);
      expect(r.result!.line).toBe(`CRUSH rule 0 x ${want[i]!.x} [${want[i]!.osds.join(',')}]`);
    });
  });

  it('spec §4.6 worked example is visible in the trace: map1 x=0 → [0,3,5]', () => {
    const { result, events } = run({
      cluster: { ceph: { crush_map: map1 } },
      ops: [{ op: 'crush_map', x: 0, rule: 0, num_rep: 3 }],
    });
    expect(result.ops[0]!.result!.osds).toEqual([0, 3, 5]);
    const rootDraws = events
      .filter((e) => e.step === 'crush_bucket_choose' && e.data!.bucket === -4)
      .map((e) => [e.data!.r, e.data!.item]);
    expect(rootDraws).toEqual([
      [0, -1],
      [1, -1],
      [2, -2],
      [2, -2],
      [3, -2],
      [4, -2],
      [5, -1],
      [6, -2],
      [7, -3],
    ]);
    const leaf = events
      .filter((e) => e.step === 'crush_bucket_choose' && (e.data!.item as number) >= 0)
      .map((e) => [e.data!.bucket, e.data!.r, e.data!.item]);
    expect(leaf).toEqual([
      [-1, 0, 0],
      [-2, 2, 3],
      [-3, 7, 5],
    ]);
  });

  it('rejects bad arguments with the argument path', () => {
    const { result } = run({ ops: [{ op: 'crush_map', x: 1, rule: 9, num_rep: 3 }] });
    expect(result.ops[0]!.rc_name).toBe('ENOENT');
    expect(() => run({ ops: [{ op: 'crush_map', x: 'a', rule: 0, num_rep: 3 }] })).toThrow(
      'ops[0].x: expected a 32-bit integer',
    );
    expect(() => run({ ops: [{ op: 'ceph_osd_map', pool: 'rbd' }] })).toThrow(
      'ops[0].oid: expected an object name',
    );
  });
});

describe('ceph_osd_map with a running Ceph system', () => {
  it('follows the live map: a down OSD leaves up/acting, the epoch is the live one', async () => {
    const { createRuntime } = await import('../../core/runtime.ts');
    const { World } = await import('../../scenario/world.ts');
    const { PLACEMENT_OPS } = await import('./placement-ops.ts');
    const doc = {
      schema: 'iopath.scenario/1' as const,
      cluster: { ceph: { crush_map: map4, pools: [{ name: 'rbd', pg_num: 64 }] } },
      ops: [],
    };
    const rt = createRuntime(1);
    const world = new World(rt, doc);
    // A stand-in for the IO system: only `map.epoch` and `map.isUp` are read.
    world.system('ceph', () => ({ map: { epoch: 42, isUp: (o: number) => o !== 4 } }));
    const op = PLACEMENT_OPS.find((o) => o.name === 'ceph_osd_map')!;
    const out = rt.sim.runToCompletion(
      rt.sim.spawn(
        't',
        op.run(
          { op: 'ceph_osd_map', pool: 'rbd', oid: 'rbd_data.1014b8b4567.0000000000000000' },
          world,
          0,
        ),
      ),
    );
    expect(out.rc).toBe(0);
    expect(out.result).toMatchObject({
      pg: '1.3b',
      up: [3, 6],
      acting: [3, 6],
      primary: 3,
      epoch: 42,
    });
  });
});
