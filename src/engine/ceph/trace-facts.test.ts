/**
 * Facts the UI's views read from a Ceph trace (src/ui/derive/placement.ts, sequence.ts,
 * nvme.ts): the CRUSH hierarchy (`osd_tree`), `_calc_target`'s CRUSH steps, message effects on
 * the events that really send/receive them, object-store effects named like the media ones.
 */
import { describe, expect, it } from 'vitest';
import { runScenario } from '../scenario/runner.ts';
import type { Json, TraceEvent } from '../trace/event.ts';
import { CEPH_BUILTINS } from './builtins.ts';

type Rec = { [k: string]: Json };
const rec = (v: Json | undefined): Rec => v as Rec;

function run(name: string): TraceEvent[] {
  const doc = JSON.parse(JSON.stringify(CEPH_BUILTINS[name])) as unknown;
  const r = runScenario(doc);
  expect(r.result.ops.every((o) => o.rc === 0)).toBe(true);
  return r.events;
}

const failure = run('ceph-osd-failure');
const rbd = run('ceph-rbd-write');

interface TreeNode {
  id: number;
  name: string;
  type: string;
  children?: number[];
  crush_weight?: number;
  status?: string;
  reweight?: number;
}

describe('ceph trace facts for the views', () => {
  it('osd_tree comes before the first mapping and matches every OSDMap epoch', () => {
    const trees = failure.filter((e) => e.data?.osd_tree !== undefined);
    const firstCalc = failure.findIndex((e) => e.step === '_calc_target');
    expect(trees[0]!.step).toBe('handle_osd_map');
    expect(trees[0]!.seq).toBeLessThan(failure[firstCalc]!.seq);
    const maps = failure.filter((e) => e.step === 'OSDMonitor::update_from_paxos');
    expect(maps.length).toBeGreaterThanOrEqual(2); // down, then up again
    for (const e of [trees[0]!, ...maps]) {
      const t = rec(e.data!.osd_tree);
      const nodes = t.nodes as unknown as TreeNode[];
      expect(t.stray).toEqual([]);
      const osds = nodes.filter((n) => n.id >= 0);
      const down = new Set((e.data!.down as number[] | undefined) ?? []);
      expect(osds.map((n) => n.id).sort()).toEqual([0, 1, 2]);
      for (const o of osds) {
        expect(o.status).toBe(down.has(o.id) ? 'down' : 'up');
        expect(o.reweight).toBe(1);
        expect(o.crush_weight).toBeGreaterThan(0);
      }
      // one root whose children are the hosts, each host holding its OSD
      const byId = new Map(nodes.map((n) => [n.id, n]));
      const roots = nodes.filter((n) => !nodes.some((p) => p.children?.includes(n.id)));
      expect(roots.map((r) => r.type)).toEqual(['root']);
      const hosts = roots[0]!.children!.map((c) => byId.get(c)!);
      expect(hosts.every((h) => h.type === 'host')).toBe(true);
      expect(hosts.flatMap((h) => h.children!).sort()).toEqual([0, 1, 2]);
      expect(roots[0]!.crush_weight).toBeCloseTo(
        osds.reduce((s, o) => s + o.crush_weight!, 0),
        4,
      );
    }
    const downs = maps.map((e) => e.data!.down as number[]);
    expect(downs.some((d) => d.length > 0)).toBe(true);
  });

  it('_calc_target carries pool, raw_pg, pps and the CRUSH steps that gave its OSDs', () => {
    const calcs = [...failure, ...rbd].filter((e) => e.step === '_calc_target');
    expect(calcs.length).toBeGreaterThan(10);
    let shifted = 0;
    for (const e of calcs) {
      const d = e.data!;
      expect(typeof d.pool).toBe('number');
      expect(d.raw_pg).toBe(
        `${d.pool as number}.${parseInt(d.raw_hash as string, 16).toString(16)}`,
      );
      expect(typeof d.pps).toBe('number');
      const steps = d.crush as Rec[];
      expect(steps[0]!.op).toBe('take');
      expect(steps[0]!.item).toBe(-1);
      const leaf = steps.find((s) => s.op === 'chooseleaf_firstn')!;
      expect(leaf.type).toBe('host');
      const chosen = leaf.chosen as number[];
      expect(steps[steps.length - 1]!.items).toEqual(chosen);
      const up = d.up as number[];
      // CRUSH's raw result minus the OSDs that are down is the up set (replicated pools shift)
      expect(chosen.filter((o) => up.includes(o))).toEqual(up);
      if (chosen.length === up.length) expect(chosen).toEqual(up);
      else shifted++;
    }
    expect(shifted).toBeGreaterThan(0); // the failure run maps PGs with a down OSD
  });

  it('osd_op is sent on _send_op, before the OSD receives it; replies reach `client`', () => {
    for (const events of [failure, rbd]) {
      const sends = events.filter((e) =>
        e.effects?.some((f) => f.kind === 'msg.send' && f.msg === 'osd_op'),
      );
      expect(sends.length).toBeGreaterThan(0);
      const pending = new Map<string, number[]>();
      for (const e of sends) {
        expect(e.step).toBe('_send_op');
        const f = e.effects!.find((x) => x.kind === 'msg.send')!;
        expect(f.from).toBe('client');
        expect(f.from_entity).toMatch(/^client\.\d+$/);
        expect(f.to).toBe(`osd.${e.data!.osd as number}`);
        const q = pending.get(f.to as string) ?? [];
        q.push(e.seq);
        pending.set(f.to as string, q);
      }
      let recvs = 0;
      for (const e of events)
        for (const f of e.effects ?? []) {
          if (f.kind !== 'msg.recv') continue;
          if (f.msg === 'osd_op') {
            const sent = pending.get(f.to as string)?.shift();
            if (sent === undefined) continue; // its send was dropped: no recv pairs
            expect(sent).toBeLessThan(e.seq);
            expect(f.from).toBe('client');
            recvs++;
          } else if (f.msg === 'osd_op_reply') {
            expect(f.to).toBe('client');
            expect(e.actor).toBe('client');
            expect(f.from).toMatch(/^osd\.\d+$/);
          }
        }
      expect(recvs).toBeGreaterThan(0);
    }
  });

  it('object-store effects name the device `dev` (alloc/free with media nvme)', () => {
    const all = [...failure, ...rbd].flatMap((e) => e.effects ?? []);
    const store = all.filter((f) =>
      ['alloc', 'free', 'nvme.write', 'kv.commit', 'journal.append'].includes(f.kind),
    );
    expect(store.length).toBeGreaterThan(0);
    for (const f of store) {
      expect(f.device).toBeUndefined();
      expect(f.dev).toMatch(/^osd\.\d+/);
    }
    const allocs = store.filter((f) => f.kind === 'alloc');
    expect(allocs.length).toBeGreaterThan(0);
    for (const f of allocs) expect(f.media).toBe('nvme');
  });

  it('a removed object frees exactly the blocks BlueStore allocated for it', () => {
    const doc = JSON.parse(JSON.stringify(CEPH_BUILTINS['ceph-rados-put-get'])) as {
      ops: unknown[];
    };
    doc.ops = [doc.ops[0], { op: 'rados_remove', pool: 'sim', oid: 'obj-put-4k' }];
    const r = runScenario(doc);
    expect(r.result.ops.every((o) => o.rc === 0)).toBe(true);
    const byDev = (kind: string): Map<string, number[]> => {
      const m = new Map<string, number[]>();
      for (const e of r.events)
        for (const f of e.effects ?? []) {
          if (f.kind !== kind) continue;
          expect(f.media).toBe('nvme');
          const l = m.get(f.dev as string) ?? [];
          l.push(...(f.lbas as number[]));
          m.set(f.dev as string, l);
        }
      return m;
    };
    const allocs = byDev('alloc');
    const frees = byDev('free');
    expect(frees.size).toBe(3); // every replica
    for (const [dev, lbas] of frees) expect([...lbas].sort()).toEqual([...allocs.get(dev)!].sort());
  });
});
