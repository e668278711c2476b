/**
 * DAOS end to end (issue #5): `daos_obj_update` of a 1 KiB single value through the whole
 * simulated path — client task, RPC, object server, DTX, VOS over SCM (memory backend) — with
 * full tracing (every event kept), on OC_SX (one target per dkey) and on OC_RP_3G1 (leader +
 * two replicas, DTX prepare/commit). Counters per run: `updates`, `events` and `trace_bytes`
 * (the JSON of the updates' events), reported per second; events per op = events/s ÷
 * updates/s, trace bytes per op = trace_bytes/s ÷ updates/s. A run includes creating the VOS
 * pools of the targets it touches (12 for OC_SX, 3 for OC_RP_3G1) on first use.
 */
import { runScenario } from '../src/engine/scenario/runner.ts';
import type { OpDoc, ScenarioDoc } from '../src/engine/scenario/types.ts';
import type { Benchmark } from './types.ts';

const N = 200;

function doc(oclass: string): ScenarioDoc {
  const ops: OpDoc[] = [
    { op: 'daos_pool_connect', pool: 'p' },
    { op: 'daos_cont_create', pool: 'p', cont: 'c' },
    { op: 'daos_cont_open', pool: 'p', cont: 'c' },
    { op: 'daos_obj_generate_oid', cont: 'c', otype: 'DAOS_OT_MULTI_HASHED', oclass, as: 'o' },
    { op: 'daos_obj_open', obj: 'o', mode: 'DAOS_OO_RW' },
  ];
  const buf = { fill: 'random', len: 1024, seed: 1 };
  for (let i = 0; i < N; i++) {
    ops.push({
      op: 'daos_obj_update',
      obj: 'o',
      dkey: `dkey_${i % 50}`,
      iods: [{ akey: 'akey_sv', type: 'DAOS_IOD_SINGLE', size: 1024 }],
      data: [buf],
    });
  }
  return {
    schema: 'iopath.scenario/1',
    seed: 1,
    cluster: { daos: { engines: 3, targets_per_engine: 4 } },
    ops,
  };
}

function bench(oclass: string): Benchmark {
  const d = doc(oclass);
  return {
    name: `daos_obj_update 1 KiB SV, ${oclass}, ${N} updates per run (VOS, memory, full trace)`,
    run() {
      // Read from the recorder's columns: the updates' events and their JSON lines, without
      // building the event objects.
      const tr = runScenario(d).runner.rt.trace;
      const { op, length, firstSeq } = tr.columns();
      let events = 0;
      let bytes = 0;
      for (let i = 0; i < length; i++) {
        if ((op[i] as number) < 5) continue;
        events++;
        bytes += tr.jsonLine(firstSeq + i).length + 2;
      }
      return { updates: N, events, trace_bytes: bytes };
    },
    minMs: 3000,
  };
}

export const benchmarks: Benchmark[] = [bench('OC_SX'), bench('OC_RP_3G1')];
