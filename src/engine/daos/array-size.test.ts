import { describe, expect, it } from 'vitest';
import { runScenario } from '../scenario/runner.ts';
import type { OpDoc, ScenarioDoc } from '../scenario/types.ts';

const BASE: OpDoc[] = [
  { op: 'daos_pool_connect', pool: 'p' },
  { op: 'daos_cont_create', pool: 'p', cont: 'c' },
  { op: 'daos_cont_open', pool: 'p', cont: 'c' },
];

function run(ops: OpDoc[]) {
  const doc: ScenarioDoc = { schema: 'iopath.scenario/1', seed: 9, ops: [...BASE, ...ops] };
  const r = runScenario(doc);
  return { lines: r.result.ops.slice(BASE.length), events: r.events, base: BASE.length };
}

const MiB = 1024 * 1024;
const size = (obj = 'a'): OpDoc => ({ op: 'daos_array_get_size', obj });
const setSize = (n: number, obj = 'a'): OpDoc => ({ op: 'daos_array_set_size', obj, size: n });

describe('daos_array_get_size / set_size (spec §1.7, daos_array.c)', () => {
  it('S42 simple_array_mgmt: cell 4, chunk 16 — set_size 265, 112, 0, 1 MiB; reopen keeps it', () => {
    const { lines } = run([
      { op: 'daos_array_create', cont: 'c', as: 'a', cell_size: 4, chunk_size: 16 },
      setSize(265),
      size(),
      { op: 'daos_array_close', obj: 'a' },
      { op: 'daos_array_open', cont: 'c', obj: 'a' },
      setSize(112),
      size(),
      setSize(0),
      size(),
      setSize(MiB),
      size(),
    ]);
    expect(lines.map((l) => l.rc_name)).toEqual(lines.map(() => 'OK'));
    expect(lines[4]?.result).toMatchObject({ cell_size: 4, chunk_size: 16 });
    expect([2, 6, 8, 10].map((i) => lines[i]?.result)).toEqual([
      { size: 265 },
      { size: 112 },
      { size: 0 },
      { size: MiB },
    ]);
  });

  for (const T of [1, MiB + 1]) {
    it(`S44 set_size at a chunk boundary (T = ${T}): write 80 at T−1, set_size(T), reopen`, () => {
      const { lines } = run([
        { op: 'daos_array_create', cont: 'c', as: 'a', cell_size: 1, chunk_size: MiB },
        {
          op: 'daos_array_write',
          obj: 'a',
          offset: T - 1,
          value: { fill: 'byte', len: 80, byte: 65 },
        },
        size(),
        setSize(T),
        size(),
        { op: 'daos_array_close', obj: 'a' },
        { op: 'daos_array_open', cont: 'c', obj: 'a' },
        size(),
        { op: 'daos_array_read', obj: 'a', offset: T - 1, len: 2 },
      ]);
      expect(lines.map((l) => l.rc_name)).toEqual(lines.map(() => 'OK'));
      expect(lines[2]?.result).toEqual({ size: T + 79 });
      expect(lines[4]?.result).toEqual({ size: T });
      expect(lines[6]?.result).toMatchObject({ cell_size: 1, chunk_size: MiB });
      expect(lines[7]?.result).toEqual({ size: T });
      // record T−1 kept, record T punched (a hole reads as zero)
      expect(lines[8]?.result).toMatchObject({ value: { utf8: 'A\u0000' } });
    });
  }

  it('get_size is one daos_obj_query_key (GET_MAX dkey + recx); set_size punches extents', () => {
    const { lines, events, base } = run([
      { op: 'daos_array_create', cont: 'c', as: 'a', cell_size: 1, chunk_size: 8 },
      { op: 'daos_array_write', obj: 'a', offset: 0, value: { utf8: 'abcdefghijklmnopqrst' } },
      size(),
      setSize(11),
      size(),
      { op: 'daos_array_read', obj: 'a', offset: 0, len: 20 },
    ]);
    expect(lines.map((l) => l.rc_name)).toEqual(lines.map(() => 'OK'));
    expect(lines[2]?.result).toEqual({ size: 20 });
    expect(lines[4]?.result).toEqual({ size: 11 });
    expect(lines[5]?.result).toMatchObject({
      value: { utf8: 'abcdefghijk' + '\u0000'.repeat(9) },
    });
    const getSize = events.filter((e) => e.op === base + 2 && e.phase === 'enter');
    expect(getSize.map((e) => e.step)).toContain('daos_obj_query_key');
    expect(getSize.map((e) => e.step)).toContain('vos_obj_query_key');
    expect(getSize.map((e) => e.step)).not.toContain('daos_obj_list_dkey');
    expect(getSize.map((e) => e.step)).not.toContain('daos_obj_fetch');
    const q = events.find((e) => e.op === base + 2 && e.step === 'daos_obj_query_key');
    expect(q?.data?.flags).toEqual(['DAOS_GET_MAX', 'DAOS_GET_DKEY', 'DAOS_GET_RECX']);
    // set_size(11): dkey 3 (records 16..19) punched, records 11..15 of dkey 2 extent-punched
    // by an update with iod_size 0 — no read-back and rewrite of the kept records.
    const setSz = events.filter((e) => e.op === base + 3 && e.phase === 'enter');
    expect(setSz.map((e) => e.step)).toContain('daos_obj_punch_dkeys');
    const upd = setSz.filter((e) => e.step === 'daos_obj_update');
    expect(upd).toHaveLength(1);
    const iod = (upd[0]?.data?.iods as { iod_size: number; iod_recxs: unknown }[])[0];
    expect(iod?.iod_size).toBe(0);
    expect(JSON.stringify(iod?.iod_recxs)).toContain('"rx_idx":3');
    expect(JSON.stringify(iod?.iod_recxs)).toContain('"rx_nr":5');
    expect(setSz.filter((e) => e.step === 'daos_obj_fetch').length).toBeLessThanOrEqual(1);
  });

  it('extending writes one zero record at size−1; get_size of an empty array is 0', () => {
    const { lines } = run([
      { op: 'daos_array_create', cont: 'c', as: 'a', cell_size: 2, chunk_size: 4 },
      size(),
      setSize(10),
      size(),
      { op: 'daos_array_read', obj: 'a', offset: 8, len: 2 },
    ]);
    expect(lines.map((l) => l.rc_name)).toEqual(lines.map(() => 'OK'));
    expect(lines[1]?.result).toEqual({ size: 0 });
    expect(lines[3]?.result).toEqual({ size: 10 });
    expect(lines[4]?.result).toMatchObject({ value: { base64: 'AAAAAA==' } });
  });
});
