/**
 * Dedup through the whole DAOS path: a container created with the dedup property, client
 * `daos_obj_update`s large enough to go by bulk (RMA), the object server passing VOS_OF_DEDUP
 * (+ _VERIFY for MEMCMP) and the threshold down to VOS (obj_local_rw), VOS sharing the NVMe
 * blocks of an identical earlier extent.
 */
import { describe, expect, it } from 'vitest';
import { runScenario } from '../scenario/runner.ts';
import type { OpDoc, ScenarioDoc } from '../scenario/types.ts';
import type { TraceEvent } from '../trace/event.ts';

const LEN = 32 * 1024; // ≥ DAOS_BULK_LIMIT: the data goes by bulk, so dedup may apply

function setup(contArgs: Partial<OpDoc>): OpDoc[] {
  return [
    { op: 'daos_pool_connect', pool: 'p' },
    { op: 'daos_cont_create', pool: 'p', cont: 'c', ...contArgs },
    { op: 'daos_cont_open', pool: 'p', cont: 'c' },
    {
      op: 'daos_obj_generate_oid',
      cont: 'c',
      otype: 'DAOS_OT_MULTI_HASHED',
      oclass: 'OC_S1',
      as: 'o',
    },
    { op: 'daos_obj_open', obj: 'o', mode: 'DAOS_OO_RW' },
  ];
}

const arrIod = (akey: string, len: number) => ({
  akey,
  type: 'DAOS_IOD_ARRAY',
  size: 1,
  recxs: [{ idx: 0, nr: len }],
});
const upd = (dkey: string, seed: number, len = LEN): OpDoc => ({
  op: 'daos_obj_update',
  obj: 'o',
  dkey,
  iods: [arrIod('a', len)],
  data: [{ fill: 'random', len, seed }],
});
const fetch = (dkey: string, len = LEN): OpDoc => ({
  op: 'daos_obj_fetch',
  obj: 'o',
  dkey,
  iods: [arrIod('a', len)],
});

function run(contArgs: Partial<OpDoc>, ops: OpDoc[]) {
  const doc: ScenarioDoc = {
    schema: 'iopath.scenario/1',
    seed: 11,
    ops: [...setup(contArgs), ...ops],
    cluster: { daos: { engines: 1, targets_per_engine: 1, store: 'vos' } },
  };
  return { r: runScenario(doc), first: doc.ops.length - ops.length };
}

type Biov = { bi_addr: { ba_off: string; ba_type: string; ba_flags: number }; bi_data_len: number };

/** The extent (biov) vos_reserve_recx settled on for the update at op index `op`. */
function reservedBiov(events: TraceEvent[], op: number): Biov {
  const e = events.find((x) => x.op === op && x.step === 'vos_reserve_recx' && x.phase === 'exit');
  expect(e, `vos_reserve_recx of op ${op}`).toBeDefined();
  return (e?.data as { biov: Biov }).biov;
}

const nvmeWrites = (events: TraceEvent[], op: number): number =>
  events
    .filter((e) => e.op === op)
    .flatMap((e) => e.effects ?? [])
    .filter((f) => f.kind === 'nvme.submit' && f.op === 'write').length;

function fetched(r: ReturnType<typeof runScenario>, op: number): string {
  const res = r.result.ops[op]?.result as { data: { base64: string }[] };
  return res.data[0]?.base64 as string;
}

describe('dedup through daos_obj_update (container dedup property, bulk updates)', () => {
  for (const mode of ['MEMCMP', 'HASH'] as const) {
    it(`${mode}: a duplicate 32 KiB extent shares the first one's NVMe blocks and reads back`, () => {
      const { r, first } = run({ dedup: mode }, [
        upd('d1', 5),
        upd('d2', 5), // the same bytes under another dkey
        upd('d3', 6), // other bytes: a fresh extent
        fetch('d1'),
        fetch('d2'),
        fetch('d3'),
      ]);
      for (let i = 0; i < 6; i++) expect(r.result.ops[first + i]?.rc, `op ${i}`).toBe(0);
      const ev = r.events;
      // obj_local_rw passes the flags down for these bulk updates.
      const lrw = ev.find(
        (e) => e.op === first && e.step === 'obj_local_rw' && e.phase === 'enter',
      );
      expect(lrw?.data).toMatchObject({
        rma: true,
        vos_flags: mode === 'MEMCMP' ? 'VOS_OF_DEDUP | VOS_OF_DEDUP_VERIFY' : 'VOS_OF_DEDUP',
        dedup_th: 4096,
      });
      const a = reservedBiov(ev, first);
      const b = reservedBiov(ev, first + 1);
      const c = reservedBiov(ev, first + 2);
      expect(a.bi_addr).toMatchObject({ ba_type: 'DAOS_MEDIA_NVME', ba_flags: 0 });
      // The duplicate points at the very same NVMe blocks, flagged DEDUP (BIO_FLAG_DEDUP = 2).
      expect(b.bi_addr).toEqual({ ...a.bi_addr, ba_flags: 2 });
      expect(c.bi_addr.ba_off).not.toBe(a.bi_addr.ba_off);
      expect(c.bi_addr.ba_flags).toBe(0);
      const hit = ev.find(
        (e) => e.op === first + 1 && e.step === 'vos_dedup_lookup' && e.phase === 'exit',
      );
      expect(hit?.data).toMatchObject({ hit: true, ba_off: a.bi_addr.ba_off });
      // Nothing is written for the shared extent; the others are written.
      expect(nvmeWrites(ev, first)).toBeGreaterThan(0);
      expect(nvmeWrites(ev, first + 1)).toBe(0);
      expect(nvmeWrites(ev, first + 2)).toBeGreaterThan(0);
      if (mode === 'MEMCMP') {
        const v = ev.find(
          (e) => e.op === first + 1 && e.step === 'vos_dedup_verify' && e.phase === 'exit',
        );
        expect(v?.data).toMatchObject({ matched: 1, reallocated: 0 });
      }
      // Reads: d1 and d2 return the same bytes, d3 its own.
      expect(fetched(r, first + 3)).toBe(fetched(r, first + 4));
      expect(fetched(r, first + 5)).not.toBe(fetched(r, first + 3));
      const again = run({ dedup: mode }, [upd('x', 5), fetch('x')]);
      expect(fetched(r, first + 4)).toBe(fetched(again.r, again.first + 1));
    });
  }

  it('no dedup property, or an inline (non-bulk) update: nothing is shared', () => {
    const off = run({}, [upd('d1', 5), upd('d2', 5)]);
    expect(reservedBiov(off.r.events, off.first + 1).bi_addr.ba_flags).toBe(0);
    expect(off.r.events.some((e) => e.step === 'vos_dedup_lookup')).toBe(false);
    const lrw = off.r.events.find((e) => e.step === 'obj_local_rw' && e.phase === 'enter');
    expect(lrw?.data).not.toHaveProperty('vos_flags');
    // 8 KiB < DAOS_BULK_LIMIT: the data rides inline in the RPC, so no VOS_OF_DEDUP.
    const inline = run({ dedup: 'MEMCMP' }, [upd('d1', 5, 8192), upd('d2', 5, 8192)]);
    expect(reservedBiov(inline.r.events, inline.first + 1).bi_addr.ba_flags).toBe(0);
    expect(inline.r.events.some((e) => e.step === 'vos_dedup_lookup')).toBe(false);
  });

  it('daos_cont_create checks the dedup arguments', () => {
    expect(() => run({ dedup: 'SOMETIMES' }, [])).toThrow(/ops\[1\]\.dedup: expected OFF/);
    expect(() => run({ dedup: 'HASH', dedup_th: 100 }, [])).toThrow(/ops\[1\]\.dedup_th/);
    const ok = run({ dedup: 'HASH', dedup_th: 8192 }, []);
    const e = ok.r.events.find((x) => x.step === 'daos_cont_create');
    expect(e?.data).toMatchObject({ props: { dedup: 'HASH', dedup_th: 8192 } });
  });
});
