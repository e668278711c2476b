import { describe, expect, it } from 'vitest';
import { ScenarioRunner } from '../scenario/runner.ts';
import type { OpDoc, ScenarioDoc } from '../scenario/types.ts';
import { utf8Encode } from '../core/bytes.ts';
import { der } from '../core/errors.ts';
import { daosCluster, type ObjHandle } from './cluster.ts';
import { dkeyGroup, dkeyHash, groupLeaderShard, type ShardPlacement } from './placement.ts';

const setup = (oclass: string, names = ['o']): OpDoc[] => [
  { op: 'daos_pool_connect', pool: 'p' },
  { op: 'daos_cont_create', pool: 'p', cont: 'c' },
  { op: 'daos_cont_open', pool: 'p', cont: 'c' },
  { op: 'daos_obj_generate_oid', cont: 'c', otype: 'DAOS_OT_MULTI_HASHED', oclass, as: 'oid' },
  ...names.map((n) => ({ op: 'daos_obj_open', obj: n, mode: 'DAOS_OO_RW' })),
];
const put = (obj: string, dkey: string, v: string): OpDoc => ({
  op: 'daos_obj_update',
  obj,
  dkey,
  iods: [{ akey: 'a', type: 'DAOS_IOD_SINGLE', size: v.length }],
  data: [{ utf8: v }],
});

function doc(ops: OpDoc[]): ScenarioDoc {
  return { schema: 'iopath.scenario/1', seed: 5, cluster: { daos: { engines: 3 } }, ops };
}

/** Open under two names the same oid: `daos_obj_open` binds a handle per name. */
function twoHandles(oclass: string): OpDoc[] {
  const ops = setup(oclass, []);
  (ops[3] as OpDoc).as = 'o';
  ops.push({ op: 'daos_obj_open', obj: 'o', mode: 'DAOS_OO_RW' });
  return ops;
}

describe('object calls as TSE tasks', () => {
  it('an update completes through dc_rw_cb → close_shard_cb → obj_comp_cb → task_comp_event', () => {
    const r = new ScenarioRunner(doc([...twoHandles('OC_SX'), put('o', 'k', 'v')]));
    r.runAll();
    const idx = r.result().ops.length - 1;
    const cbs = r.events
      .filter((e) => e.op === idx && e.phase === 'enter')
      .map((e) => e.step)
      .filter((s) => ['dc_rw_cb', 'close_shard_cb', 'obj_comp_cb', 'task_comp_event'].includes(s));
    expect(cbs).toEqual(['dc_rw_cb', 'close_shard_cb', 'obj_comp_cb', 'task_comp_event']);
    // the callbacks run after the server replied: the task body exits before dc_rw_cb
    const steps = r.events.filter((e) => e.op === idx).map((e) => `${e.step}:${e.phase}`);
    expect(steps.indexOf('dc_obj_update_task:exit')).toBeLessThan(
      steps.indexOf('obj_rw_reply:enter'),
    );
    expect(steps.indexOf('obj_rw_reply:enter')).toBeLessThan(steps.indexOf('dc_rw_cb:enter'));
    expect(steps.at(-2)).toBe('dc_task_schedule:exit');
  });

  it('an object punch of a multi-group object runs one shard sub-task per group', () => {
    const ops = twoHandles('OC_SX');
    for (let i = 0; i < 16; i++) ops.push(put('o', `k${i}`, `v${i}`));
    ops.push({ op: 'daos_obj_punch', obj: 'o' });
    ops.push({ op: 'daos_obj_list_dkey', obj: 'o' });
    const r = new ScenarioRunner(doc(ops));
    r.runAll();
    const lines = r.result().ops;
    const punchIdx = lines.findIndex((l) => l.op === 'daos_obj_punch');
    expect(lines[punchIdx]?.rc).toBe(0);
    const oh = daosCluster(r.world).client.objects.get('o') as ObjHandle;
    expect(oh.layout.grpNr).toBeGreaterThan(1);
    const sched = r.events.find((e) => e.op === punchIdx && e.step === 'obj_shard_task_sched');
    expect((sched?.data?.shard_tasks as unknown[]).length).toBe(oh.layout.grpNr);
    // each group leader punched, and the object task completed after all of them
    const handlers = r.events.filter(
      (e) => e.op === punchIdx && e.step === 'ds_obj_punch_handler' && e.phase === 'enter',
    );
    expect(handlers).toHaveLength(oh.layout.grpNr);
    const steps = r.events.filter((e) => e.op === punchIdx).map((e) => `${e.step}:${e.phase}`);
    expect(steps.indexOf('obj_comp_cb:enter')).toBeGreaterThan(
      steps.lastIndexOf('obj_punch_complete:exit'),
    );
    expect(lines.at(-1)?.result).toEqual({ keys: [] });
  });
});

describe('a handle opened before a fault sees the new pool map (pool map refresh)', () => {
  it('after kill + restart: a stale handle gets -DER_STALE, refreshes, and writes all replicas', () => {
    // Find a non-leader replica of dkey "x" from the layout.
    const probe = new ScenarioRunner(doc(twoHandles('OC_RP_3G1')));
    probe.runAll();
    const pcl = daosCluster(probe.world);
    const poh = pcl.client.objects.get('o') as ObjHandle;
    const hash = dkeyHash(poh.oid, utf8Encode('x'));
    const grp = dkeyGroup(poh.layout, hash);
    const leader = groupLeaderShard(poh.layout, hash, grp);
    const shards = poh.layout.shards.slice(grp * 3, grp * 3 + 3);
    const victim = shards.find((s) => s.shard !== leader) as ShardPlacement;
    const victimName = pcl.target(victim.target).actor;

    const ops = twoHandles('OC_RP_3G1');
    const r0 = new ScenarioRunner(
      doc([
        ...ops,
        put('o', 'x', 'a'),
        { op: 'fault_kill_target', target: victimName },
        put('o', 'x', 'b'), // the leader's forward times out → the victim is excluded
        { op: 'restart', target: victimName },
        put('o', 'x', 'c'), // stale handle: map version 2 < 3 → -DER_STALE, refresh, resend
        { op: 'daos_obj_list_dkey', obj: 'o' },
      ]),
    );
    r0.runAll();
    const lines = r0.result().ops;
    expect(lines.every((l) => l.rc === 0)).toBe(true);
    const cl = daosCluster(r0.world);
    const oh = cl.client.objects.get('o') as ObjHandle;
    const pool = oh.cont.pool;
    expect(pool.mapVer).toBe(3); // excluded, then reintegrated
    expect(oh.mapVer).toBe(3);
    expect([...oh.excluded]).toEqual([]);
    const lastPut = lines.length - 2;
    const retry = r0.events.find(
      (e) => e.op === lastPut && e.step === 'obj_comp_cb' && e.data?.retry === true,
    );
    expect(retry?.data?.result).toBe(der('STALE'));
    // the resend went to all three replicas (the restarted one is back in the membership)
    const begin = r0.events.find(
      (e) => e.op === lastPut && e.step === 'dtx_leader_begin' && e.phase === 'enter',
    );
    expect(begin?.data?.dth_mbs as string[]).toContain(victimName);
    expect(lines.at(-1)?.result).toEqual({ keys: ['x'] });
  });

  it('a list on a handle that missed the reintegration retries -DER_STALE instead of failing', () => {
    const probe = new ScenarioRunner(doc(twoHandles('OC_RP_3G1')));
    probe.runAll();
    const pcl = daosCluster(probe.world);
    const poh = pcl.client.objects.get('o') as ObjHandle;
    const victimName = pcl.target((poh.layout.shards[1] as ShardPlacement).target).actor;
    const ops = twoHandles('OC_RP_3G1');
    const r = new ScenarioRunner(
      doc([
        ...ops,
        put('o', 'x', 'a'),
        { op: 'fault_kill_target', target: victimName },
        put('o', 'y', 'b'), // a timeout somewhere in the group → the victim is excluded
        { op: 'restart', target: victimName },
        { op: 'daos_obj_list_dkey', obj: 'o' },
      ]),
    );
    r.runAll();
    const lines = r.result().ops;
    expect(lines.map((l) => l.rc_name).slice(ops.length)).toEqual(['OK', 'OK', 'OK', 'OK', 'OK']);
    const keys = (lines.at(-1)?.result as { keys: string[] }).keys;
    expect([...keys].sort()).toEqual(['x', 'y']);
    const listIdx = lines.length - 1;
    const retry = r.events.find(
      (e) => e.op === listIdx && e.step === 'obj_comp_cb' && e.data?.retry === true,
    );
    expect(retry?.data?.result).toBe(der('STALE'));
    expect(r.events.some((e) => e.op === listIdx && e.step === 'obj_pool_query_task')).toBe(true);
  });
});
