import { describe, expect, it } from 'vitest';
import type { Proc } from '../core/sim.ts';
import { runScenario } from '../scenario/runner.ts';
import { validateScenario } from '../scenario/validate.ts';
import type { OpDoc } from '../scenario/types.ts';
import { registerTargetStore } from './store-registry.ts';
import type {
  StoreFetchRequest,
  StoreIoh,
  StoreIoRequest,
  StoreKeyRequest,
  TargetStore,
} from './target-store.ts';
import { TemporaryValueStore } from './temporary-store.ts';
import type { Sgl } from './io-types.ts';

/**
 * The contract the object server relies on when it talks to a target's storage: the call
 * sequence of an update and a fetch. The VOS implementation must accept the same sequence.
 */
const calls: string[] = [];

class RecordingStore implements TargetStore {
  readonly kind = 'recording';
  constructor(private readonly inner: TemporaryValueStore) {}
  *updateBegin(req: StoreIoRequest): Proc<StoreIoh> {
    calls.push('updateBegin');
    return yield* this.inner.updateBegin(req);
  }
  *bioIodPrep(ioh: StoreIoh): Proc<void> {
    calls.push('bioIodPrep');
    yield* this.inner.bioIodPrep(ioh);
  }
  *bioIodCopy(ioh: StoreIoh, sgls: readonly (Sgl | null)[]): Proc<void> {
    calls.push('bioIodCopy');
    yield* this.inner.bioIodCopy(ioh, sgls);
  }
  *dedupVerify(ioh: StoreIoh): Proc<void> {
    calls.push('dedupVerify');
    yield* this.inner.dedupVerify(ioh);
  }
  *bioIodPost(ioh: StoreIoh): Proc<void> {
    calls.push('bioIodPost');
    yield* this.inner.bioIodPost(ioh);
  }
  *updateEnd(ioh: StoreIoh, err: number): Proc<void> {
    calls.push(`updateEnd(${err})`);
    yield* this.inner.updateEnd(ioh, err);
  }
  *fetchBegin(req: StoreFetchRequest): Proc<StoreIoh> {
    calls.push(`fetchBegin(${req.sizeOnly ? 'size' : 'data'})`);
    return yield* this.inner.fetchBegin(req);
  }
  *fetchEnd(ioh: StoreIoh, err: number): Proc<void> {
    calls.push(`fetchEnd(${err})`);
    yield* this.inner.fetchEnd(ioh, err);
  }
  *iterate(req: StoreKeyRequest): Proc<Uint8Array[]> {
    calls.push('iterate');
    return yield* this.inner.iterate(req);
  }
  *punch(req: StoreKeyRequest & { akeys: Uint8Array[] | null; flags: number }): Proc<void> {
    calls.push('punch');
    yield* this.inner.punch(req);
  }
}

registerTargetStore(
  'recording',
  (rt, t) => new RecordingStore(new TemporaryValueStore(rt, t.actor)),
);

const ops: OpDoc[] = [
  { op: 'daos_pool_connect', pool: 'p' },
  { op: 'daos_cont_create', pool: 'p', cont: 'c' },
  { op: 'daos_cont_open', pool: 'p', cont: 'c' },
  {
    op: 'daos_obj_generate_oid',
    cont: 'c',
    otype: 'DAOS_OT_MULTI_HASHED',
    oclass: 'OC_S1',
    as: 'o',
  },
  { op: 'daos_obj_open', obj: 'o', mode: 'DAOS_OO_RW' },
  {
    op: 'daos_obj_update',
    obj: 'o',
    dkey: 'd',
    iods: [{ akey: 'a', type: 'DAOS_IOD_SINGLE', size: 2 }],
    data: [{ utf8: 'hi' }],
  },
  {
    op: 'daos_obj_fetch',
    obj: 'o',
    dkey: 'd',
    iods: [{ akey: 'a', type: 'DAOS_IOD_SINGLE', size: 0 }],
  },
  {
    op: 'daos_obj_update',
    obj: 'o',
    dkey: 'd',
    iods: [{ akey: 'a', type: 'DAOS_IOD_ARRAY', size: 1, recxs: [{ idx: 0, nr: 2 }] }],
    data: [{ utf8: 'hi' }],
  },
  { op: 'daos_obj_list_dkey', obj: 'o' },
  { op: 'daos_obj_punch_dkeys', obj: 'o', dkeys: ['d'] },
];

describe('TargetStore contract (what the VOS implementation must accept)', () => {
  it('cluster.daos.store picks a registered store; unknown names are validation errors', () => {
    const bad = validateScenario({
      schema: 'iopath.scenario/1',
      cluster: { daos: { store: 'nope' } },
      ops: [],
    });
    expect(bad.ok ? null : bad.error).toMatch(
      /^cluster\.daos\.store: expected temporary or .*recording/,
    );
  });

  it('the server calls the store in the order of obj_local_rw, and updateEnd(err) on failure', () => {
    calls.length = 0;
    const { result } = runScenario({
      schema: 'iopath.scenario/1',
      cluster: { daos: { store: 'recording' } },
      ops,
    });
    expect(result.ops.map((l) => l.rc_name)).toEqual([
      'OK',
      'OK',
      'OK',
      'OK',
      'OK',
      'OK',
      'OK',
      'DER_NO_PERM',
      'OK',
      'OK',
    ]);
    expect(calls).toEqual([
      'updateBegin',
      'bioIodPrep',
      'bioIodCopy',
      'dedupVerify',
      'bioIodPost',
      'updateEnd(0)',
      'fetchBegin(size)',
      'fetchEnd(0)',
      'fetchBegin(data)',
      'bioIodPrep',
      'bioIodCopy',
      'fetchEnd(0)',
      'updateBegin',
      'bioIodPrep',
      'bioIodCopy',
      'dedupVerify',
      'bioIodPost',
      'updateEnd(0)',
      'iterate',
      'punch',
    ]);
    expect(result.ops[6]?.result).toMatchObject({ data: [{ utf8: 'hi' }] });
  });
});
