/**
 * `daos.list`: key enumeration (`daos_obj_list_dkey` / `daos_obj_list_akey`, spec §1.8). The
 * application loops with an anchor until EOF; dkey enumeration walks the object's groups one
 * after another, asking one replica of each group for the keys it holds.
 */
import type { PipelineDef, StepDef } from './types.ts';
import { STEP, insertAfter } from './dtx-steps.ts';
import { DAOS_LANES } from './lanes.ts';

export const DAOS_LIST: PipelineDef = {
  id: 'daos.list',
  system: 'daos',
  title: 'DAOS key enumeration',
  summary:
    'Listing the dkeys of an object: one call per group (the anchor remembers where it is); each ' +
    'call asks one target of the group to iterate its VOS tree and pack the keys it finds.',
  lanes: DAOS_LANES,
  steps: [
    {
      id: 'daos_obj_list_dkey',
      lane: 'client',
      caption:
        'The application asks for the next batch of dkeys, passing an anchor (where the last ' +
        'call stopped) and a buffer for the keys.',
      source: 'src/client/api/object.c',
    },
    {
      id: 'daos_obj_list_akey',
      lane: 'client',
      caption: 'The application asks for the akeys under one dkey.',
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
      id: 'dc_obj_list_dkey',
      lane: 'client',
      caption:
        'The anchor says which group to ask next; one replica of that group is chosen (dkeys of ' +
        'one group all live on the same shards).',
      source: 'src/object/cli_obj.c',
    },
    {
      id: 'dc_obj_list_akey',
      lane: 'client',
      caption: 'The dkey is hashed to find its group; one replica of the group is asked.',
      source: 'src/object/cli_obj.c',
      optional: true,
    },
    {
      id: 'obj_req_fanout',
      lane: 'client',
      caption: 'Enumeration talks to one shard at a time.',
      source: 'src/object/cli_obj.c',
    },
    {
      id: 'dc_obj_shard_list',
      lane: 'client',
      caption:
        'The shard layer fills the enumeration RPC: object shard, epoch range, anchor, buffer size.',
      source: 'src/object/cli_shard.c',
    },
    {
      id: 'crt_req_send',
      lane: 'network',
      caption: 'CaRT sends the enumeration RPC to the shard’s target.',
      source: 'src/cart/crt_rpc.c',
    },
    {
      id: 'crt_handle_rpc',
      lane: 'server',
      caption: 'The target receives the RPC and runs the enumeration handler.',
      source: 'src/cart/crt_rpc.c',
    },
    {
      id: 'ds_obj_enum_handler',
      lane: 'server',
      caption: 'The object server’s enumeration handler.',
      source: 'src/object/srv_obj.c',
    },
    {
      id: 'obj_ioc_begin',
      lane: 'server',
      caption: 'Checks: container handle, pool map version, read capability.',
      source: 'src/object/srv_obj.c',
    },
    {
      id: 'obj_local_enum',
      lane: 'server',
      caption: 'Enumerate on this target at the read epoch and pack the keys into the reply.',
      source: 'src/object/srv_obj.c',
    },
    {
      id: 'vos_iterate',
      lane: 'vos',
      caption:
        'VOS walks its dkey (or akey) tree in key order and keeps the keys that are visible at ' +
        'the epoch: punched keys are skipped.',
      source: 'src/vos/vos_iterator.c',
    },
    {
      id: 'obj_enum_complete',
      lane: 'server',
      caption: 'The reply carries the packed keys, their lengths and the new anchor.',
      source: 'src/object/srv_obj.c',
    },
    {
      id: 'crt_reply_send',
      lane: 'network',
      caption: 'CaRT sends the reply back to the client.',
      source: 'src/cart/crt_rpc.c',
    },
    {
      id: 'dc_enumerate_cb',
      lane: 'client',
      caption:
        'The client unpacks the keys into the caller’s buffer and moves the anchor; at the end ' +
        'of the last group the anchor reads EOF.',
      source: 'src/object/cli_shard.c',
    },
    {
      id: 'obj_comp_cb',
      lane: 'client',
      caption: 'The task completes; the call returns this batch of keys.',
      source: 'src/object/cli_obj.c',
    },
  ],
};

// TSE: shard sub-tasks when several groups are contacted, the retry, the event completion.
insertAfter(DAOS_LIST.steps, 'obj_comp_cb', [
  STEP.dc_task_reinit as StepDef,
  STEP.obj_pool_query_task as StepDef,
  STEP.task_comp_event as StepDef,
]);
// daos_obj_query_key (array get_size) rides on the listing pipeline: its own client steps, the
// shared RPC steps, its handler and VOS query.
insertAfter(DAOS_LIST.steps, 'daos_obj_list_akey', [STEP.daos_obj_query_key as StepDef]);
insertAfter(DAOS_LIST.steps, 'dc_obj_list_akey', [STEP.dc_obj_query_key as StepDef]);
insertAfter(DAOS_LIST.steps, 'obj_req_fanout', [STEP.obj_shard_task_sched as StepDef]);
insertAfter(DAOS_LIST.steps, 'dc_obj_shard_list', [STEP.dc_obj_shard_query_key as StepDef]);
insertAfter(DAOS_LIST.steps, 'ds_obj_enum_handler', [STEP.ds_obj_query_key_handler as StepDef]);
insertAfter(DAOS_LIST.steps, 'vos_iterate', [STEP.vos_obj_query_key as StepDef]);
