/**
 * `daos.fault` (kill a target, drop messages) and `daos.reintegrate` (restart of a target:
 * replay of the writes it missed into its VOS, then back into the pool map). The reintegration
 * steps reuse the server/VOS steps of `daos.update` from `obj_local_rw` on, derived on read.
 */
import { DAOS_LANES } from './lanes.ts';
import { DAOS_UPDATE } from './daos-update.ts';
import type { LaneDef, PipelineDef, StepDef } from './types.ts';

const LANES: LaneDef[] = [...DAOS_LANES, { id: 'pool', label: 'Pool service' }];

export const DAOS_FAULT: PipelineDef = {
  id: 'daos.fault',
  system: 'daos',
  title: 'DAOS fault injection',
  summary:
    'A target dies (it stops answering), messages between two actors are lost, or the network ' +
    'between two actors is partitioned for a while.',
  lanes: LANES,
  steps: [
    {
      id: 'fault_kill_target',
      lane: 'server',
      caption:
        'The engine target stops: RPCs to it are never answered. Whoever waits for it times out ' +
        'and reports it, and the pool service excludes it from the pool map.',
      source: 'src/engine/srv.c',
    },
    {
      id: 'fault_drop_messages',
      lane: 'network',
      caption: 'The next messages from/to the given actors are lost on the fabric.',
      source: 'src/cart/crt_rpc.c',
      optional: true,
    },
    {
      id: 'fault_partition',
      lane: 'network',
      caption:
        'The fabric between two actors is cut both ways for a while: their RPCs are lost, ' +
        'time out and are resent until the network heals.',
      source: 'src/cart/crt_rpc.c',
      optional: true,
    },
  ],
};

let cache: { from: number; steps: StepDef[] } | undefined;

function reintSteps(): StepDef[] {
  const base = DAOS_UPDATE.steps;
  if (cache && cache.from === base.length) return cache.steps;
  const from = base.findIndex((s) => s.id === 'obj_local_rw');
  const to = base.findIndex((s) => s.id === 'dtx_leader_end');
  const inner = base.slice(from, to);
  const steps: StepDef[] = [
    {
      id: 'ds_rebuild_schedule',
      lane: 'pool',
      caption:
        'The restarted target is reintegrated: the pool service schedules a rebuild that ' +
        'brings it the writes it missed while it was out of the pool map.',
      source: 'src/rebuild/srv.c',
    },
    {
      id: 'migrate_one_ult',
      lane: 'server',
      caption:
        'One missed write is migrated to the target and applied at its original epoch, so ' +
        'the replica ends with the same versions as the others.',
      source: 'src/object/srv_obj_migrate.c',
    },
    ...inner,
  ];
  cache = { from: base.length, steps };
  return steps;
}

export const DAOS_REINTEGRATE: PipelineDef = {
  id: 'daos.reintegrate',
  system: 'daos',
  title: 'DAOS target restart and reintegration',
  summary:
    'A restarted target first receives every write its group leaders made while it was ' +
    'excluded (at their original epochs), then it is back in the pool map and serves I/O.',
  lanes: LANES,
  get steps(): StepDef[] {
    return reintSteps();
  },
};
