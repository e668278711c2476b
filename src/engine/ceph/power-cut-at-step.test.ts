/**
 * `fault_power_cut {osd, at_step}` and `device_write_cache`: the cut lands at one of the OSD
 * device's persistence points in the middle of a replicated write burst. With the volatile
 * cache the device also loses its unflushed writes — the store's metadata is on the device,
 * so the remount sees exactly what was durable. After `restart` (remount, then peering + log
 * recovery from the peers) all three OSDs hold identical objects and every acknowledged
 * write reads back.
 */
import { describe, expect, test } from 'vitest';
import { bytesEqual } from '../core/bytes.ts';
import { Rng } from '../core/rng.ts';
import type { Proc } from '../core/sim.ts';
import { runScenario } from '../scenario/runner.ts';
import { ensureSystemsRegistered } from '../scenario/systems.ts';
import type { ScenarioDoc } from '../scenario/types.ts';
import { armOsdPowerCut } from './power-cut.ts';
import { makeHarness } from './testing/harness.ts';

ensureSystemsRegistered();

const CONFIG = {
  crush_map: { hosts: 3, osds_per_host: 1 },
  pools: [{ name: 'sim', size: 3, min_size: 2, pg_num: 8 }],
};

function payload(i: number, n: number): Uint8Array {
  const r = new Rng(i * 7919 + 3, 'payload');
  const b = new Uint8Array(n);
  for (let k = 0; k + 4 <= b.length; k += 4) new DataView(b.buffer).setUint32(k, r.nextU32());
  return b;
}

describe.each([
  ['bluestore', false],
  ['bluestore', true],
  ['filestore', true],
] as const)('%s, device_write_cache %s: cut at a persistence point', (store, cache) => {
  for (const skip of [0, 5, 23]) {
    test(`after ${skip} persistence points of osd.1: recovery restores identical data`, () => {
      const h = makeHarness({ ...CONFIG, objectstore: store, device_write_cache: cache }, 5);
      const { client, cluster, rt } = h;
      expect(cluster.device(1)?.volatileCache).toBe(cache);
      let cutAt = '';
      armOsdPowerCut(cluster, 1, { skip, onCut: (at) => (cutAt = at.kind) });
      const acked = new Map<string, Uint8Array>();
      const writers = Array.from({ length: 4 }, (_, w) =>
        h.start(
          (function* (): Proc<void> {
            for (let i = 0; i < 12; i++) {
              const n = w * 12 + i;
              const oid = `o${n % 20}`;
              // small (deferred / journal) and 64 KiB (direct) writes
              const data = payload(n, n % 3 === 0 ? 65536 : 3000 + n);
              yield* client.writeFull('sim', oid, data);
              acked.set(oid, data);
            }
          })(),
          w,
        ),
      );
      for (const wr of writers) rt.sim.runToCompletion(wr);
      expect(cutAt).toMatch(/^nvme\.(write|flush)$/);
      expect(cluster.osd(1).alive).toBe(false);
      h.settle(60_000_000_000);
      h.run(cluster.restartOsd(1), 99, 'ceph.recovery');
      h.settle(60_000_000_000);
      expect(cluster.pgStates(1).every((s) => s.state === 'active+clean')).toBe(true);
      expect(acked.size).toBe(20);
      for (const [oid, want] of acked) {
        const p = cluster.map.mapObject(1, oid);
        for (const o of p.acting) {
          const got = cluster
            .osd(o)
            .store.readSync(`1.${p.pgid.ps.toString(16)}_head`, oid, 0, 1 << 20);
          expect(bytesEqual(got, want), `${oid} on osd.${o}`).toBe(true);
        }
      }
    });
  }
});

describe('fault_power_cut {osd, at_step} in a scenario', () => {
  const doc = (store: string, atStep: string): ScenarioDoc => ({
    schema: 'iopath.scenario/1',
    seed: 3,
    cluster: { ceph: { ...CONFIG, objectstore: store, device_write_cache: true } },
    ops: [
      { op: 'fault_power_cut', osd: 'osd.1', at_step: atStep },
      { op: 'rados_write_full', pool: 'sim', oid: 'a', value: { utf8: 'hello' } },
      { op: 'rados_write_full', pool: 'sim', oid: 'b', value: { utf8: 'world' } },
      { op: 'restart', osd: 1 },
      { op: 'rados_read', pool: 'sim', oid: 'a', len: 5 },
      { op: 'rados_read', pool: 'sim', oid: 'b', len: 5 },
    ],
  });

  test.each([
    ['bluestore', '_kv_sync_thread'],
    ['bluestore', 'queue_transactions'],
    ['filestore', 'do_aio_write'],
  ])('%s at %s: armed, cut, restarted, the data reads back', (store, step) => {
    const { result, events } = runScenario(doc(store, step));
    expect(result.ops.map((r) => r.rc)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(result.ops[0]?.result).toEqual({ osd: 'osd.1', armed: step });
    const cut = events.filter((e) => e.step === 'fault_power_cut' && e.actor === 'osd.1');
    expect(cut).toHaveLength(2); // armed, then where it landed
    expect(JSON.stringify(cut[1]?.data)).toMatch(/nvme\.(write|flush)/);
    expect(JSON.stringify(result.ops[4]?.result)).toContain('hello');
    expect(JSON.stringify(result.ops[5]?.result)).toContain('world');
  });
});
