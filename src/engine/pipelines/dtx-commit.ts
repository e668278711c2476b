/**
 * `dtx.commit`: the batched commit of committable DTXs (spec §6.1 step 7): the per-target
 * ULT, `dtx_fetch_committable`, one DTX_COMMIT RPC per participant, `vos_dtx_commit` there and
 * locally.
 */
import { DAOS_LANES } from './lanes.ts';
import { STEP } from './dtx-steps.ts';
import type { PipelineDef, StepDef } from './types.ts';

const net = (id: string, caption: string): StepDef => ({
  id,
  lane: 'network',
  caption,
  source: 'src/cart/crt_rpc.c',
});

export const DTX_COMMIT: PipelineDef = {
  id: 'dtx.commit',
  system: 'daos',
  title: 'DTX batched commit',
  summary:
    'A leader commits the transactions it has marked committable: it sends each replica the ' +
    'list of DTX ids, the replicas make those writes visible, then the leader does locally.',
  lanes: DAOS_LANES,
  steps: [
    STEP.dtx_batched_commit as StepDef,
    STEP.dtx_fetch_committable as StepDef,
    STEP.dtx_commit as StepDef,
    net('crt_req_send', 'The DTX_COMMIT RPC leaves for one participant with its DTX ids.'),
    STEP.dtx_handler as StepDef,
    STEP.vos_dtx_commit as StepDef,
    net('crt_reply_send', 'The participant answers the leader.'),
  ],
};
