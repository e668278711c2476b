import { describe, expect, it } from 'vitest';
import { validateOp, validateScenario } from './validate.ts';

const ok = { schema: 'iopath.scenario/1', ops: [] };
const setupOps = [
  { op: 'daos_pool_connect', pool: 'p' },
  { op: 'daos_cont_create', pool: 'p', cont: 'c' },
];

function firstProblem(doc: unknown): string | null {
  const v = validateScenario(doc);
  return v.ok ? null : v.error;
}

const withOp = (op: object) => ({ schema: 'iopath.scenario/1', ops: [...setupOps, op] });
const update = (over: object) => ({
  op: 'daos_obj_update',
  obj: 'o',
  dkey: 'd',
  iods: [{ akey: 'a', type: 'DAOS_IOD_SINGLE', size: 1 }],
  data: [{ utf8: 'x' }],
  ...over,
});

describe('validateScenario: the first problem as a JSON path', () => {
  it('accepts a minimal document and the examples', () => {
    expect(firstProblem(ok)).toBeNull();
    expect(firstProblem(withOp(update({})))).toBeNull();
  });

  it.each([
    [null, '$: expected an object'],
    [[], '$: expected an object'],
    [{ ops: [] }, 'schema: expected "iopath.scenario/1"'],
    [{ ...ok, schema: 'iopath.scenario/2' }, 'schema: expected "iopath.scenario/1"'],
    [{ ...ok, extra: 1 }, 'extra: unknown field'],
    [{ ...ok, seed: -1 }, 'seed: expected an integer 0..4294967295'],
    [{ ...ok, seed: 1.5 }, 'seed: expected an integer 0..4294967295'],
    [{ ...ok, title: 3 }, 'title: expected a string'],
    [{ ...ok, cluster: [] }, 'cluster: expected an object'],
    [{ ...ok, cluster: { lustre: {} } }, 'cluster.lustre: unknown system (daos or ceph)'],
    [{ ...ok, cluster: { daos: 1 } }, 'cluster.daos: expected an object'],
    [
      { ...ok, cluster: { daos: { engines: 0 } } },
      'cluster.daos.engines: expected an integer 1..64',
    ],
    [
      { ...ok, cluster: { daos: { targets: 4 } } },
      'cluster.daos.targets: unknown field (expected engines, targets_per_engine, scm_bytes, nvme_bytes, dtx_threshold_count, store)',
    ],
    [{ schema: 'iopath.scenario/1' }, 'ops: expected an array'],
    [{ ...ok, ops: [1] }, 'ops[0]: expected an object'],
    [{ ...ok, ops: [{}] }, 'ops[0].op: expected a string'],
    [
      { ...ok, ops: [{ op: 'daos_obj_frobnicate' }] },
      'ops[0].op: unknown op "daos_obj_frobnicate"',
    ],
    [
      { ...ok, ops: [{ op: 'daos_pool_connect', pool: 'p', as: '' }] },
      'ops[0].as: expected a non-empty string',
    ],
  ])('%j → %s', (doc, msg) => {
    expect(firstProblem(doc)).toBe(msg);
  });

  it('checks every op name before any op arguments', () => {
    const doc = { schema: 'iopath.scenario/1', ops: [{ op: 'daos_pool_connect' }, { op: 'nope' }] };
    expect(firstProblem(doc)).toBe('ops[1].op: unknown op "nope"');
  });

  it.each([
    [
      update({ iods: [{ akey: 'a', type: 'DAOS_IOD_BLOB', size: 1 }] }),
      'ops[2].iods[0].type: expected DAOS_IOD_SINGLE or DAOS_IOD_ARRAY',
    ],
    [
      update({ iods: [{ akey: 'a', type: 'DAOS_IOD_SINGLE' }] }),
      'ops[2].iods[0].size: expected a non-negative integer',
    ],
    [
      update({ iods: [{ akey: true, type: 'DAOS_IOD_SINGLE', size: 1 }] }),
      'ops[2].iods[0].akey: expected a string or a non-negative integer',
    ],
    [
      update({ iods: [{ akey: 'a', type: 'DAOS_IOD_ARRAY', size: 1, recxs: [{ idx: 0 }] }] }),
      'ops[2].iods[0].recxs[0].nr: expected a non-negative integer',
    ],
    [
      update({ iods: [{ akey: 'a', type: 'DAOS_IOD_ARRAY', size: 1, recx: [] }] }),
      'ops[2].iods[0].recx: unknown field',
    ],
    [update({ iods: {} }), 'ops[2].iods: expected an array of {akey, type, size, recxs?}'],
    [
      update({ data: [{ utf8: 'x' }, { utf8: 'y' }] }),
      'ops[2].data: expected 1 value (one per iod), got 2',
    ],
    [update({ data: [{ fill: 'random' }] }), 'ops[2].data[0].len: expected an integer 0..67108864'],
    [
      update({ data: [{ fill: 'byte', len: 4 }] }),
      'ops[2].data[0].byte: expected an integer 0..255',
    ],
    [update({ data: [{ base64: '!!' }] }), 'ops[2].data[0].base64: expected a base64 string'],
    [
      update({ data: [{ text: 'x' }] }),
      'ops[2].data[0]: expected {"utf8":…}, {"base64":…} or {"fill":"random"|"byte","len":N}',
    ],
    [
      update({ flags: ['DAOS_COND_SOMETIMES'] }),
      'ops[2].flags[0]: expected one of DAOS_COND_PUNCH, DAOS_COND_DKEY_INSERT, DAOS_COND_DKEY_UPDATE, DAOS_COND_DKEY_FETCH, DAOS_COND_AKEY_INSERT, DAOS_COND_AKEY_UPDATE, DAOS_COND_AKEY_FETCH, DAOS_COND_PER_AKEY',
    ],
    [update({ dkey: null }), 'ops[2].dkey: expected a string or a non-negative integer'],
    [update({ obj: 3 }), 'ops[2].obj: expected a non-empty string'],
    [
      update({ objekt: 'o' }),
      'ops[2].objekt: unknown argument of daos_obj_update (expected obj, dkey, flags, iods, data)',
    ],
    [
      { op: 'daos_obj_fetch', obj: 'o', dkey: 'd', iods: [], size_only: 'yes' },
      'ops[2].size_only: expected true or false',
    ],
    [
      { op: 'daos_obj_open', obj: 'o', mode: 'RW' },
      'ops[2].mode: expected one of DAOS_OO_RW, DAOS_OO_RO, DAOS_OO_EXCL, DAOS_OO_IO_RAND, DAOS_OO_IO_SEQ',
    ],
    [
      { op: 'daos_obj_generate_oid', cont: 'c', otype: 'DAOS_OT_FOO', oclass: 'OC_SX', as: 'o' },
      expect.stringMatching(/^ops\[2\]\.otype: expected one of DAOS_OT_MULTI_HASHED, /),
    ],
    [
      { op: 'daos_obj_generate_oid', cont: 'c', otype: 'DAOS_OT_MULTI_HASHED', oclass: 'OC_SX' },
      'ops[2].as: expected a name to bind the oid to',
    ],
  ])('op %#', (op, msg) => {
    expect(firstProblem(withOp(op))).toEqual(msg);
  });

  it('API misuse is not a validation error (it runs and returns the real rc)', () => {
    expect(
      firstProblem(withOp(update({ iods: [{ akey: 'a', type: 'DAOS_IOD_ARRAY', size: 1 }] }))),
    ).toBeNull();
    expect(firstProblem(withOp(update({ data: [{ utf8: 'far too long' }] })))).toBeNull();
  });

  it('validateOp checks one op as ops[index]', () => {
    expect(validateOp({ op: 'daos_pool_connect' }, 7)).toBe(
      'ops[7].pool: expected a non-empty string',
    );
    expect(validateOp({ op: 'daos_pool_connect', pool: 'x' }, 7)).toBeNull();
  });
});
