/**
 * `daos.fetch`: one `daos_obj_fetch` from the application call to the data in the user's
 * buffers (spec daos-io-path.md §5). Order = the order a plain inline fetch reaches them.
 */
import type { PipelineDef, StepDef } from './types.ts';
import { STEP, insertAfter, optional } from './dtx-steps.ts';
import { DAOS_LANES } from './lanes.ts';

export const DAOS_FETCH: PipelineDef = {
  id: 'daos.fetch',
  system: 'daos',
  title: 'DAOS object fetch',
  summary:
    'The client sends one RPC to a replica of the group that owns the dkey; the target reads ' +
    'the newest version of each value at or below the read epoch and sends the bytes back.',
  lanes: DAOS_LANES,
  steps: [
    {
      id: 'daos_obj_fetch',
      lane: 'client',
      caption:
        'The application asks for the values of some akeys under one dkey, giving buffers (sgls) ' +
        'to receive them. A record size of 0 means "tell me the size".',
      source: 'src/client/api/object.c',
    },
    {
      id: 'dc_task_create',
      lane: 'client',
      caption: 'The call becomes a task of the client task scheduler (TSE).',
      source: 'src/client/api/task.c',
    },
    {
      id: 'dc_task_schedule',
      lane: 'client',
      caption: 'The task runs at once in the caller’s thread; the caller waits for it to finish.',
      source: 'src/client/api/task.c',
    },
    {
      id: 'dc_obj_fetch_task',
      lane: 'client',
      caption:
        'obj_req_valid checks the request; the dkey hash picks the group, and one replica of ' +
        'the group is chosen to read from.',
      source: 'src/object/cli_obj.c',
    },
    {
      id: 'obj_req_fanout',
      lane: 'client',
      caption: 'A fetch talks to exactly one shard, so one shard request is prepared.',
      source: 'src/object/cli_obj.c',
    },
    {
      id: 'dc_obj_shard_rw',
      lane: 'client',
      caption:
        'The RPC body is filled: object, dkey and hash, iods, epoch MAX (read the latest), and ' +
        'the sizes of the buffers waiting for the data.',
      source: 'src/object/cli_shard.c',
    },
    {
      id: 'crt_req_send',
      lane: 'network',
      caption: 'CaRT sends DAOS_OBJ_RPC_FETCH to the chosen target.',
      source: 'src/cart/crt_rpc.c',
    },
    {
      id: 'crt_handle_rpc',
      lane: 'server',
      caption: 'The target’s service thread receives the RPC and runs the object handler.',
      source: 'src/cart/crt_rpc.c',
    },
    {
      id: 'ds_obj_rw_handler',
      lane: 'server',
      caption: 'The object server’s read/write handler takes the fetch branch.',
      source: 'src/object/srv_obj.c',
    },
    {
      id: 'obj_ioc_begin',
      lane: 'server',
      caption: 'Checks: container handle, pool map version, read capability, object class.',
      source: 'src/object/srv_obj.c',
    },
    {
      id: 'process_epoch',
      lane: 'server',
      caption:
        'Epoch MAX becomes this target’s clock: the fetch sees every value written before now.',
      source: 'src/object/srv_obj.c',
    },
    {
      id: 'dtx_begin',
      lane: 'server',
      caption:
        'A DTX handle for the read. A plain fetch has a zero DTX id, so nothing is recorded.',
      source: 'src/dtx/dtx_common.c',
    },
    {
      id: 'obj_local_rw',
      lane: 'server',
      caption: 'The local read on this target.',
      source: 'src/object/srv_obj.c',
    },
    {
      id: 'vos_fetch_begin',
      lane: 'vos',
      caption:
        'VOS looks up the object, the dkey and each akey, and finds the newest version of every ' +
        'value at or below the read epoch. Missing keys simply return size 0.',
      source: 'src/vos/vos_io.c',
    },
    {
      id: 'bio_iod_prep',
      lane: 'scm',
      caption:
        'BIO reads the data: SCM addresses are mapped directly, NVMe extents are read into DMA ' +
        'buffers.',
      source: 'src/bio/bio_buffer.c',
    },
    {
      id: 'bio_iod_copy',
      lane: 'scm',
      caption: 'The bytes are copied into the reply buffers that go back inline with the RPC.',
      source: 'src/bio/bio_buffer.c',
    },
    {
      id: 'obj_bulk_transfer',
      lane: 'network',
      caption: 'Large values are pushed into the client’s buffers by RDMA (bulk PUT).',
      source: 'src/object/srv_obj.c',
      optional: true,
    },
    {
      id: 'obj_rw_complete',
      lane: 'server',
      caption: 'The handler finishes the VOS read.',
      source: 'src/object/srv_obj.c',
    },
    {
      id: 'vos_fetch_end',
      lane: 'vos',
      caption: 'VOS releases the I/O context of the read.',
      source: 'src/vos/vos_io.c',
    },
    {
      id: 'dtx_end',
      lane: 'server',
      caption: 'The read’s DTX handle is closed.',
      source: 'src/dtx/dtx_common.c',
    },
    {
      id: 'obj_rw_reply',
      lane: 'server',
      caption: 'The reply carries the status, the epoch, each value’s size and the data.',
      source: 'src/object/srv_obj.c',
    },
    {
      id: 'crt_reply_send',
      lane: 'network',
      caption: 'CaRT sends the reply back to the client.',
      source: 'src/cart/crt_rpc.c',
    },
    {
      id: 'dc_rw_cb',
      lane: 'client',
      caption:
        'The client copies each size into its iod and the inline data into the user’s buffers.',
      source: 'src/object/cli_shard.c',
    },
    {
      id: 'obj_comp_cb',
      lane: 'client',
      caption: 'No retry is needed: the task completes and daos_obj_fetch returns.',
      source: 'src/object/cli_obj.c',
    },
  ],
};

// Reading a value whose DTX is not committed yet (spec §5.4) and the client's retry (§3.9).
insertAfter(DAOS_FETCH.steps, 'dtx_begin', [
  STEP.vos_dtx_check_availability as StepDef,
  STEP.dtx_refresh as StepDef,
  optional(STEP.vos_dtx_commit as StepDef),
  STEP.vos_dtx_abort as StepDef,
]);
insertAfter(DAOS_FETCH.steps, 'obj_comp_cb', [
  STEP.dc_task_reinit as StepDef,
  STEP.obj_pool_query_task as StepDef,
]);
// TSE completion callbacks, LIFO (spec §3.9): dc_rw_cb → close_shard_cb → obj_comp_cb → task_comp_event.
insertAfter(DAOS_FETCH.steps, 'dc_rw_cb', [STEP.close_shard_cb as StepDef]);
insertAfter(DAOS_FETCH.steps, 'obj_pool_query_task', [STEP.task_comp_event as StepDef]);
