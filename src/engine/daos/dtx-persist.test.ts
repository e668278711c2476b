import { describe, expect, it } from 'vitest';
import { ScenarioRunner } from '../scenario/runner.ts';
import type { OpDoc, ScenarioDoc } from '../scenario/types.ts';
import { getSv, objSetup, putSv } from './test-docs.ts';
import { utf8Encode } from '../core/bytes.ts';
import { daosCluster, type ObjHandle } from './cluster.ts';
import { DTX_ST, type DtxId } from './dtx.ts';
import { dkeyGroup, dkeyHash, groupLeaderShard, type ShardPlacement } from './placement.ts';

const SETUP: OpDoc[] = objSetup();
const put = (v: string): OpDoc => putSv('x', v);
const get: OpDoc = getSv('x');

function doc(ops: OpDoc[]): ScenarioDoc {
  return { schema: 'iopath.scenario/1', seed: 4, cluster: { daos: { engines: 3 } }, ops };
}

/** A replica of dkey "x" that is not its leader, and the leader. */
function roles(): { replica: string; leader: string } {
  const r = new ScenarioRunner(doc(SETUP));
  r.runAll();
  const cl = daosCluster(r.world);
  const oh = cl.client.objects.get('o') as ObjHandle;
  const h = dkeyHash(oh.oid, utf8Encode('x'));
  const g = dkeyGroup(oh.layout, h);
  const lead = groupLeaderShard(oh.layout, h, g);
  const shards = oh.layout.shards.slice(g * 3, g * 3 + 3);
  const rep = shards.find((s) => s.shard !== lead) as ShardPlacement;
  const ld = shards.find((s) => s.shard === lead) as ShardPlacement;
  return { replica: cl.target(rep.target).actor, leader: cl.target(ld.target).actor };
}

function dtiOfOp(r: ScenarioRunner, op: number): DtxId {
  const e = r.events.find(
    (x) => x.op === op && x.step === 'dtx_leader_begin' && x.phase === 'enter',
  );
  const d = e?.data?.dti as { dti_uuid: string; dti_hlc: string };
  return { uuid: d.dti_uuid, hlc: BigInt(d.dti_hlc) };
}

describe('the DTX table lives in VOS (spec §6.2, §7)', () => {
  it('a replica’s power cut + restart: committed stays committed, prepared is resolved', () => {
    const { replica } = roles();
    const r = new ScenarioRunner(
      doc([
        ...SETUP,
        put('one'), // new object: synchronous commit everywhere
        put('two'), // committable on the leader, PREPARED on the replicas
        { op: 'fault_power_cut', target: replica },
        { op: 'restart', target: replica },
        get,
      ]),
    );
    r.runAll();
    const lines = r.result().ops;
    expect(lines.map((l) => l.rc_name).slice(5)).toEqual(['OK', 'OK', 'OK', 'OK', 'OK']);
    expect(lines.at(-1)?.result).toMatchObject({ data: [{ utf8: 'two' }] });
    const cl = daosCluster(r.world);
    const t = cl.targetByName(replica);
    const one = dtiOfOp(r, 5);
    const two = dtiOfOp(r, 6);
    // the restarted engine's table came from its VOS: "one" committed there before the cut,
    // "two" was prepared and DTX resync committed it (its leader had it committable)
    expect(t?.dtx.get(one)?.state).toBe(DTX_ST.DTX_ST_COMMITTED);
    expect(t?.dtx.get(two)?.state).toBe(DTX_ST.DTX_ST_COMMITTED);
    const load = t?.store.dtxLoad?.();
    expect(load?.active).toEqual([]);
    expect(load?.committed.map((c) => c.xid.uuid).sort()).toEqual([one.uuid, two.uuid].sort());
  });

  it('an aborted DTX leaves nothing visible on the replica that prepared it', () => {
    const { replica, leader } = roles();
    // The leader's forward to the other replica is lost: that sub-request times out, the
    // leader aborts the DTX everywhere it was prepared, and the client resends.
    const other = (() => {
      const r = new ScenarioRunner(doc(SETUP));
      r.runAll();
      const cl = daosCluster(r.world);
      const oh = cl.client.objects.get('o') as ObjHandle;
      return oh.layout.shards
        .map((s) => cl.target(s.target).actor)
        .find((a) => a !== replica && a !== leader) as string;
    })();
    const r = new ScenarioRunner(
      doc([
        ...SETUP,
        put('one'),
        { op: 'fault_drop_messages', from: leader, to: other, count: 1 },
        put('two'),
        get,
      ]),
    );
    r.runAll();
    const lines = r.result().ops;
    expect(lines.map((l) => l.rc_name).slice(5)).toEqual(['OK', 'OK', 'OK', 'OK']);
    expect(lines.at(-1)?.result).toMatchObject({ data: [{ utf8: 'two' }] });
    const aborts = r.events.filter(
      (e) => e.op === 7 && e.step === 'vos_dtx_abort' && e.phase === 'enter',
    );
    expect(aborts.map((e) => e.actor).sort()).toEqual([leader, replica].sort());
    // The aborted attempt's epoch: a read there on the replica sees "one", not the aborted bytes.
    const first = r.events.find(
      (e) => e.op === 7 && e.step === 'dtx_leader_begin' && e.phase === 'enter',
    );
    const abortedEpoch = BigInt(first?.data?.epoch as string);
    const cl = daosCluster(r.world);
    const t = cl.targetByName(replica);
    const oh = cl.client.objects.get('o') as ObjHandle;
    const shard = oh.layout.shards.find(
      (s) => cl.target(s.target).actor === replica,
    ) as ShardPlacement;
    const fut = r.rt.sim.spawn(
      'check',
      (function* () {
        const iods = [{ name: utf8Encode('a'), type: 1, size: 0, flags: 0, nr: 1, recxs: null }];
        const req = {
          cont: oh.cont.uuid,
          oid: oh.oid,
          shard: shard.shard,
          epoch: abortedEpoch,
          flags: 0,
          dkey: utf8Encode('x'),
          iods,
        };
        const ioh = yield* (t as NonNullable<typeof t>).store.fetchBegin({
          ...req,
          sizeOnly: false,
        });
        const s = { nrOut: 0, iovs: [{ buf: new Uint8Array(8), len: 0 }] };
        yield* (t as NonNullable<typeof t>).store.bioIodPrep(ioh);
        yield* (t as NonNullable<typeof t>).store.bioIodCopy(ioh, [s]);
        yield* (t as NonNullable<typeof t>).store.fetchEnd(ioh, 0);
        return new TextDecoder().decode(s.iovs[0]?.buf.subarray(0, s.iovs[0].len));
      })(),
    );
    expect(r.rt.sim.runToCompletion(fut)).toBe('one');
  });
});
