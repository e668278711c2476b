import { describe, expect, it } from 'vitest';
import { ScenarioRunner } from '../scenario/runner.ts';
import type { OpDoc, ScenarioDoc } from '../scenario/types.ts';
import { PARTITION_DEFAULT_NS } from './faults.ts';

const SETUP: OpDoc[] = [
  { op: 'daos_pool_connect', pool: 'p' },
  { op: 'daos_cont_create', pool: 'p', cont: 'c' },
  { op: 'daos_cont_open', pool: 'p', cont: 'c' },
  {
    op: 'daos_obj_generate_oid',
    cont: 'c',
    otype: 'DAOS_OT_MULTI_HASHED',
    oclass: 'OC_RP_3G1',
    as: 'o',
  },
  { op: 'daos_obj_open', obj: 'o', mode: 'DAOS_OO_RW' },
];
const put = (v: string): OpDoc => ({
  op: 'daos_obj_update',
  obj: 'o',
  dkey: 'x',
  iods: [{ akey: 'a', type: 'DAOS_IOD_SINGLE', size: v.length }],
  data: [{ utf8: v }],
});
const get: OpDoc = {
  op: 'daos_obj_fetch',
  obj: 'o',
  dkey: 'x',
  iods: [{ akey: 'a', type: 'DAOS_IOD_SINGLE', size: 0 }],
};
const doc = (ops: OpDoc[]): ScenarioDoc => ({
  schema: 'iopath.scenario/1',
  seed: 5,
  cluster: { daos: { engines: 3 } },
  ops,
});

/** The target the client sends dkey "x" to (the DTX leader of its group). */
function leaderOf(): string {
  const r = new ScenarioRunner(doc([...SETUP, put('a')]));
  r.runAll();
  const e = r.events.find((x) => x.op === 5 && x.step === 'dtx_leader_begin');
  if (!e) throw new Error('no dtx_leader_begin');
  return e.actor;
}

const sends = (r: ScenarioRunner, op: number) =>
  r.events.filter((e) => e.op === op && e.step === 'dc_obj_shard_rw' && e.phase === 'enter');

describe('fault_partition', () => {
  it('cuts client ↔ leader both ways until it heals: sends are lost, the one after the heal lands', () => {
    const leader = leaderOf();
    const r = new ScenarioRunner(
      doc([
        ...SETUP,
        put('a'),
        { op: 'fault_partition', between: [leader, 'client'] },
        put('b'),
        get,
      ]),
    );
    r.runAll();
    const lines = r.result().ops;
    expect(lines.slice(5).map((l) => l.rc_name)).toEqual(['OK', 'OK', 'OK', 'OK']);
    expect(lines[8]?.result).toMatchObject({ data: [{ utf8: 'b' }] });
    const cut = r.events.find((e) => e.op === 6 && e.step === 'fault_partition');
    expect(cut?.data).toMatchObject({ between: [leader, 'client'], ns: PARTITION_DEFAULT_NS });
    // 90 s of partition against a 60 s RPC timeout: the send and the first resend are lost.
    const s = sends(r, 7);
    expect(s).toHaveLength(3);
    const until = (cut?.data as { until_ns: number }).until_ns;
    expect(s.filter((e) => e.t < until)).toHaveLength(2);
    expect(s[2]!.t).toBeGreaterThanOrEqual(until);
  });

  it('a short partition loses only the first send; a partition elsewhere loses nothing', () => {
    const leader = leaderOf();
    const short = new ScenarioRunner(
      doc([
        ...SETUP,
        { op: 'fault_partition', between: ['client', leader], ns: 1_000_000_000 },
        put('b'),
      ]),
    );
    short.runAll();
    expect(sends(short, 6)).toHaveLength(2);
    const other = new ScenarioRunner(
      doc([...SETUP, { op: 'fault_partition', between: ['client', 'engine9.tgt9'] }, put('b')]),
    );
    other.runAll();
    expect(sends(other, 6)).toHaveLength(1);
  });

  it('refuses a bad document with the path of the problem', () => {
    for (const [op, msg] of [
      [{ op: 'fault_partition', between: ['client'] }, /^ops\[5\]\.between: expected two actor/],
      [{ op: 'fault_partition', between: ['client', 'client'] }, /^ops\[5\]\.between\[1\]/],
      [{ op: 'fault_partition', between: ['client', 'engine0.tgt0'], ns: 0 }, /^ops\[5\]\.ns/],
    ] as const) {
      expect(() => new ScenarioRunner(doc([...SETUP, op as unknown as OpDoc]))).toThrow(msg);
    }
  });
});
