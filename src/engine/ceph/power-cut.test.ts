/**
 * `fault_power_cut {osd}`: one OSD of a size-3 pool loses power in the middle of a write burst
 * (concurrent writers, so its device has commands in flight). No acknowledged write is lost,
 * and after `restart` (remount from the durable image, then peering + log recovery) all three
 * OSDs hold identical objects.
 */
import { describe, expect, test } from 'vitest';
import { bytesEqual } from '../core/bytes.ts';
import { Rng } from '../core/rng.ts';
import type { Proc } from '../core/sim.ts';
import { getOp } from '../scenario/registry.ts';
import { runScenario } from '../scenario/runner.ts';
import { ensureSystemsRegistered } from '../scenario/systems.ts';
import type { ScenarioDoc } from '../scenario/types.ts';
import { cutOsdPower } from './power-cut.ts';
import { makeHarness } from './testing/harness.ts';

ensureSystemsRegistered();

const CONFIG = {
  crush_map: { hosts: 3, osds_per_host: 1 },
  pools: [{ name: 'sim', size: 3, min_size: 2, pg_num: 8 }],
};

function payload(i: number): Uint8Array {
  const r = new Rng(i * 7919 + 1, 'payload');
  const b = new Uint8Array(4096);
  for (let k = 0; k < b.length; k += 4) new DataView(b.buffer).setUint32(k, r.nextU32());
  return b;
}

describe.each(['bluestore', 'filestore'] as const)('%s: power cut of osd.1', (store) => {
  test('no acknowledged write lost; after restart the three OSDs hold identical objects', () => {
    const h = makeHarness({ ...CONFIG, objectstore: store }, 21);
    const { client, cluster, rt } = h;
    const WRITERS = 6;
    const PER = 40;
    const acked = new Map<string, Uint8Array>();
    let cutAtInflight = -1;
    const writers = Array.from({ length: WRITERS }, (_, w) =>
      rt.sim.spawn(
        `writer${w}`,
        (function* (): Proc<void> {
          for (let i = 0; i < PER; i++) {
            const n = w * PER + i;
            if (w === 0 && i === PER / 2) {
              cutAtInflight = acked.size;
              cutOsdPower(cluster, 1);
            }
            const oid = `obj-${n % 50}`;
            const data = payload(n);
            yield* client.writeFull('sim', oid, data);
            acked.set(oid, data);
          }
        })(),
        { op: w, pipeline: 'ceph.write' },
      ),
    );
    for (const wr of writers) rt.sim.runToCompletion(wr);
    expect(cutAtInflight).toBeGreaterThan(0);
    expect(cluster.osd(1).alive).toBe(false);
    expect(cluster.device(1)?.poweredOff).toBe(true);
    h.settle(60_000_000_000);
    expect(cluster.map.isUp(1)).toBe(false); // marked down after the heartbeat grace

    h.run(cluster.restartOsd(1));
    h.settle(60_000_000_000);
    expect(cluster.device(1)?.poweredOff).toBe(false);
    expect(cluster.map.isUp(1)).toBe(true);
    expect(cluster.pgStates(1).map((s) => s.state)).toEqual(
      Array.from({ length: 8 }, () => 'active+clean'),
    );
    expect(acked.size).toBe(50);
    for (const [oid, want] of acked) {
      const p = cluster.map.mapObject(1, oid);
      expect(p.acting).toHaveLength(3);
      for (const o of p.acting) {
        const got = cluster
          .osd(o)
          .store.readSync(`1.${p.pgid.ps.toString(16)}_head`, oid, 0, 1 << 20);
        expect(bytesEqual(got, want), `${oid} on osd.${o}`).toBe(true);
      }
    }
    // The same object set on every OSD, PG by PG.
    for (let ps = 0; ps < 8; ps++) {
      const coll = `1.${ps.toString(16)}_head`;
      const lists = [0, 1, 2].map((o) => cluster.osd(o).store.list(coll).sort());
      expect(lists[1]).toEqual(lists[0]);
      expect(lists[2]).toEqual(lists[0]);
    }
  });
});

describe('fault_power_cut op: target xor osd', () => {
  const spec = getOp('fault_power_cut');
  test('both target and osd: the check names the field', () => {
    expect(spec?.check({ op: 'fault_power_cut', target: 'engine0.tgt0', osd: 'osd.1' })).toMatch(
      /^osd: give exactly one of target/,
    );
    expect(spec?.check({ op: 'fault_power_cut' })).toMatch(/^target:/);
    expect(spec?.check({ op: 'fault_power_cut', osd: 'osd1' })).toMatch(/^osd: expected/);
    expect(spec?.check({ op: 'fault_power_cut', osd: 'osd.1', at_step: '' })).toMatch(
      /^at_step: expected a step id/,
    );
    expect(
      spec?.check({ op: 'fault_power_cut', osd: 'osd.1', at_step: 'do_aio_write' }),
    ).toBeNull();
    expect(spec?.check({ op: 'fault_power_cut', osd: 'osd.1' })).toBeNull();
    expect(spec?.check({ op: 'fault_power_cut', osd: 2 })).toBeNull();
    expect(spec?.check({ op: 'fault_power_cut', target: 'engine0.tgt0' })).toBeNull();
  });

  const doc = (osd: string): ScenarioDoc => ({
    schema: 'iopath.scenario/1',
    seed: 1,
    cluster: { ceph: CONFIG },
    ops: [
      { op: 'rados_write_full', pool: 'sim', oid: 'a', value: { utf8: 'hello' } },
      { op: 'fault_power_cut', osd },
      { op: 'rados_read', pool: 'sim', oid: 'a', len: 5 },
      { op: 'restart', osd: 1 },
      { op: 'rados_read', pool: 'sim', oid: 'a', len: 5 },
    ],
  });

  test('osd.9 on a 3-OSD cluster: the error names the field', () => {
    expect(() => runScenario(doc('osd.9'))).toThrow(/ops\[1\]\.osd: no osd\.9/);
  });

  test('a scenario cuts osd.1 and restarts it', () => {
    const { result } = runScenario(doc('osd.1'));
    expect(result.ops.map((r) => r.rc)).toEqual([0, 0, 0, 0, 0]);
    expect(result.ops[1]?.result).toEqual({ osd: 'osd.1', cut: 'now' });
    expect(JSON.stringify(result.ops[4]?.result)).toContain('hello');
  });
});
