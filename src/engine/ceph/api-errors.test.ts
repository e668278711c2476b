/** librados / librbd return the real errnos through the whole simulated path. */
import { expect, test } from 'vitest';
import { runScenario } from '../scenario/runner.ts';
import type { OpDoc } from '../scenario/types.ts';
import { validateScenario } from '../scenario/validate.ts';

function run(ops: OpDoc[], ceph: Record<string, unknown> = {}): Array<[string, string, unknown]> {
  const { result } = runScenario({
    schema: 'iopath.scenario/1',
    seed: 2,
    cluster: { ceph: { pools: [{ name: 'p', pg_num: 8 }], ...ceph } },
    ops,
  });
  return result.ops.map((o) => [o.op, o.rc_name, o.result]);
}

test('rados: ENOENT for missing objects and pools, append/stat/remove semantics', () => {
  expect(
    run([
      { op: 'rados_read', pool: 'p', oid: 'nope' },
      { op: 'rados_stat', pool: 'p', oid: 'nope' },
      { op: 'rados_remove', pool: 'p', oid: 'nope' },
      { op: 'rados_write_full', pool: 'nopool', oid: 'x', value: { utf8: 'a' } },
      { op: 'rados_write', pool: 'p', oid: 'o', offset: 3, value: { utf8: 'abc' } },
      { op: 'rados_append', pool: 'p', oid: 'o', value: { utf8: 'de' } },
      { op: 'rados_stat', pool: 'p', oid: 'o' },
      { op: 'rados_read', pool: 'p', oid: 'o', offset: 2, len: 100 },
      { op: 'rados_write_full', pool: 'p', oid: 'o', value: { utf8: 'Z' } },
      { op: 'rados_read', pool: 'p', oid: 'o' },
      { op: 'rados_remove', pool: 'p', oid: 'o' },
      { op: 'rados_read', pool: 'p', oid: 'o' },
    ]),
  ).toEqual([
    ['rados_read', 'ENOENT', null],
    ['rados_stat', 'ENOENT', null],
    ['rados_remove', 'ENOENT', null],
    ['rados_write_full', 'ENOENT', null],
    ['rados_write', 'OK', null],
    ['rados_append', 'OK', null],
    ['rados_stat', 'OK', { size: 8 }],
    ['rados_read', 'OK', { value: { base64: 'AGFiY2Rl', utf8: '\u0000abcde', len: 6 } }],
    ['rados_write_full', 'OK', null],
    ['rados_read', 'OK', { value: { base64: 'Wg==', utf8: 'Z', len: 1 } }],
    ['rados_remove', 'OK', null],
    ['rados_read', 'ENOENT', null],
  ]);
});

test('rbd: EEXIST on a second create, ENOENT for an unknown image, holes read as zeros', () => {
  const r = run([
    { op: 'rbd_create', pool: 'p', image: 'i', size: 16 << 20, id: 'abc123' },
    { op: 'rbd_create', pool: 'p', image: 'i', size: 16 << 20 },
    { op: 'rbd_open', pool: 'p', image: 'other' },
    { op: 'rbd_write', image: 'i', offset: 0, value: { utf8: 'x' } },
    { op: 'rbd_open', pool: 'p', image: 'i' },
    { op: 'rbd_write', image: 'i', offset: (8 << 20) + 1, value: { utf8: 'hi' } },
    { op: 'rbd_read', image: 'i', offset: 8 << 20, len: 4 },
    { op: 'rbd_read', image: 'i', offset: 0, len: 2 },
  ]);
  expect(r).toEqual([
    ['rbd_create', 'OK', { id: 'abc123' }],
    ['rbd_create', 'EEXIST', null],
    ['rbd_open', 'ENOENT', null],
    ['rbd_write', 'ENOENT', null],
    ['rbd_open', 'OK', { id: 'abc123', size: 16 << 20, order: 22 }],
    ['rbd_write', 'OK', { len: 2 }],
    ['rbd_read', 'OK', { value: { base64: 'AGhpAA==', utf8: '\u0000hi\u0000', len: 4 } }],
    ['rbd_read', 'OK', { value: { base64: 'AAA=', utf8: '\u0000\u0000', len: 2 } }],
  ]);
});

test('cluster.ceph is validated before anything runs (path of the first problem)', () => {
  const bad = (ceph: Record<string, unknown>): string | null => {
    const v = validateScenario({ schema: 'iopath.scenario/1', cluster: { ceph }, ops: [] });
    return v.ok ? null : v.error;
  };
  expect(bad({ objectstore: 'zfs' })).toContain('objectstore: expected "filestore" or "bluestore"');
  expect(bad({ pools: [{ name: 'a', size: 2, min_size: 3 }] })).toContain('pools[0].min_size');
  expect(bad({ objectstore: 'filestore', device_class: 'ssd' })).toBeNull();
});

const BELOW_MIN_SIZE: OpDoc[] = [
  { op: 'rados_write_full', pool: 'p', oid: 'k', value: { utf8: 'v1' } },
  { op: 'fault_kill_osd', osd: 0 },
  { op: 'fault_kill_osd', osd: 1 },
  { op: 'rados_write_full', pool: 'p', oid: 'k', value: { utf8: 'v2' } },
];

test('rados_osd_op_timeout > 0: a write blocked below min_size is cancelled with ETIMEDOUT', () => {
  const { result, events } = runScenario({
    schema: 'iopath.scenario/1',
    seed: 2,
    cluster: { ceph: { pools: [{ name: 'p', pg_num: 8 }], rados_osd_op_timeout: 30 } },
    ops: BELOW_MIN_SIZE,
  });
  expect(result.ops.map((o) => [o.op, o.rc_name])).toEqual([
    ['rados_write_full', 'OK'],
    ['fault_kill_osd', 'OK'],
    ['fault_kill_osd', 'OK'],
    ['rados_write_full', 'ETIMEDOUT'],
  ]);
  const submit = events.find((e) => e.op === 3 && e.step === 'op_submit');
  const cancel = events.find((e) => e.op === 3 && e.step === 'op_cancel');
  expect(cancel && submit ? cancel.t - submit.t : -1).toBe(30_000_000_000);
});

test('rados_osd_op_timeout 0 (default): the blocked write waits forever; the run ends naming it', () => {
  // Nothing can bring an OSD back (ops run one at a time), so the queue drains while the op is
  // still waiting in its PG: the runner stops and names it instead of spinning.
  expect(() => run(BELOW_MIN_SIZE)).toThrow(/op 3 \(rados_write_full\) never completed/);
  expect(
    validateScenario({
      schema: 'iopath.scenario/1',
      cluster: { ceph: { rados_osd_op_timeout: -1 } },
      ops: [],
    }),
  ).toMatchObject({
    ok: false,
    error: expect.stringContaining('rados_osd_op_timeout') as unknown,
  });
});
