import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../../protocol/index.ts';
import {
  faultableActors,
  faultsFor,
  globalFaults,
  partitionableActors,
  partitionFault,
  powerCutAtStep,
  powerCutSteps,
} from './faultOps.ts';

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

describe('partition and power cut at a step', () => {
  const all = new Set(['fault_partition', 'fault_power_cut']);
  it('partitions two different actors, only when the op is registered', () => {
    const events = ['client', 'engine1.tgt0', 'network', 'engine0.tgt3'].map(ev);
    expect(partitionableActors(events)).toEqual(['client', 'engine0.tgt3', 'engine1.tgt0']);
    expect(partitionFault('client', 'engine0.tgt3', all)?.op).toEqual({
      op: 'fault_partition',
      between: ['client', 'engine0.tgt3'],
    });
    expect(partitionFault('client', 'client', all)).toBeNull();
    expect(partitionFault('client', 'engine0.tgt3', new Set(['restart']))).toBeNull();
  });

  it('Ceph: the client, the OSDs and the monitor; an OSD offers drop and partitions', () => {
    const events = ['client', 'osd.2', 'network', 'mon.a', 'osd.10', 'osd.0'].map(ev);
    const ends = partitionableActors(events);
    expect(ends).toEqual(['client', 'mon.a', 'osd.0', 'osd.2', 'osd.10']);
    const ceph = new Set(['fault_kill_osd', 'restart', 'fault_drop_messages', 'fault_partition']);
    expect(faultsFor('osd.2', ceph, ends).map((f) => f.label)).toEqual([
      'Kill osd.2',
      'Restart osd.2',
      'Drop the next message to osd.2',
      'Partition osd.2 ↔ client',
      'Partition osd.2 ↔ mon.a',
      'Partition osd.2 ↔ osd.0',
      'Partition osd.2 ↔ osd.10',
    ]);
    expect(faultsFor('osd.2', ceph, ends)[2]?.op).toEqual({
      op: 'fault_drop_messages',
      to: 'osd.2',
      count: 1,
    });
    expect(partitionFault('osd.1', 'osd.0', ceph, true)?.op).toEqual({
      op: 'fault_partition',
      between: ['osd.1', 'osd.0'],
      wait: true,
    });
  });

  it('arms a power cut of a target at a step of the DAOS I/O pipelines', () => {
    const steps = powerCutSteps([
      { id: 'daos.setup', system: 'daos', steps: [{ id: 'daos_pool_connect' }] },
      {
        id: 'daos.update',
        system: 'daos',
        steps: [{ id: 'vos_update_end' }, { id: 'dc_obj_update' }],
      },
      { id: 'ceph.write', system: 'ceph', steps: [{ id: 'do_op' }] },
    ]);
    expect(steps).toEqual(['dc_obj_update', 'vos_update_end']);
    expect(powerCutAtStep('engine0.tgt1', 'vos_update_end', all)?.op).toEqual({
      op: 'fault_power_cut',
      target: 'engine0.tgt1',
      at_step: 'vos_update_end',
    });
    expect(powerCutAtStep('osd.1', 'vos_update_end', all)).toBeNull();
    expect(powerCutAtStep('engine0.tgt1', 'vos_update_end', new Set(['restart']))).toBeNull();
  });
});
