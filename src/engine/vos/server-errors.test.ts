import { describe, expect, it } from 'vitest';
import { der } from '../core/errors.ts';
import { createRuntime } from '../core/runtime.ts';
import { utf8Encode } from '../core/bytes.ts';
import { DaosCluster } from '../daos/cluster.ts';
import { OBJ_RPC } from '../daos/constants.ts';
import type { DaosIod, Sgl } from '../daos/io-types.ts';
import type { ObjRwIn } from '../daos/rpc.ts';
import { objLocalRwUpdate } from '../daos/server.ts';
import { runRc } from './test-helpers.ts';
import { vosStoreFactory } from './target-store.ts';

/** An array update of `nr` one-byte records at `idx`, at a fixed epoch, as a leader sees it. */
function rwIn(epoch: bigint, idx: number, nr: number): ObjRwIn {
  const iod: DaosIod = {
    name: utf8Encode('a'),
    type: 2,
    size: 1,
    flags: 0,
    nr: 1,
    recxs: [{ idx, nr }],
  };
  const data = new Uint8Array(nr).fill(0x61);
  const sgl: Sgl = { iovs: [{ buf: data, len: nr }], nrOut: 0 };
  return {
    opc: OBJ_RPC.DAOS_OBJ_RPC_UPDATE,
    dti: { uuid: '00000000-0000-0000-0000-000000000001', hlc: epoch },
    oid: { hi: 0n, lo: 42n },
    shard: 0,
    layoutVer: 1,
    poolUuid: 'p',
    coh: 'h',
    coUuid: '0102030405060708090a0b0c0d0e0f10',
    epoch,
    epochFirst: epoch,
    apiFlags: 0,
    dkeyHash: 0n,
    mapVer: 1,
    startShard: 0,
    flags: 0,
    dkey: utf8Encode('d'),
    iods: [iod],
    sgls: [sgl],
    bulk: false,
    shardTgts: [],
    hlc: epoch,
  };
}

describe('object server error mapping (obj_rw_complete)', () => {
  it('a partial overwrite at the same epoch: VOS says -DER_VOS_PARTIAL_UPDATE, the server -DER_NO_PERM', () => {
    const rt = createRuntime(3);
    const media = { scmBytes: 8 << 20, nvmeBytes: 8 << 20 };
    const cl = new DaosCluster(
      rt,
      { engines: 1, targetsPerEngine: 1, ...media },
      vosStoreFactory(media),
    );
    const t = cl.target(0);
    expect(runRc(rt, objLocalRwUpdate(cl, t, rwIn(100n, 0, 8)))).toBe(0);
    // The same rectangle again: accepted (data replaced).
    expect(runRc(rt, objLocalRwUpdate(cl, t, rwIn(100n, 0, 8)))).toBe(0);
    // Overlapping, not identical, same epoch and minor epoch.
    expect(runRc(rt, objLocalRwUpdate(cl, t, rwIn(100n, 4, 8)))).toBe(der('NO_PERM'));
    const ends = rt.trace.events.filter(
      (e) => e.phase === 'exit' && (e.step === 'vos_update_end' || e.step === 'obj_rw_complete'),
    );
    expect(ends.slice(-2).map((e) => [e.step, e.rc])).toEqual([
      ['vos_update_end', der('VOS_PARTIAL_UPDATE')],
      ['obj_rw_complete', der('NO_PERM')],
    ]);
    // Another epoch is fine.
    expect(runRc(rt, objLocalRwUpdate(cl, t, rwIn(101n, 4, 8)))).toBe(0);
  });
});
