/**
 * The simulated OpTracker event sequences and dump JSON against real Ceph 16.2.15 dumps
 * (__fixtures__/real-traces, see its README): same event names in the same order for the
 * primary write, the replica repop, the primary's repop replies and the read; same JSON keys;
 * same descriptions for the same object on the same CRUSH map and pools.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { makeHarness } from './testing/harness.ts';
import { realClusterConfig } from './testing/real-cluster.ts';

interface DumpOp {
  description: string;
  type_data: { flag_point: string; client_info?: unknown; events: Array<{ event: string }> };
}
interface Dump {
  ops: DumpOp[];
}

function fixture(name: string): Dump {
  return JSON.parse(
    readFileSync(new URL(`./__fixtures__/real-traces/${name}`, import.meta.url), 'utf8'),
  ) as Dump;
}

const norm = (e: string): string =>
  e.replace(/^waiting for subops from .*$/, 'waiting for subops from <replicas>');
const seq = (o: DumpOp): string => o.type_data.events.map((e) => norm(e.event)).join(' > ');
type Kind = 'write' | 'read' | 'repop' | 'repop_reply';
function kind(d: string): Kind | 'other' {
  if (d.startsWith('osd_repop_reply(')) return 'repop_reply';
  if (d.startsWith('osd_repop(')) return 'repop';
  if (d.startsWith('osd_op(')) return d.includes('+write+') ? 'write' : 'read';
  return 'other';
}
function byKind(dumps: Dump[]): Map<Kind, DumpOp[]> {
  const m = new Map<Kind, DumpOp[]>();
  for (const d of dumps)
    for (const o of d.ops) {
      const k = kind(o.description);
      if (k === 'other') continue;
      m.set(k, [...(m.get(k) ?? []), o]);
    }
  return m;
}
/** Key structure of a JSON value (object keys recursively, arrays by their first element). */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? [shape(v[0])] : [];
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)]));
  return typeof v;
}

function simulate(store: 'bluestore' | 'filestore'): {
  dumps: Dump[];
  raw: Record<string, unknown>;
} {
  const h = makeHarness(realClusterConfig(store), 7);
  const data = new Uint8Array(4096).fill(0x5a);
  h.run(h.client.writeFull('sim', 'obj-put-4k', data));
  h.settle(1_000_000);
  const back = h.run(h.client.read('sim', 'obj-put-4k', 0, 5120), undefined, 'ceph.read');
  expect(back).toEqual(data);
  h.settle(1_000_000);
  const raw = h.cluster.historicOps() as unknown as Record<string, Dump>;
  return { dumps: Object.values(raw), raw };
}

describe.each(['bluestore', 'filestore'] as const)('%s OSDs vs real dumps', (store) => {
  const sim = byKind(simulate(store).dumps);
  const realMem = byKind([
    fixture('put4k.osd2.primary.json'),
    fixture('put4k.osd1.replica.json'),
    fixture('get5k.osd2.primary.json'),
  ]);
  const realLive =
    store === 'bluestore'
      ? byKind([
          fixture('bluestore_put4k.osd3.primary.json'),
          fixture('bluestore_put4k.osd2.replica.json'),
        ])
      : byKind([
          fixture('filestore_put4k.osd5.primary.json'),
          fixture('filestore_put4k.osd4.replica.json'),
        ]);

  test('one primary write, two repops, two repop replies, one read', () => {
    expect(sim.get('write')?.length).toBe(1);
    expect(sim.get('repop')?.length).toBe(2);
    expect(sim.get('repop_reply')?.length).toBe(2);
    expect(sim.get('read')?.length).toBe(1);
  });

  test('primary write events equal a real primary sequence', () => {
    const allowed = new Set(
      [
        ...(realLive.get('write') ?? []),
        ...(store === 'bluestore' ? (realMem.get('write') ?? []) : []),
      ].map(seq),
    );
    for (const o of sim.get('write') ?? []) expect(allowed).toContain(seq(o));
  });

  test('replica repop events equal the real replica sequence', () => {
    const real = new Set((realLive.get('repop') ?? []).map(seq));
    for (const o of sim.get('repop') ?? []) expect(real).toContain(seq(o));
  });

  test('repop reply events equal the real ones', () => {
    const real = new Set(
      [...(realLive.get('repop_reply') ?? []), ...(realMem.get('repop_reply') ?? [])].map(seq),
    );
    for (const o of sim.get('repop_reply') ?? []) expect(real).toContain(seq(o));
  });

  test('read events equal the real read', () => {
    const real = (realMem.get('read') ?? []).map(seq);
    expect((sim.get('read') ?? []).map(seq)).toEqual(real);
  });

  test('flag points equal the real ones per op kind', () => {
    for (const k of ['write', 'repop', 'repop_reply', 'read'] as const) {
      const real = new Set(
        [...(realMem.get(k) ?? []), ...(realLive.get(k) ?? [])].map((o) => o.type_data.flag_point),
      );
      for (const o of sim.get(k) ?? []) expect(real).toContain(o.type_data.flag_point);
    }
  });
});

test('dump JSON has the real shape, descriptions match the real cluster object for object', () => {
  const { raw } = simulate('bluestore');
  const real = fixture('put4k.osd2.primary.json');
  const simPrimary = raw['osd.2'] as Dump;
  expect(shape({ ...simPrimary, ops: [simPrimary.ops[0]] })).toEqual(
    shape({ ...real, ops: [real.ops[0]] }),
  );
  const repl = (s: string): string =>
    s
      .replace(/client\.\d+/g, 'client.N')
      .replace(/ e\d+(\/\d+)?/g, ' eE')
      .replace(/ v \d+'/g, " v E'");
  const realDesc = new Set(
    [fixture('put4k.osd2.primary.json'), fixture('put4k.osd1.replica.json')].flatMap((d) =>
      d.ops.map((o) => repl(o.description)),
    ),
  );
  const simDesc = Object.values(raw).flatMap((d) =>
    (d as Dump).ops.filter((o) => kind(o.description) !== 'read').map((o) => repl(o.description)),
  );
  expect(simDesc.length).toBe(5);
  for (const d of simDesc) expect(realDesc).toContain(d);
});
