/**
 * OSD failure and recovery (spec §10): kill 1 of 3 OSDs during 1 000 writes (size 3,
 * min_size 2) — every acknowledged write survives, writes continue with two copies, and after
 * a restart log-based recovery brings the OSD back to the same data. Below min_size writes
 * block until an OSD returns.
 */
import { describe, expect, test } from 'vitest';
import { Rng } from '../core/rng.ts';
import { makeHarness, type Harness } from './testing/harness.ts';
import type { Proc } from '../core/sim.ts';
import { bytesEqual } from '../core/bytes.ts';

const CONFIG = {
  crush_map: { hosts: 3, osds_per_host: 1 },
  pools: [{ name: 'sim', size: 3, min_size: 2, pg_num: 16 }],
};

function payload(i: number, gen: number): Uint8Array {
  const r = new Rng(i * 7919 + gen, 'payload');
  const b = new Uint8Array(4096);
  for (let k = 0; k < b.length; k += 4) new DataView(b.buffer).setUint32(k, r.nextU32());
  return b;
}

/** Every OSD in an object's acting set holds exactly `want`. */
function checkReplicas(h: Harness, oid: string, want: Uint8Array): void {
  const p = h.cluster.map.mapObject(1, oid);
  expect(p.acting.length).toBe(3);
  for (const o of p.acting) {
    const got = h.cluster
      .osd(o)
      .store.readSync(`1.${p.pgid.ps.toString(16)}_head`, oid, 0, 1 << 20);
    expect(bytesEqual(got, want), `${oid} on osd.${o}`).toBe(true);
  }
}

describe.each(['bluestore', 'filestore'] as const)(
  '%s: kill 1 of 3 OSDs during 1000 writes',
  (store) => {
    test('no acknowledged write lost; writes continue; recovery restores the OSD', () => {
      const h = makeHarness({ ...CONFIG, objectstore: store }, 11);
      const N = 1000;
      const OBJECTS = 200;
      const latest = new Map<string, Uint8Array>();
      let ackedWhileDown = 0;
      const { client, cluster } = h;
      const body = function* (): Proc<void> {
        for (let i = 0; i < N; i++) {
          if (i === N / 2) cluster.killOsd(1);
          const oid = `obj-${i % OBJECTS}`;
          const data = payload(i, 1);
          yield* client.writeFull('sim', oid, data);
          latest.set(oid, data); // acknowledged
          if (i >= N / 2) ackedWhileDown++;
        }
      };
      h.run(body());
      expect(ackedWhileDown).toBe(N / 2);
      expect(cluster.map.isUp(1)).toBe(false);
      // Degraded PGs: acting sets without osd.1, writes went to two copies.
      const states = cluster.pgStates(1);
      expect(states.every((s) => !s.acting.includes(1))).toBe(true);
      expect(states.some((s) => s.state.includes('undersized+degraded'))).toBe(true);
      // Every acknowledged write reads back while osd.1 is down.
      h.run(
        (function* (): Proc<void> {
          for (const [oid, want] of latest)
            expect(bytesEqual(yield* client.read('sim', oid, 0, 8192), want)).toBe(true);
        })(),
      );
      // Restart: peering, then log-based recovery pushes what osd.1 missed.
      h.run(cluster.restartOsd(1));
      h.settle(20_000_000_000);
      expect(cluster.map.isUp(1)).toBe(true);
      expect(cluster.pgStates(1).map((s) => s.state)).toEqual(
        Array.from({ length: 16 }, () => 'active+clean'),
      );
      for (const [oid, want] of latest) checkReplicas(h, oid, want);
    });
  },
);

test('below min_size a write blocks until an OSD comes back', () => {
  const h = makeHarness({ ...CONFIG, objectstore: 'bluestore' }, 5);
  const { client, cluster } = h;
  h.run(client.writeFull('sim', 'x', payload(1, 1)));
  const p = cluster.map.mapObject(1, 'x');
  const [a, b] = p.acting.slice(1) as [number, number];
  cluster.killOsd(a);
  cluster.killOsd(b);
  let acked = false;
  const w = h.rt.sim.spawn(
    'w',
    (function* (): Proc<void> {
      yield* client.writeFull('sim', 'x', payload(2, 2));
      acked = true;
    })(),
    { op: 1, pipeline: 'ceph.write' },
  );
  // No client timeout (rados_osd_op_timeout 0): still waiting after 10 virtual minutes.
  h.rt.sim.run({ untilTime: h.rt.sim.now + 600_000_000_000 });
  expect(acked).toBe(false);
  expect(
    cluster.pgStates(1).find((s) => s.pgid === `1.${p.pgid.ps.toString(16)}`)?.state,
  ).toContain('peered');
  h.run(cluster.restartOsd(a));
  h.rt.sim.runToCompletion(w);
  expect(acked).toBe(true);
  const back = h.run(client.read('sim', 'x', 0, 4096));
  expect(bytesEqual(back, payload(2, 2))).toBe(true);
});

test('primary killed during a write: the client resends (RETRY=1) to the new primary', () => {
  const h = makeHarness({ ...CONFIG, objectstore: 'bluestore', op_history_size: 1000 }, 9);
  const { client, cluster } = h;
  const p = cluster.map.mapObject(1, 'y');
  const oldPrimary = p.primary;
  let acked = false;
  const w = h.rt.sim.spawn(
    'w',
    (function* (): Proc<void> {
      yield* client.writeFull('sim', 'y', payload(3, 3));
      acked = true;
    })(),
    { op: 0, pipeline: 'ceph.write' },
  );
  // The MOSDOp is on the wire: kill the primary before it arrives.
  h.rt.sim.run({ untilTime: h.rt.sim.now + 10_000 });
  cluster.killOsd(oldPrimary);
  h.rt.sim.runToCompletion(w);
  expect(acked).toBe(true);
  const np = cluster.map.mapObject(1, 'y').primary;
  expect(np).not.toBe(oldPrimary);
  const descs = cluster.osd(np).tracker.historic.map((o) => o.description);
  expect(descs.some((d) => d.includes('RETRY=1 ondisk+retry+write+known_if_redirected'))).toBe(
    true,
  );
  expect(bytesEqual(h.run(client.read('sim', 'y', 0, 4096)), payload(3, 3))).toBe(true);
});
