import { describe, expect, it } from 'vitest';
import { createRuntime } from '../core/runtime.ts';
import type { Proc } from '../core/sim.ts';
import type { DaosIod, Sgl } from '../daos/io-types.ts';
import { VosTargetStore } from './target-store.ts';
import { enc } from './test-helpers.ts';

function run<T>(rt: ReturnType<typeof createRuntime>, p: Proc<T>): T {
  return rt.sim.runToCompletion(rt.sim.spawn('t', p));
}

describe('VosTargetStore (the object server’s TargetStore over real VOS)', () => {
  it('runs the server’s update and fetch call sequence and emits the VOS steps', () => {
    const rt = createRuntime(3);
    const store = new VosTargetStore(rt, 'engine0.tgt1', { scmBytes: 8 << 20, nvmeBytes: 8 << 20 });
    const oid = { hi: 0x0001000100000000n, lo: 42n };
    const cont = '00112233-4455-6677-8899-aabbccddeeff';
    const data = Uint8Array.from({ length: 6000 }, (_, i) => i & 0xff);
    const iods: DaosIod[] = [
      { name: enc('sv'), type: 1, size: 1024, flags: 0, nr: 1, recxs: null },
      { name: enc('arr'), type: 2, size: 1, flags: 0, nr: 1, recxs: [{ idx: 0, nr: 6000 }] },
    ];
    const sgls: Sgl[] = [
      { iovs: [{ buf: data.slice(0, 1024), len: 1024 }], nrOut: 0 },
      { iovs: [{ buf: data, len: 6000 }], nrOut: 0 },
    ];
    run(
      rt,
      (function* () {
        const ioh = yield* store.updateBegin({
          cont,
          oid,
          shard: 0,
          epoch: 100n,
          flags: 0,
          dkey: enc('dkey'),
          iods,
        });
        yield* store.bioIodPrep(ioh);
        yield* store.bioIodCopy(ioh, sgls);
        yield* store.dedupVerify(ioh);
        yield* store.bioIodPost(ioh);
        yield* store.updateEnd(ioh, 0);
      })(),
    );
    const steps = new Set(rt.trace.events.map((e) => e.step));
    for (const s of [
      'vos_update_begin',
      'vos_media_select',
      'vos_reserve_single',
      'vos_reserve_recx',
      'bio_iod_prep',
      'dma_map_one',
      'direct_scm_access',
      'bio_iod_copy',
      'bio_iod_post',
      'vos_update_end',
      'dkey_update',
      'key_tree_prepare',
      'dbtree_upsert',
      'btr_insert',
      'vos_ilog_update',
      'akey_update',
      'akey_update_single',
      'akey_update_recx',
      'evt_insert',
      'vos_ts_set_check_conflict',
      'vos_tx_publish',
      'umem_tx_commit',
      'vos_space_unhold',
    ]) {
      expect(steps.has(s), s).toBe(true);
    }
    const fiods: DaosIod[] = iods.map((d) => ({ ...d, size: 0 }));
    const out: Sgl[] = [
      { iovs: [{ buf: new Uint8Array(2048), len: 0 }], nrOut: 0 },
      { iovs: [{ buf: new Uint8Array(6000), len: 0 }], nrOut: 0 },
    ];
    run(
      rt,
      (function* () {
        const ioh = yield* store.fetchBegin({
          cont,
          oid,
          shard: 0,
          epoch: 200n,
          flags: 0,
          dkey: enc('dkey'),
          iods: fiods,
          sizeOnly: false,
        });
        yield* store.bioIodPrep(ioh);
        yield* store.bioIodCopy(ioh, out);
        yield* store.fetchEnd(ioh, 0);
      })(),
    );
    expect(fiods.map((d) => d.size)).toEqual([1024, 1]);
    expect(out[0]?.iovs[0]?.buf.slice(0, 1024)).toEqual(data.slice(0, 1024));
    expect(out[1]?.iovs[0]?.buf).toEqual(data);
    const keys = run(rt, store.iterate({ cont, oid, shard: 0, epoch: 300n, dkey: null }));
    expect(keys).toEqual([enc('dkey')]);
    run(
      rt,
      store.punch({ cont, oid, shard: 0, epoch: 400n, dkey: enc('dkey'), akeys: null, flags: 0 }),
    );
    expect(run(rt, store.iterate({ cont, oid, shard: 0, epoch: 500n, dkey: null }))).toEqual([]);
    expect(
      run(rt, store.iterate({ cont, oid, shard: 0, epoch: 350n, dkey: enc('dkey') })).length,
    ).toBe(2);
  });
});
