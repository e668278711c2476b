import { describe, expect, it } from 'vitest';
import { objSetup } from '../daos/test-docs.ts';
import { memoryMediaProvider } from '../media/provider.ts';
import { runScenario } from '../scenario/runner.ts';
import { ensureSystemsRegistered } from '../scenario/systems.ts';
import type { OpDoc, ScenarioDoc } from '../scenario/types.ts';
import type { Json } from '../trace/event.ts';

ensureSystemsRegistered();

const SV = (akey: string, text: string): { iod: Json; data: Json } => ({
  iod: { akey, type: 'DAOS_IOD_SINGLE', size: text.length },
  data: { utf8: text },
});
const ARRAY_IOD = {
  akey: 'b',
  type: 'DAOS_IOD_ARRAY',
  size: 1,
  recxs: [{ idx: 0, nr: 8192 }],
};

/** Two committed updates (an SV on SCM, an 8 KiB array on NVMe), then `middle`, then a fetch. */
function doc(middle: OpDoc[]): ScenarioDoc {
  const one = SV('a', 'one..');
  const two = SV('a', 'two..');
  const fresh = SV('c', 'new..');
  return {
    schema: 'iopath.scenario/1',
    seed: 3,
    cluster: {
      daos: { engines: 1, targets_per_engine: 1, scm_bytes: 4 << 20, nvme_bytes: 4 << 20 },
    },
    ops: [
      ...objSetup('OC_S1', { pool: 'tank' }),
      { op: 'daos_obj_update', obj: 'o', dkey: 'd', iods: [one.iod], data: [one.data] },
      {
        op: 'daos_obj_update',
        obj: 'o',
        dkey: 'd',
        iods: [ARRAY_IOD],
        data: [{ fill: 'random', len: 8192 }],
      },
      ...middle.map((m) =>
        m.op === 'UPDATE2'
          ? {
              op: 'daos_obj_update',
              obj: 'o',
              dkey: 'd',
              iods: [two.iod, fresh.iod],
              data: [two.data, fresh.data],
            }
          : m,
      ),
      {
        op: 'daos_obj_fetch',
        obj: 'o',
        dkey: 'd',
        iods: [
          { akey: 'a', type: 'DAOS_IOD_SINGLE', size: 5 },
          ARRAY_IOD,
          { akey: 'c', type: 'DAOS_IOD_SINGLE', size: 5 },
        ],
      },
    ],
  };
}

interface FetchResult {
  iods: { size: number }[];
  data: { base64: string; utf8?: string }[];
}

function lastFetch(d: ScenarioDoc) {
  const run = runScenario(d, { media: memoryMediaProvider() });
  const lines = run.result.ops;
  const last = lines[lines.length - 1];
  expect(last?.rc).toBe(0);
  return { run, fetch: last?.result as unknown as FetchResult };
}

describe('fault_power_cut + restart of a DAOS target', () => {
  // Reference: the same committed updates, no fault.
  const ref = lastFetch(doc([])).fetch;

  it('the reference fetch sees both committed values', () => {
    expect(ref.data[0]?.utf8).toBe('one..');
    expect(ref.iods[1]?.size).toBe(1);
    expect(ref.iods[2]?.size).toBe(0);
  });

  // Cut at the next persistence point after each of these steps of the interrupted update:
  // before the transaction, inside it (after undo entries are durable), at its commit.
  const steps = [
    'vos_update_end',
    'vos_tx_begin',
    'dkey_update',
    'akey_update',
    'dbtree_upsert',
    'vos_tx_publish',
    'umem_tx_commit',
  ];
  let rolledBack = 0;
  for (const atStep of steps) {
    it(`cut after ${atStep}: recovery restores the last committed state`, () => {
      const { run, fetch } = lastFetch(
        doc([
          { op: 'fault_power_cut', target: 'engine0.tgt0', at_step: atStep },
          { op: 'UPDATE2' },
          { op: 'restart', target: 'engine0.tgt0' },
          { op: 'daos_obj_open', obj: 'o', mode: 'DAOS_OO_RW' },
        ]),
      );
      const ops = run.result.ops;
      // The interrupted update failed (its only replica lost power mid-way).
      expect(ops[8]?.rc).toBeLessThan(0);
      // The cut happened inside op 8, after the armed step.
      const cut = run.events.find((e) => e.step === 'fault_power_cut' && e.op === 8);
      expect(cut?.data).toMatchObject({ target: 'engine0.tgt0' });
      // restart ran recovery as the media.recovery pipeline.
      const rec = run.events.filter((e) => e.op === 9 && e.pipeline === 'media.recovery');
      expect(rec.map((e) => e.step)).toEqual(
        expect.arrayContaining(['pmemobj_open', 'ulog_recover', 'heap_boot', 'vea_load']),
      );
      const ulog = rec.find((e) => e.step === 'ulog_recover' && e.phase === 'exit');
      if (Number(ulog?.data?.restored_bytes ?? 0) > 0) rolledBack++;
      // Nothing of the interrupted update; everything committed before it.
      expect(fetch.data[0]?.utf8).toBe('one..');
      expect(fetch.iods[1]?.size).toBe(1);
      expect(fetch.data[1]?.base64).toBe(ref.data[1]?.base64);
      expect(fetch.iods[2]?.size).toBe(0);
    });
  }

  it('some of those cuts hit a transaction with durable undo entries (rolled back)', () => {
    expect(rolledBack).toBeGreaterThan(0);
  });

  it('restart of a target that never lost power does no media recovery', () => {
    const { run, fetch } = lastFetch(
      doc([
        { op: 'UPDATE2' },
        { op: 'fault_kill_target', target: 'engine0.tgt0' },
        { op: 'restart', target: 'engine0.tgt0' },
      ]),
    );
    expect(run.events.some((e) => e.pipeline === 'media.recovery')).toBe(false);
    expect(fetch.data[0]?.utf8).toBe('two..');
  });

  it('fault_power_cut with no at_step cuts now: the next update fails, restart recovers', () => {
    const { run, fetch } = lastFetch(
      doc([
        { op: 'fault_power_cut', target: 'engine0.tgt0' },
        { op: 'UPDATE2' },
        { op: 'restart', target: 'engine0.tgt0' },
        { op: 'daos_obj_open', obj: 'o', mode: 'DAOS_OO_RW' },
      ]),
    );
    expect(run.result.ops[8]?.rc).toBeLessThan(0);
    expect(fetch.data[0]?.utf8).toBe('one..');
    expect(fetch.data[1]?.base64).toBe(ref.data[1]?.base64);
  });

  it('rejects a bad target name', () => {
    expect(() => runScenario(doc([{ op: 'fault_power_cut', target: 'osd.1' }]))).toThrow(
      /target: expected a target name/,
    );
  });
});
