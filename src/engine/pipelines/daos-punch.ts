/**
 * `daos.punch`: removing keys (`daos_obj_punch_dkeys`, `daos_obj_punch_akeys`,
 * `daos_obj_punch`, spec §1.9 and §7.4). A punch is a versioned write: readers at older epochs
 * still see the data, newer readers do not.
 */
import type { PipelineDef, StepDef } from './types.ts';
import { STEP, insertAfter } from './dtx-steps.ts';
import { DAOS_LANES } from './lanes.ts';

export const DAOS_PUNCH: PipelineDef = {
  id: 'daos.punch',
  system: 'daos',
  title: 'DAOS punch',
  summary:
    'A punch is sent to the leader of the group holding the dkey; VOS records a punch at the ' +
    'new epoch, so the keys vanish from later reads and listings while older epochs keep them.',
  lanes: DAOS_LANES,
  steps: [
    {
      id: 'daos_obj_punch_dkeys',
      lane: 'client',
      caption: 'The application removes a dkey (and everything under it).',
      source: 'src/client/api/object.c',
    },
    {
      id: 'daos_obj_punch_akeys',
      lane: 'client',
      caption: 'The application removes some akeys under one dkey.',
      source: 'src/client/api/object.c',
      optional: true,
    },
    {
      id: 'daos_obj_punch',
      lane: 'client',
      caption: 'The application removes the whole object.',
      source: 'src/client/api/object.c',
      optional: true,
    },
    {
      id: 'dc_task_create',
      lane: 'client',
      caption: 'The call becomes a task of the client task scheduler.',
      source: 'src/client/api/task.c',
    },
    {
      id: 'dc_task_schedule',
      lane: 'client',
      caption: 'The task runs at once; the caller waits for it.',
      source: 'src/client/api/task.c',
    },
    {
      id: 'dc_obj_punch_dkeys_task',
      lane: 'client',
      caption: 'Checks the arguments (exactly one dkey) and hashes the dkey to find its group.',
      source: 'src/object/cli_obj.c',
    },
    {
      id: 'dc_obj_punch_akeys_task',
      lane: 'client',
      caption: 'Checks the akeys and hashes the dkey to find its group.',
      source: 'src/object/cli_obj.c',
      optional: true,
    },
    {
      id: 'dc_obj_punch_task',
      lane: 'client',
      caption: 'An object punch reaches every group of the object.',
      source: 'src/object/cli_obj.c',
      optional: true,
    },
    {
      id: 'obj_req_fanout',
      lane: 'client',
      caption: 'One request to the leader of each group concerned.',
      source: 'src/object/cli_obj.c',
    },
    {
      id: 'dc_obj_shard_punch',
      lane: 'client',
      caption: 'The shard layer fills the punch RPC: shard, dkey, akeys, epoch MAX.',
      source: 'src/object/cli_shard.c',
    },
    {
      id: 'crt_req_send',
      lane: 'network',
      caption: 'CaRT sends the punch RPC to the group leader.',
      source: 'src/cart/crt_rpc.c',
    },
    {
      id: 'crt_handle_rpc',
      lane: 'server',
      caption: 'The target receives the RPC and runs the punch handler.',
      source: 'src/cart/crt_rpc.c',
    },
    {
      id: 'ds_obj_punch_handler',
      lane: 'server',
      caption: 'The object server’s punch handler (the leader forwards to replicas).',
      source: 'src/object/srv_obj.c',
    },
    {
      id: 'obj_ioc_begin',
      lane: 'server',
      caption: 'Checks: container handle, pool map version, write capability.',
      source: 'src/object/srv_obj.c',
    },
    {
      id: 'process_epoch',
      lane: 'server',
      caption: 'The punch gets its epoch from this target’s clock, like an update.',
      source: 'src/object/srv_obj.c',
    },
    {
      id: 'ds_obj_tgt_punch_handler',
      lane: 'server',
      caption: 'Replicated objects only: a replica applies the leader’s forwarded punch.',
      source: 'src/object/srv_obj.c',
      optional: true,
    },
    {
      id: 'obj_local_punch',
      lane: 'server',
      caption: 'The punch on this target.',
      source: 'src/object/srv_obj.c',
    },
    {
      id: 'vos_obj_punch',
      lane: 'vos',
      caption:
        'VOS adds a punch entry at the epoch to the key’s incarnation log: the key and its ' +
        'values become invisible from this epoch on.',
      source: 'src/vos/vos_obj.c',
    },
    {
      id: 'obj_punch_complete',
      lane: 'server',
      caption: 'The reply carries the status and the pool map version.',
      source: 'src/object/srv_obj.c',
    },
    {
      id: 'crt_reply_send',
      lane: 'network',
      caption: 'CaRT sends the reply back to the client.',
      source: 'src/cart/crt_rpc.c',
    },
    {
      id: 'obj_comp_cb',
      lane: 'client',
      caption: 'The task completes and the punch call returns.',
      source: 'src/object/cli_obj.c',
    },
  ],
};

// TSE: shard sub-tasks when several groups are contacted, the retry, the event completion.
insertAfter(DAOS_PUNCH.steps, 'obj_req_fanout', [STEP.obj_shard_task_sched as StepDef]);
insertAfter(DAOS_PUNCH.steps, 'obj_comp_cb', [
  STEP.dc_task_reinit as StepDef,
  STEP.obj_pool_query_task as StepDef,
  STEP.task_comp_event as StepDef,
]);
