/**
 * librbd's RADOS op sequences, object by object, against the real python-rbd captures
 * (__fixtures__/real-traces/rbd15.* = first 600 B write at 0, rbd17.* = 8 MiB write at 0)
 * and the sequences REPORT.md states for the second write (16) and the straddling write (18).
 * Watch/notify ops (notify, notify-ack) are not modelled and are left out of the comparison.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { runScenario } from '../scenario/runner.ts';
import type { OpDoc, ScenarioDoc } from '../scenario/types.ts';
import { cephSystem } from './scenario-ops.ts';

interface Dump {
  ops: Array<{ description: string }>;
}

const MIB = 1024 * 1024;

/** `osd_op(client.X.0:TID PG HOBJ [OPS] …)` → tid, object name (image id masked), op list. */
function parse(desc: string): { tid: number; obj: string; ops: string[] } | null {
  const m = /^osd_op\(client\.\d+\.0:(\d+) \S+ \d+:[0-9a-f]+:::(\S+):head \[(.*)\] snapc/.exec(
    desc,
  );
  if (!m) return null;
  const obj = (m[2] as string).replace(/\.[0-9a-f]{10,14}(\.|$)/, '.<id>$1');
  const ops = (m[3] as string)
    .split(',')
    .map((o) => o.replace(/ in=\d+b$/, '').replace(/ cookie \d+$/, ''));
  return { tid: Number(m[1]), obj, ops };
}

function realSequence(prefix: string): Map<string, string[][]> {
  const all: Array<{ tid: number; obj: string; ops: string[] }> = [];
  for (const n of [0, 1, 2]) {
    const d = JSON.parse(
      readFileSync(
        new URL(`./__fixtures__/real-traces/${prefix}.osd${n}.json`, import.meta.url),
        'utf8',
      ),
    ) as Dump;
    for (const o of d.ops) {
      const p = parse(o.description);
      if (p && !p.ops.some((x) => x.startsWith('notify'))) all.push(p);
    }
  }
  return perObject(all);
}

function perObject(
  ops: Array<{ tid: number; obj: string; ops: string[] }>,
): Map<string, string[][]> {
  const m = new Map<string, string[][]>();
  for (const o of [...ops].sort((a, b) => a.tid - b.tid))
    m.set(o.obj, [...(m.get(o.obj) ?? []), o.ops]);
  return m;
}

/** Run a document; the client ops (from every OSD's history) issued by scenario op `index`. */
function simulate(doc: ScenarioDoc): (index: number) => Map<string, string[][]> {
  const run = runScenario(doc);
  const tidToOp = new Map<number, number>();
  for (const e of run.events) {
    if (e.step === 'op_submit' && e.data && typeof e.data.tid === 'number')
      tidToOp.set(e.data.tid, e.op);
  }
  const sys = cephSystem(run.runner.world);
  run.runner.rt.sim.run({ untilTime: run.runner.rt.sim.now + 1e9 });
  const ops: Array<{ tid: number; obj: string; ops: string[]; op: number }> = [];
  for (const osd of sys.cluster.osds) {
    for (const t of osd?.tracker.historic ?? []) {
      const p = parse(t.description);
      if (p) ops.push({ ...p, op: tidToOp.get(p.tid) ?? -1 });
    }
  }
  return (index) => perObject(ops.filter((o) => o.op === index));
}

/** The real test cluster with a history big enough to keep every op (as the captures did). */
function doc(ops: OpDoc[]): ScenarioDoc {
  return {
    schema: 'iopath.scenario/1',
    seed: 3,
    cluster: {
      ceph: {
        crush_map: { hosts: 3, osds_per_host: 1 },
        pools: [
          { name: 'device_health_metrics', pg_num: 1 },
          { name: 'sim', pg_num: 16 },
          { name: 'rbd', pg_num: 16 },
        ],
        op_history_size: 5000,
      },
    },
    ops: [
      { op: 'rbd_create', pool: 'rbd', image: 'img', size: 64 * MIB },
      { op: 'rbd_open', pool: 'rbd', image: 'img' },
      ...ops,
    ],
  };
}

const w = (offset: number, len: number, byte: number): OpDoc => ({
  op: 'rbd_write',
  image: 'img',
  offset,
  value: { fill: 'byte', len, byte },
});

describe('RBD op sequences vs the real traces', () => {
  const sim = simulate(
    doc([w(0, 600, 1), w(4096, 600, 2), w(0, 8 * MIB, 3), w(4 * MIB - 300, 600, 4)]),
  );

  test('first write (capture 15): lock, object-map load and update, then set-alloc-hint + write', () => {
    const real = realSequence('rbd15');
    const got = sim(2);
    expect([...got.keys()].sort()).toEqual([...real.keys()].sort());
    // The real dump prints a read-only class call as a bare "call".
    const same = (r: string, m: string): boolean =>
      r === m || (r === 'call' && m.startsWith('call '));
    for (const [obj, seq] of real) {
      const mine = got.get(obj) ?? [];
      expect(mine.length, obj).toBe(seq.length);
      seq.forEach((ops, k) => {
        const m = mine[k] ?? [];
        expect(m.length, `${obj} #${k}`).toBe(ops.length);
        ops.forEach((r, x) =>
          expect(same(r, m[x] ?? ''), `${obj} #${k}: ${r} vs ${m[x]}`).toBe(true),
        );
      });
    }
  });

  test('second write to the same object (16): a single write, no object-map update', () => {
    expect([...sim(3)]).toEqual([['rbd_data.<id>.0000000000000000', [['write 4096~600']]]]);
  });

  test('8 MiB at 0 (capture 17): writefull on object 0, map update for object 1, hint + writefull', () => {
    const real = realSequence('rbd17');
    expect(new Map([...sim(4)].sort())).toEqual(new Map([...real].sort()));
  });

  test('600 B across the boundary (18): write 4194004~300 and write 0~300', () => {
    expect(new Map([...sim(5)].sort())).toEqual(
      new Map([
        ['rbd_data.<id>.0000000000000000', [['write 4194004~300']]],
        ['rbd_data.<id>.0000000000000001', [['write 0~300']]],
      ]),
    );
  });
});
