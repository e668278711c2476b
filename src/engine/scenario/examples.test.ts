import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runScenario } from './runner.ts';
import { validateScenario } from './validate.ts';

const basics = JSON.parse(
  readFileSync(new URL('./__fixtures__/daos-object-basics.json', import.meta.url), 'utf8'),
) as unknown;

describe('a document written by someone else from the op reference', () => {
  it('validates and runs: updates succeed, the fetch returns the stored value', () => {
    expect(validateScenario(basics)).toMatchObject({ ok: true });
    const { result } = runScenario(basics);
    const byOp = result.ops.map((l) => [l.op, l.rc_name]);
    expect(byOp.slice(0, 8)).toEqual([
      ['daos_pool_connect', 'OK'],
      ['daos_cont_create', 'OK'],
      ['daos_cont_open', 'OK'],
      ['daos_obj_generate_oid', 'OK'],
      ['daos_obj_open', 'OK'],
      ['daos_obj_update', 'OK'],
      ['daos_obj_update', 'OK'],
      ['daos_obj_fetch', 'OK'],
    ]);
    expect(result.ops[7]?.result).toEqual({
      iods: [{ size: 5 }],
      data: [{ base64: 'aGVsbG8=', utf8: 'hello', len: 5 }],
    });
    // enumeration walks all groups; the punched dkey is gone from the second listing
    expect(result.ops.slice(8).map((l) => [l.op, l.rc_name, l.result])).toEqual([
      ['daos_obj_list_dkey', 'OK', { keys: ['dkey_0', 'dkey_1'] }],
      ['daos_obj_punch_dkeys', 'OK', null],
      ['daos_obj_list_dkey', 'OK', { keys: ['dkey_1'] }],
    ]);
    // OC_SX over 2 engines × 4 targets: 8 groups, type 0, ord 1 (RP_1)
    expect(result.ops[3]?.result).toMatchObject({ oid: { hi: '0001000800000000' } });
  });
});
