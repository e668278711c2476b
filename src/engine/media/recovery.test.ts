import { describe, expect, it } from 'vitest';
import { createRuntime } from '../core/runtime.ts';
import { MEDIA_RECOVERY } from '../pipelines/media-recovery.ts';
import { createMemoryBackend } from './memory-backend.ts';
import { createScm } from './scm.ts';
import { createUmem, openUmem } from './umem/umem.ts';
import { createVea, openVea } from './vea/vea.ts';

describe('media.recovery trace', () => {
  it('reopening after a cut mid-transaction emits the catalog steps and rolls back', () => {
    const rt = createRuntime(7);
    const backend = createMemoryBackend(512 * 1024);
    const scm = createScm({ id: 'engine0.tgt0.scm', backend, trace: rt.trace });
    const pool = createUmem(scm, { rootSize: 128, trace: rt.trace });
    const vea = createVea(pool, { blocks: 1024, at: pool.rootOff, trace: rt.trace });
    pool.txBegin();
    pool.txAddRange(pool.rootOff + 64, 8);
    scm.writeNum64(pool.rootOff + 64, 12345);
    scm.powerCut(); // before commit

    const scm2 = createScm({ id: 'engine0.tgt0.scm', backend, trace: rt.trace });
    const pool2 = openUmem(scm2, { trace: rt.trace, actor: 'engine0.tgt0' });
    openVea(pool2, { dfOff: vea.dfOff, trace: rt.trace, actor: 'engine0.tgt0' });
    expect(scm2.readNum64(pool2.rootOff + 64)).toBe(0);
    expect(pool2.recovery?.undoEntries).toBe(1);

    const evs = rt.trace.events.filter((e) => e.pipeline === 'media.recovery');
    const catalog = new Set(MEDIA_RECOVERY.steps.map((s) => s.id));
    for (const e of evs) expect(catalog.has(e.step), e.step).toBe(true);
    const entered = evs.filter((e) => e.phase === 'enter').map((e) => e.step);
    // fault_power_cut (the op) is not part of reopening the devices.
    expect(entered).toEqual(
      MEDIA_RECOVERY.steps.filter((s) => s.id !== 'fault_power_cut').map((s) => s.id),
    );
    const replay = evs.find((e) => e.step === 'ulog_recover' && e.phase === 'exit');
    expect(replay?.data).toEqual({ restored_bytes: 8 });
    // The rollback's stores are effects on the trace (the UI's SCM map is built from them).
    const kinds = new Set(evs.flatMap((e) => (e.effects ?? []).map((f) => f.kind)));
    expect(kinds.has('scm.write')).toBe(true);
    expect(kinds.has('scm.drain')).toBe(true);
  });
});
