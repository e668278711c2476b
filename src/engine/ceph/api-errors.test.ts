/** librados / librbd return the real errnos through the whole simulated path. */
import { expect, test } from 'vitest';
import { runScenario } from '../scenario/runner.ts';
import type { OpDoc } from '../scenario/types.ts';
import { validateScenario } from '../scenario/validate.ts';

function run(ops: OpDoc[]): Array<[string, string, unknown]> {
  const { result } = runScenario({
    schema: 'iopath.scenario/1',
    seed: 2,
    cluster: { ceph: { pools: [{ name: 'p', pg_num: 8 }] } },
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

test('below min_size with no OSD coming back a write times out with ETIMEDOUT', () => {
  const r = run([
    { op: 'rados_write_full', pool: 'p', oid: 'k', value: { utf8: 'v1' } },
    { op: 'fault_kill_osd', osd: 0 },
    { op: 'fault_kill_osd', osd: 1 },
    { op: 'rados_write_full', pool: 'p', oid: 'k', value: { utf8: 'v2' } },
  ]);
  expect(r.map(([op, rc]) => [op, rc])).toEqual([
    ['rados_write_full', 'OK'],
    ['fault_kill_osd', 'OK'],
    ['fault_kill_osd', 'OK'],
    ['rados_write_full', 'ETIMEDOUT'],
  ]);
});
