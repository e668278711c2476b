/**
 * Network faults in a Ceph cluster (net-faults.ts, msg/messenger.ts, osd/heartbeat.ts):
 * partitions between OSDs, between the client and a primary, between an OSD and the monitor,
 * and lost messages on lossless (OSD ↔ OSD) and lossy (client ↔ OSD) connections. Size 3,
 * min_size 2, three hosts of one OSD each.
 */
import { describe, expect, test } from 'vitest';
import { Rng } from '../core/rng.ts';
import { bytesEqual } from '../core/bytes.ts';
import type { Proc } from '../core/sim.ts';
import type { Json, TraceEvent } from '../trace/event.ts';
import { ScenarioRunner } from '../scenario/runner.ts';
import { ensureSystemsRegistered } from '../scenario/systems.ts';
import { getOp } from '../scenario/registry.ts';
import { getStep } from '../pipelines/index.ts';
import { makeHarness, type Harness } from './testing/harness.ts';
import { tcpRetransmitAfter } from './msg/messenger.ts';
import { reqidStr } from './types.ts';

ensureSystemsRegistered();

const CONFIG = {
  crush_map: { hosts: 3, osds_per_host: 1 },
  pools: [{ name: 'sim', size: 3, min_size: 2, pg_num: 16 }],
  objectstore: 'bluestore',
};
const S = 1_000_000_000;

function payload(i: number): Uint8Array {
  const r = new Rng(i * 7919 + 1, 'payload');
  const b = new Uint8Array(4096);
  for (let k = 0; k < b.length; k += 4) new DataView(b.buffer).setUint32(k, r.nextU32());
  return b;
}

function steps(h: Harness, step: string): TraceEvent[] {
  return h.rt.trace.events.filter((e) => e.step === step);
}

/** Epochs that marked an OSD down: [osd, time]. */
function markdowns(h: Harness): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let down = new Set<number>();
  for (const e of steps(h, 'OSDMonitor::update_from_paxos')) {
    const now = new Set((e.data as { down: number[] }).down);
    for (const o of now) if (!down.has(o)) out.push([o, e.t]);
    down = now;
  }
  return out;
}

/** Every OSD of the object's acting set holds exactly `want`. */
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

function allClean(h: Harness): void {
  expect(h.cluster.pgStates(1).map((s) => s.state)).toEqual(
    Array.from({ length: 16 }, () => 'active+clean'),
  );
}

test('TCP retransmission: the first RTO after the heal (0.2 s doubling, max 120 s)', () => {
  expect(tcpRetransmitAfter(0, 1)).toBe(0.2 * S);
  expect(tcpRetransmitAfter(0, 0.5 * S)).toBe(0.6 * S);
  // 0.2+0.4+…+51.2 = 102.2 s is the first retransmission after a 90 s cut.
  expect(tcpRetransmitAfter(0, 90 * S)).toBeCloseTo(102.2 * S, -3);
  expect(tcpRetransmitAfter(5, 5)).toBe(5);
});

describe('partition: osd.1 cut from both peers during writes', () => {
  const h = makeHarness(CONFIG, 21);
  const { client, cluster } = h;
  const latest = new Map<string, Uint8Array>();
  let healAt = 0;
  let acked = 0;
  h.run(
    (function* (): Proc<void> {
      for (let i = 0; i < 240; i++) {
        if (i === 80) {
          healAt = h.rt.sim.now + 90 * S;
          cluster.partition('osd.1', 'osd.0', healAt);
          cluster.partition('osd.1', 'osd.2', healAt);
        }
        const oid = `obj-${i % 40}`;
        const data = payload(i);
        yield* client.writeFull('sim', oid, data);
        latest.set(oid, data);
        acked++;
        // The last third after the heal.
        if (i === 159 && h.rt.sim.now < healAt + 30 * S) h.settle(healAt + 30 * S - h.rt.sim.now);
      }
    })(),
  );
  h.settle(60 * S);

  test('osd.1 (two reporters) is marked down, and only osd.1', () => {
    const md = markdowns(h);
    expect(md.map(([o]) => o)).toEqual([1]);
    const [, at] = md[0] as [number, number];
    expect(at).toBeLessThan(healAt);
    const reporters = steps(h, 'OSDMonitor::prepare_failure')
      .filter((e) => (e.data as { target: string }).target === 'osd.1')
      .map((e) => (e.data as { reporter: string }).reporter);
    expect(new Set(reporters)).toEqual(new Set(['osd.0', 'osd.2']));
    // osd.1 reported both peers too, but one reporter is not enough for either.
    expect(steps(h, 'heartbeat_check').some((e) => e.actor === 'osd.1')).toBe(true);
  });

  test('writes continue while it is down; every acknowledged write survives', () => {
    expect(acked).toBe(240);
    for (const [oid, want] of latest) checkReplicas(h, oid, want);
  });

  test('osd.1 was wrongly marked down, waited for healthy peers, booted after the heal', () => {
    const wrong = steps(h, '_committed_osd_maps');
    expect(wrong.map((e) => e.actor)).toEqual(['osd.1']);
    expect(String((wrong[0]?.data as { log: string }).log)).toMatch(/wrongly marked me down/);
    const boot = steps(h, '_send_boot');
    expect(boot.map((e) => e.actor)).toEqual(['osd.1']);
    expect(boot[0]?.t).toBeGreaterThanOrEqual(healAt);
    expect(steps(h, 'OSDMonitor::prepare_boot')).toHaveLength(1);
    expect(cluster.map.isUp(1)).toBe(true);
    allClean(h);
  });

  test('the partition shows as dropped messages; the queue drains when healthy', () => {
    const drops = h.rt.trace.events.flatMap((e) =>
      (e.effects ?? []).filter((f) => f.kind === 'msg.drop'),
    );
    expect(drops.some((f) => f.reason === 'partition' && f.msg === 'osd_ping')).toBe(true);
    expect(h.rt.sim.pending).toBe(0);
  });
});

describe('isolated OSD over many seeds', () => {
  test.each([1, 2, 3, 4, 5, 6])(
    'seed %i: only it goes down, it comes back, nothing lost',
    (seed) => {
      const h = makeHarness(CONFIG, seed);
      const { client, cluster } = h;
      const x = seed % 3;
      const peers = [0, 1, 2].filter((o) => o !== x);
      const latest = new Map<string, Uint8Array>();
      h.run(
        (function* (): Proc<void> {
          for (let i = 0; i < 60; i++) {
            if (i === 20)
              for (const p of peers)
                cluster.partition(`osd.${x}`, `osd.${p}`, h.rt.sim.now + 40 * S);
            const oid = `s-${i % 12}`;
            yield* client.writeFull('sim', oid, payload(seed * 1000 + i));
            latest.set(oid, payload(seed * 1000 + i));
          }
        })(),
      );
      h.settle(200 * S);
      expect(markdowns(h).map(([o]) => o)).toEqual([x]);
      expect(cluster.healthy()).toBe(true);
      expect(h.rt.sim.pending).toBe(0);
      for (const [oid, want] of latest) checkReplicas(h, oid, want);
    },
  );
});

describe('partition: osd.1 ↔ osd.2 only', () => {
  test('they report each other, nobody is marked down, blocked writes finish after the heal', () => {
    const h = makeHarness(CONFIG, 4);
    const { client, cluster } = h;
    const heal = 60 * S;
    cluster.partition('osd.1', 'osd.2', heal);
    const done: number[] = [];
    h.run(
      (function* (): Proc<void> {
        for (let i = 0; i < 16; i++) {
          yield* client.writeFull('sim', `o${i}`, payload(i));
          done.push(h.rt.sim.now);
        }
      })(),
    );
    h.settle(60 * S);
    expect(markdowns(h)).toEqual([]);
    const reports = steps(h, 'OSDMonitor::prepare_failure').filter(
      (e) => !(e.data as { still_alive?: boolean }).still_alive,
    );
    expect(
      new Set(
        reports.map(
          (e) =>
            `${(e.data as { reporter: string }).reporter}>${(e.data as { target: string }).target}`,
        ),
      ),
    ).toEqual(new Set(['osd.1>osd.2', 'osd.2>osd.1']));
    // Both reports are cancelled once the pings get through.
    const alive = steps(h, 'send_still_alive').map((e) => e.actor);
    expect(new Set(alive)).toEqual(new Set(['osd.1', 'osd.2']));
    // Some write had osd.1 and osd.2 as primary and replica: it waited for the heal.
    expect(Math.max(...done)).toBeGreaterThanOrEqual(heal);
    for (let i = 0; i < 16; i++) checkReplicas(h, `o${i}`, payload(i));
    allClean(h);
    expect(h.rt.sim.pending).toBe(0);
  });
});

describe('client ↔ primary', () => {
  test('partition: the op arrives after the heal and is applied exactly once', () => {
    const h = makeHarness(CONFIG, 7);
    const { client, cluster } = h;
    const p = cluster.map.mapObject(1, 'z');
    const heal = 30 * S;
    cluster.partition('client', `osd.${p.primary}`, heal);
    h.run(client.append('sim', 'z', payload(1)));
    expect(h.rt.sim.now).toBeGreaterThanOrEqual(heal);
    expect(markdowns(h)).toEqual([]);
    h.settle();
    checkReplicas(h, 'z', payload(1));
  });

  test('the reply is lost: the session resets, the resend is answered from the PG log', () => {
    const h = makeHarness(CONFIG, 8);
    const { client, cluster } = h;
    const p = cluster.map.mapObject(1, 'a');
    cluster.dropMessages(1, `osd.${p.primary}`, 'client');
    h.run(client.append('sim', 'a', payload(2)));
    h.settle();
    // append applied once: the object is one payload long on every replica.
    checkReplicas(h, 'a', payload(2));
    expect(steps(h, 'ms_handle_reset')).toHaveLength(1);
    const dup = steps(h, 'already_complete');
    expect(dup).toHaveLength(1);
    const prim = cluster.osd(p.primary).pg(p.pgid);
    const reqid = (dup[0]?.data as { reqid: string }).reqid;
    expect(prim?.log.entries.filter((e) => reqidStr(e.reqid) === reqid)).toHaveLength(1);
    const drop = h.rt.trace.events
      .flatMap((e) => e.effects ?? [])
      .find((f) => f.kind === 'msg.drop');
    expect(drop).toMatchObject({ msg: 'osd_op_reply', policy: 'lossy', to: 'client' });
  });
});

describe('lost repops (lossless OSD ↔ OSD connection)', () => {
  test('the connection reconnects after 0.2 s and resends: the write completes, replicas agree', () => {
    const h = makeHarness(CONFIG, 9);
    const { client, cluster } = h;
    const p = cluster.map.mapObject(1, 'r');
    const replica = p.acting.find((o) => o !== p.primary) as number;
    cluster.dropMessages(2, `osd.${p.primary}`, `osd.${replica}`);
    const t0 = h.rt.sim.now;
    h.run(client.writeFull('sim', 'r', payload(3)));
    h.run(client.writeFull('sim', 'r', payload(4)));
    // Each write waited for the reconnect (ms_initial_backoff) of its lost repop.
    expect(h.rt.sim.now - t0).toBeGreaterThanOrEqual(0.4 * S);
    h.settle();
    checkReplicas(h, 'r', payload(4));
    const drops = h.rt.trace.events
      .flatMap((e) => e.effects ?? [])
      .filter((f) => f.kind === 'msg.drop');
    expect(drops.map((f) => [f.msg, f.policy])).toEqual([
      ['osd_repop', 'lossless'],
      ['osd_repop', 'lossless'],
    ]);
    expect(markdowns(h)).toEqual([]);
  });
});

describe('OSD ↔ monitor', () => {
  test('a reporter cut from the monitor delays the markdown of a dead OSD until the heal', () => {
    const h = makeHarness(CONFIG, 10);
    const { cluster } = h;
    const heal = 60 * S;
    cluster.partition('osd.0', 'mon.a', heal);
    cluster.killOsd(1);
    h.settle(120 * S);
    const md = markdowns(h);
    expect(md.map(([o]) => o)).toEqual([1]);
    expect((md[0] as [number, number])[1]).toBeGreaterThanOrEqual(heal);
    expect(cluster.map.isUp(0)).toBe(true);
  });
});

describe('scenario ops', () => {
  const doc = (ops: Json[]) => ({
    schema: 'iopath.scenario/1',
    seed: 3,
    cluster: { ceph: CONFIG },
    ops,
  });
  const OPS: Json[] = [
    { op: 'rados_write_full', pool: 'sim', oid: 'k', value: { utf8: 'one' } },
    { op: 'fault_partition', between: ['osd.1', 'osd.0'], ns: 40_000_000_000 },
    { op: 'fault_partition', between: ['osd.1', 'osd.2'], ns: 40_000_000_000 },
    { op: 'rados_write_full', pool: 'sim', oid: 'k', value: { utf8: 'two' } },
    { op: 'fault_drop_messages', from: 'osd.0', to: 'client', count: 1 },
    { op: 'rados_write_full', pool: 'sim', oid: 'k2', value: { utf8: 'three' } },
    { op: 'fault_partition', wait: true },
    { op: 'rados_read', pool: 'sim', oid: 'k' },
  ];

  test('run to the end; same seed, same trace', () => {
    const a = new ScenarioRunner(doc(OPS));
    const ra = a.runAll();
    expect(ra.ops.map((o) => o.rc)).toEqual(OPS.map(() => 0));
    expect(ra.ops[6]).toMatchObject({ result: { healthy: true } });
    // Every step is in its event's pipeline (the UI draws it there).
    for (const e of a.events)
      expect(getStep(e.pipeline, e.step), `${e.pipeline} ${e.step}`).toBeDefined();
    for (const s of ['heartbeat_check', '_committed_osd_maps', '_send_boot', 'ms_handle_reset'])
      expect(
        a.events.some((e) => e.step === s),
        s,
      ).toBe(true);
    const b = new ScenarioRunner(doc(OPS));
    b.runAll();
    expect(JSON.stringify(b.events)).toBe(JSON.stringify(a.events));
    const part = a.events.filter((e) => e.step === 'fault_partition');
    expect(part[0]).toMatchObject({ actor: 'network', pipeline: 'ceph.recovery' });
  });

  test('checks and dispatch', () => {
    const part = getOp('fault_partition');
    expect(part?.check({ op: 'fault_partition', between: ['osd.1', 'engine0.tgt0'] })).toMatch(
      /not in the same system/,
    );
    expect(part?.check({ op: 'fault_partition', between: ['osd.1', 'mon'] })).toBeNull();
    const drop = getOp('fault_drop_messages');
    expect(drop?.check({ op: 'fault_drop_messages', from: 'osd.1', count: 2 })).toBeNull();
    const r = new ScenarioRunner(
      doc([{ op: 'fault_partition', between: ['osd.7', 'osd.0'] }] as Json[]),
    );
    expect(() => r.runAll()).toThrow(/no osd\.7/);
  });
});
