/** The shared format example of a Ceph scenario (copied into __fixtures__/examples) runs. */
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { runScenario } from '../scenario/runner.ts';
import { validateScenario } from '../scenario/validate.ts';

const doc = JSON.parse(
  readFileSync(new URL('./__fixtures__/examples/ceph-rbd-write.json', import.meta.url), 'utf8'),
) as unknown;

test('ceph-rbd-write.json: every op succeeds, reads return what was written', () => {
  expect(validateScenario(doc)).toMatchObject({ ok: true });
  const { result } = runScenario(doc);
  expect(result.ops.map((o) => [o.op, o.rc_name])).toEqual([
    ['rbd_create', 'OK'],
    ['rbd_open', 'OK'],
    ['rbd_write', 'OK'],
    ['rbd_read', 'OK'],
    ['ceph_osd_map', 'OK'],
    ['fault_kill_osd', 'OK'],
    ['rados_write_full', 'OK'],
    ['restart', 'OK'],
    ['rados_read', 'OK'],
  ]);
  expect(result.ops[0]?.result).toEqual({ id: '1f2e3d4c5b6a' });
  expect(result.ops[3]?.result).toMatchObject({ value: { utf8: 'foo'.repeat(200), len: 600 } });
  const read = result.ops[8]?.result as { value: { base64: string; len: number } };
  expect(read.value.len).toBe(4096);
  expect(read.value.base64).toBe(Buffer.from(new Uint8Array(4096).fill(7)).toString('base64'));
});
