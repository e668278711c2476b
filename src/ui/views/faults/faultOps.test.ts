import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../../protocol/index.ts';
import { faultableActors, faultsFor, globalFaults } from './faultOps.ts';

const ev = (actor: string): TraceEvent => ({
  seq: 0,
  t: 0,
  pipeline: 'p',
  op: 0,
  step: 's',
  phase: 'point',
  actor,
});

describe('faults palette model', () => {
  it('lists targets and OSDs of the trace in natural order', () => {
    const events = ['client', 'osd.10', 'osd.2', 'engine0.tgt1', 'osd.2', 'network'].map(ev);
    expect(faultableActors(events)).toEqual(['engine0.tgt1', 'osd.2', 'osd.10']);
  });

  it('offers only registered ops', () => {
    const ceph = new Set(['fault_kill_osd', 'restart', 'rados_read']);
    expect(faultsFor('osd.2', ceph).map((f) => f.op)).toEqual([
      { op: 'fault_kill_osd', osd: 2 },
      { op: 'restart', osd: 2 },
    ]);
    expect(faultsFor('engine0.tgt1', ceph).map((f) => f.id)).toEqual(['restart']);
    expect(globalFaults(ceph)).toEqual([]);
    const daos = new Set(['fault_power_cut', 'fault_kill_target', 'fault_drop_messages']);
    expect(faultsFor('engine0.tgt1', daos).map((f) => f.id)).toEqual(['power-cut', 'kill', 'drop']);
    expect(globalFaults(daos).map((f) => f.op)).toEqual([{ op: 'fault_drop_messages', count: 1 }]);
  });
});
