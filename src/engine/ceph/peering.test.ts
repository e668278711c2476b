/**
 * Peering as messages (spec §10.2): GetInfo (MOSDPGQuery → MOSDPGNotify), GetLog
 * (MOSDPGLog from the authoritative peer), GetMissing (peers' logs → pg_missing_t),
 * Activating (MOSDPGLog activate → MOSDPGInfo acks); divergent entries are rewound.
 */
import { describe, expect, test } from 'vitest';
import { bytesEqual, utf8Encode } from '../core/bytes.ts';
import type { Proc } from '../core/sim.ts';
import { runScenario } from '../scenario/runner.ts';
import type { TraceEvent } from '../trace/event.ts';
import { CEPH_BUILTINS } from './builtins.ts';
import { makeHarness } from './testing/harness.ts';

type D = Record<string, unknown>;
const data = (e: TraceEvent): D => e.data ?? {};

describe('ceph-osd-failure: every peering round is a message exchange', () => {
  const { events } = runScenario(JSON.parse(JSON.stringify(CEPH_BUILTINS['ceph-osd-failure'])));
  const rounds = events.filter((e) => e.step === 'GetInfo');

  test('the PGs peer twice (osd.1 down, osd.1 back) with GetInfo → … → AllReplicasActivated', () => {
    expect(rounds.length).toBeGreaterThanOrEqual(16);
    for (const g of rounds) {
      const pg = data(g).pg as string;
      const epoch = data(g).epoch as number;
      const primary = g.actor;
      const peers = data(g).query as number[];
      // the events of this round: from GetInfo up to its AllReplicasActivated
      const i0 = events.indexOf(g);
      const end = events.findIndex(
        (e, i) => i > i0 && e.step === 'AllReplicasActivated' && data(e).pg === pg,
      );
      expect(end, `${pg} e${epoch} activates`).toBeGreaterThan(i0);
      const round = events.slice(i0, end + 1).filter((e) => data(e).pg === pg);
      const steps = round.filter((e) => e.actor === primary).map((e) => e.step);
      const order = ['GetInfo', 'GetLog', 'GetMissing', 'WaitUpThru', 'Activating'];
      expect(steps.filter((s) => order.includes(s))).toEqual(order);
      // one fulfill_info per peer (on that peer), answered before GetLog
      const getLog = round.findIndex((e) => e.step === 'GetLog');
      for (const p of peers) {
        const f = round.findIndex((e) => e.step === 'fulfill_info' && e.actor === `osd.${p}`);
        const r = round.findIndex((e) => e.step === 'proc_replica_info' && data(e).from === p);
        expect(f, `${pg} osd.${p} fulfill_info`).toBeGreaterThanOrEqual(0);
        expect(f).toBeLessThan(r);
        expect(r).toBeLessThan(getLog);
        const a = round.findIndex((e) => e.step === 'ReplicaActive' && e.actor === `osd.${p}`);
        expect(a, `${pg} osd.${p} ReplicaActive`).toBeGreaterThan(
          round.findIndex((e) => e.step === 'Activating'),
        );
      }
    }
  });

  test('the queries, notifies, logs and acks travel as messages', () => {
    const sent = new Set(
      events.flatMap((e) =>
        (e.effects ?? []).filter((f) => f.kind === 'msg.send').map((f) => (f as D).msg as string),
      ),
    );
    for (const t of ['pg_query', 'pg_notify', 'pg_log', 'pg_info'])
      expect(sent.has(t), t).toBe(true);
  });

  test('the returning OSD sends its log (GetMissing) and gets what it lacks on activation', () => {
    const prl = events.filter((e) => e.step === 'proc_replica_log');
    expect(prl.length).toBeGreaterThan(0);
    for (const e of prl) {
      expect(data(e).from).toBe(1);
      const fl = events.find(
        (x) => x.step === 'fulfill_log' && x.actor === 'osd.1' && data(x).pg === data(e).pg,
      );
      expect(fl && fl.seq < e.seq).toBe(true);
      const act = events.find(
        (x) =>
          x.step === 'ReplicaActive' &&
          x.actor === 'osd.1' &&
          data(x).pg === data(e).pg &&
          x.seq > e.seq,
      );
      expect(data(act as TraceEvent).missing).toEqual(data(e).missing);
    }
  });
});

test('a primary that logged a write its replicas never got rewinds it when it comes back', () => {
  const h = makeHarness(
    {
      crush_map: { hosts: 3, osds_per_host: 1 },
      pools: [{ name: 'sim', size: 3, min_size: 2, pg_num: 8 }],
      objectstore: 'bluestore',
    },
    3,
  );
  const { client, cluster } = h;
  const v = (s: string): Uint8Array => utf8Encode(s.repeat(512));
  h.run(client.writeFull('sim', 'd', v('1')));
  const p = cluster.map.mapObject(1, 'd');
  const [prim, a, b] = p.acting as [number, number, number];
  // The repops of the next write are lost on the wire; the primary logs and commits locally.
  cluster.msgr.dropNext(1, `osd.${prim}`, `osd.${a}`);
  cluster.msgr.dropNext(1, `osd.${prim}`, `osd.${b}`);
  let acked = false;
  const w = h.rt.sim.spawn(
    'w2',
    (function* (): Proc<void> {
      yield* client.writeFull('sim', 'd', v('2'));
      acked = true;
    })(),
    { op: 1, pipeline: 'ceph.write' },
  );
  h.rt.sim.run({ untilTime: h.rt.sim.now + 20_000_000 });
  const pg = cluster.osd(prim).pg(p.pgid);
  const divergent = pg?.log.head;
  expect(divergent?.version).toBe(2);
  expect(acked).toBe(false);
  // The primary dies; after the grace the others peer without it; the client resends there.
  cluster.killOsd(prim);
  h.rt.sim.runToCompletion(w);
  expect(acked).toBe(true);
  h.run(client.writeFull('sim', 'd', v('3')));
  // It comes back (primary again): its entry is divergent, the peers' log is authoritative.
  h.run(cluster.restartOsd(prim));
  h.settle(20_000_000_000);
  const pml = h.rt.trace.events.find(
    (e) => e.step === 'proc_master_log' && e.actor === `osd.${prim}` && data(e).pg === pg?.name,
  );
  expect(data(pml as TraceEvent).divergent).toEqual([`${divergent?.epoch}'2`]);
  const back = cluster.osd(prim).pg(p.pgid);
  expect(
    back?.log.entries.some((e) => e.version.epoch === divergent?.epoch && e.version.version === 2),
  ).toBe(false);
  expect(cluster.pgStates(1).every((s) => s.state === 'active+clean')).toBe(true);
  for (const o of [prim, a, b]) {
    const got = cluster.osd(o).store.readSync(`${pg?.name}_head`, 'd', 0, 1 << 20);
    expect(bytesEqual(got, v('3')), `osd.${o}`).toBe(true);
  }
  expect(bytesEqual(h.run(client.read('sim', 'd', 0, 8192)), v('3'))).toBe(true);
});
