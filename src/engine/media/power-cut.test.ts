import { describe, expect, it } from 'vitest';
import { Sim } from '../core/sim.ts';
import { createMemoryBackend } from './memory-backend.ts';
import { createNvme } from './nvme.ts';
import { PowerCutError, type PersistencePoint } from './power.ts';
import { armPowerCut } from './power-cut.ts';
import { createScm } from './scm.ts';
import { createUmem, openUmem } from './umem/umem.ts';

describe('power domain', () => {
  it('an armed cut fires at the next persistence point of any device and kills them all', () => {
    const sim = new Sim();
    const backend = createMemoryBackend(512 * 1024);
    const scm = createScm({ id: 'scm', backend });
    const nvme = createNvme({ id: 'nvme', blocks: 8, sim, volatileCache: true });
    const pool = createUmem(scm, { rootSize: 64 });
    const seen: PersistencePoint[] = [];
    armPowerCut([scm, nvme], { skip: 1, onCut: (p) => seen.push(p) });
    pool.txBegin();
    expect(() => pool.txAddRange(pool.rootOff, 8)).toThrow(PowerCutError); // flush passes, drain cuts
    expect(seen).toEqual([{ kind: 'scm.drain', dev: 'scm', lines: 1 }]);
    expect(scm.isDead && nvme.isDead).toBe(true);
    expect(openUmem(createScm({ id: 'scm', backend })).recovery?.undoEntries).toBe(0);
  });

  it('disarm restores the previous hooks', () => {
    const scm = createScm({ id: 'scm', size: 4096 });
    const disarm = armPowerCut([scm]);
    disarm();
    scm.persist(0, 8);
    expect(scm.isDead).toBe(false);
  });
});
