/**
 * `daos.rw.replicated`: an update of a replicated object (OC_RP_*) — the leader's DTX, the
 * forwarding of TGT_UPDATE to the replicas before the local update, the replicas' handler, and
 * the DTX end (committable, or a synchronous commit for a new object). Spec §6.1.
 *
 * Its steps are those of `daos.update` (including the VOS inner steps another system adds to
 * it) with the replica and DTX steps inserted, so they are derived on each read.
 */
import { DAOS_LANES } from './lanes.ts';
import { DAOS_UPDATE } from './daos-update.ts';
import { STEP, insertAfter, optional } from './dtx-steps.ts';
import type { PipelineDef, StepDef } from './types.ts';

let cache: { from: number; steps: StepDef[] } | undefined;

function replicatedSteps(): StepDef[] {
  const base = DAOS_UPDATE.steps;
  if (cache && cache.from === base.length) return cache.steps;
  const steps = base.map((s) =>
    s.id === 'ds_obj_tgt_update_handler' ? { ...s, optional: false } : s,
  );
  insertAfter(steps, 'ds_obj_tgt_update_handler', [
    STEP.dtx_begin_replica as StepDef,
    optional(STEP.vos_dtx_commit as StepDef),
  ]);
  insertAfter(steps, 'vos_update_end', [STEP.dtx_end_replica as StepDef]);
  insertAfter(steps, 'dtx_leader_end', [
    STEP.dtx_cos_add as StepDef,
    optional(STEP.dtx_commit as StepDef),
    optional(STEP.dtx_handler as StepDef),
  ]);
  cache = { from: base.length, steps };
  return steps;
}

export const DAOS_RW_REPLICATED: PipelineDef = {
  id: 'daos.rw.replicated',
  system: 'daos',
  title: 'DAOS replicated update (DTX)',
  summary:
    'The client sends the update to the group leader only. The leader opens a distributed ' +
    'transaction, forwards the update to every replica, updates its own target, and replies ' +
    'once all of them prepared it; the commit on the replicas follows later, in batches or ' +
    'piggybacked on the next update.',
  lanes: DAOS_LANES,
  get steps(): StepDef[] {
    return replicatedSteps();
  },
};
