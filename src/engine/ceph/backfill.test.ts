/**
 * Backfill (spec §10.4): an OSD whose last_update is older than the PG log's tail (the log
 * was trimmed past it while it was down) cannot recover from the log — the primary scans its
 * objects and pushes/removes until both hold the same objects.
 */
import { expect, test } from 'vitest';
import { bytesEqual } from '../core/bytes.ts';
import { Rng } from '../core/rng.ts';
import type { Proc } from '../core/sim.ts';
import { makeHarness } from './testing/harness.ts';

function payload(i: number): Uint8Array {
  const r = new Rng(i * 31 + 7, 'backfill');
  const b = new Uint8Array(2048);
  for (let k = 0; k < b.length; k += 4) new DataView(b.buffer).setUint32(k, r.nextU32());
  return b;
}

test.each(['bluestore', 'filestore'] as const)(
  '%s: the log trimmed past a down OSD → backfill brings it to the same objects',
  (store) => {
    const h = makeHarness(
      {
        crush_map: { hosts: 3, osds_per_host: 1 },
        pools: [{ name: 'sim', size: 3, min_size: 2, pg_num: 4 }],
        objectstore: store,
        osd_min_pg_log_entries: 10,
        osd_max_pg_log_entries: 20,
        osd_pg_log_trim_min: 5,
      },
      21,
    );
    const { client, cluster } = h;
    const latest = new Map<string, Uint8Array>();
    h.run(
      (function* (): Proc<void> {
        for (let i = 0; i < 24; i++) {
          yield* client.writeFull('sim', `o-${i}`, payload(i));
          latest.set(`o-${i}`, payload(i));
        }
      })(),
    );
    cluster.killOsd(1);
    h.run(
      (function* (): Proc<void> {
        for (let i = 0; i < 160; i++) {
          const oid = i % 3 === 0 ? `n-${i % 12}` : `o-${i % 24}`;
          yield* client.writeFull('sim', oid, payload(1000 + i));
          latest.set(oid, payload(1000 + i));
        }
        for (let i = 0; i < 4; i++) {
          yield* client.remove('sim', `o-${i}`);
          latest.delete(`o-${i}`);
        }
      })(),
    );
    expect(cluster.map.isUp(1)).toBe(false);
    h.run(cluster.restartOsd(1));
    h.settle(40_000_000_000);
    const events = h.rt.trace.events;
    const steps = new Set(events.map((e) => e.step));
    for (const s of ['Backfilling', 'recover_backfill', 'do_scan', 'handle_backfill_remove'])
      expect(steps.has(s), s).toBe(true);
    expect(cluster.pgStates(1).map((s) => s.state)).toEqual(
      Array.from({ length: 4 }, () => 'active+clean'),
    );
    // Every OSD of every PG holds exactly the acknowledged objects, byte for byte.
    for (const s of cluster.pgStates(1)) {
      const coll = `${s.pgid}_head`;
      const want = [...latest.keys()]
        .filter(
          (oid) =>
            cluster.map.mapObject(1, oid).pgid.ps === parseInt(s.pgid.split('.')[1] ?? '', 16),
        )
        .sort();
      for (const o of s.acting) {
        const st = cluster.osd(o).store;
        expect(
          st.list(coll).filter((x) => x !== 'pgmeta'),
          `${coll} on osd.${o}`,
        ).toEqual(want);
        for (const oid of want)
          expect(
            bytesEqual(st.readSync(coll, oid, 0, 1 << 20), latest.get(oid) as Uint8Array),
            `${oid} on osd.${o}`,
          ).toBe(true);
      }
    }
  },
);
