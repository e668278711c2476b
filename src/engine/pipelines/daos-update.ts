/**
 * `daos.update`: one `daos_obj_update` from the application call to the reply, as the seed's
 * example_daos_key_sv walks it (spec daos-io-path.md §3–§4). Steps are in the order a plain
 * (non-replicated, inline) update reaches them; the engine emits `enter`/`point` events of
 * these steps in exactly this order.
 */
import type { PipelineDef, StepDef } from './types.ts';
import { STEP, insertAfter, optional } from './dtx-steps.ts';
import { DAOS_LANES } from './lanes.ts';

export const DAOS_UPDATE: PipelineDef = {
  id: 'daos.update',
  system: 'daos',
  title: 'DAOS object update',
  summary:
    'The client turns daos_obj_update into a task, picks the shard that owns the dkey and sends ' +
    'one RPC; the target checks it, picks the epoch, reserves space in VOS, copies the bytes ' +
    'into SCM (or NVMe), publishes the tree records in one transaction and replies.',
  lanes: DAOS_LANES,
  steps: [
    {
      id: 'daos_obj_update',
      lane: 'client',
      caption:
        'The application asks DAOS to store values under one dkey. It passes I/O descriptors ' +
        '(iods: which akeys, what kind of value, how big) and scatter/gather lists (sgls: where ' +
        'the bytes are in memory).',
      source: 'src/client/api/object.c',
    },
    {
      id: 'dc_task_create',
      lane: 'client',
      caption:
        'The call is wrapped in a task of the client task scheduler (TSE). A blocking call gets ' +
        'a private event so the caller can wait for the task to finish.',
      source: 'src/client/api/task.c',
    },
    {
      id: 'dc_task_schedule',
      lane: 'client',
      caption:
        'The task is launched at once ("instant") in the caller’s thread; the caller then waits ' +
        'on the event while the network makes progress.',
      source: 'src/client/api/task.c',
    },
    {
      id: 'dc_obj_update_task',
      lane: 'client',
      caption:
        'The task body. obj_req_valid checks the handle, the keys, the iods and the buffer ' +
        'sizes; a bad request stops here with its error code before anything is sent.',
      source: 'src/object/cli_obj.c',
    },
    {
      id: 'dc_obj_update',
      lane: 'client',
      caption:
        'The dkey is hashed; the hash picks the redundancy group, and the group picks the shard ' +
        '(and so the engine target) that will store this dkey.',
      source: 'src/object/cli_obj.c',
    },
    {
      id: 'obj_req_fanout',
      lane: 'client',
      caption:
        'One request per target to contact. An update goes only to the group leader (which ' +
        'forwards to replicas itself), so one shard request is prepared.',
      source: 'src/object/cli_obj.c',
    },
    {
      id: 'dc_obj_shard_rw',
      lane: 'client',
      caption:
        'The shard layer fills the RPC body (obj_rw_in): the unit object id, the dkey and its ' +
        'hash, the iods, the epoch (MAX: let the server choose) and, for small values, the data ' +
        'itself inline.',
      source: 'src/object/cli_shard.c',
    },
    {
      id: 'crt_req_send',
      lane: 'network',
      caption:
        'CaRT sends DAOS_OBJ_RPC_UPDATE to the target’s endpoint (rank, tag). Values smaller ' +
        'than 19456 bytes ride inside the message; bigger ones are pulled later by RDMA (bulk).',
      source: 'src/cart/crt_rpc.c',
    },
    {
      id: 'crt_handle_rpc',
      lane: 'server',
      caption:
        'On the engine, the target’s service thread receives the RPC and starts a user-level ' +
        'thread that runs the object handler.',
      source: 'src/cart/crt_rpc.c',
    },
    {
      id: 'ds_obj_rw_handler',
      lane: 'server',
      caption: 'The object server’s read/write handler takes over this update.',
      source: 'src/object/srv_obj.c',
    },
    {
      id: 'obj_ioc_begin',
      lane: 'server',
      caption:
        'Checks before touching storage: the container handle exists, the client’s pool map is ' +
        'not stale, the handle may write, and the object class is known.',
      source: 'src/object/srv_obj.c',
    },
    {
      id: 'process_epoch',
      lane: 'server',
      caption:
        'The client sent epoch MAX, so this target picks the epoch from its hybrid logical ' +
        'clock. The epoch is the version number the value will be stored under.',
      source: 'src/object/srv_obj.c',
    },
    {
      id: 'dtx_leader_begin',
      lane: 'server',
      caption:
        'A distributed-transaction (DTX) handle is opened. With no replicas to forward to, the ' +
        'transaction is "solo" and will commit as soon as the local update is done.',
      source: 'src/dtx/dtx_common.c',
    },
    {
      id: 'obj_tgt_update',
      lane: 'server',
      caption:
        'The leader runs the update on its own target (and, for replicated objects, on the ' +
        'replicas in parallel).',
      source: 'src/object/srv_obj.c',
    },
    {
      id: 'ds_obj_tgt_update_handler',
      lane: 'server',
      caption:
        'Replicated objects only: a replica target receives the forwarded update ' +
        '(DAOS_OBJ_RPC_TGT_UPDATE) from the leader and applies it locally at the same epoch.',
      source: 'src/object/srv_obj.c',
      optional: true,
    },
    {
      id: 'obj_local_rw',
      lane: 'server',
      caption:
        'The local write on this target: VOS reserves space, the data is copied in, VOS publishes.',
      source: 'src/object/srv_obj.c',
    },
    {
      id: 'vos_update_begin',
      lane: 'vos',
      caption:
        'VOS creates an I/O context, holds space, chooses the medium for each value (small ' +
        'values in SCM, 4 KiB and more on NVMe) and reserves an address for it. Nothing is ' +
        'visible yet.',
      source: 'src/vos/vos_io.c',
    },
    {
      id: 'bio_iod_prep',
      lane: 'scm',
      caption:
        'BIO maps every reserved address to a buffer: an SCM address is used directly, NVMe ' +
        'space gets a DMA buffer.',
      source: 'src/bio/bio_buffer.c',
    },
    {
      id: 'bio_iod_copy',
      lane: 'scm',
      caption: 'The bytes that came inline with the RPC are copied into the mapped buffers.',
      source: 'src/bio/bio_buffer.c',
    },
    {
      id: 'obj_bulk_transfer',
      lane: 'network',
      caption:
        'Large values are pulled from the client’s memory by RDMA (bulk GET) straight into the ' +
        'mapped buffers.',
      source: 'src/object/srv_obj.c',
      optional: true,
    },
    {
      id: 'vos_dedup_verify',
      lane: 'vos',
      caption:
        'If deduplication matched an existing extent, its bytes are compared with the new ' +
        'data. Dedup is off by default, so there is nothing to verify.',
      source: 'src/vos/vos_io.c',
    },
    {
      id: 'obj_verify_bio_csum',
      lane: 'server',
      caption:
        'If the container has checksums and server verification on, the data is checked ' +
        'against the client’s checksums. Both are off by default.',
      source: 'src/object/srv_csum.c',
    },
    {
      id: 'bio_iod_post',
      lane: 'nvme',
      caption: 'DMA buffers holding NVMe-bound data are written to the NVMe blob.',
      source: 'src/bio/bio_buffer.c',
      optional: true,
    },
    {
      id: 'obj_rw_complete',
      lane: 'server',
      caption: 'The handler finishes the VOS I/O (the call stack in the seed goes deep from here).',
      source: 'src/object/srv_obj.c',
    },
    {
      id: 'vos_update_end',
      lane: 'vos',
      caption:
        'In one SCM transaction VOS inserts the dkey, akey and value records into its trees at ' +
        'the chosen epoch and turns the reservations into allocations. Now the value is visible.',
      source: 'src/vos/vos_io.c',
    },
    {
      id: 'dtx_leader_end',
      lane: 'server',
      caption: 'The transaction ends: a solo DTX is committed at once.',
      source: 'src/dtx/dtx_common.c',
    },
    {
      id: 'obj_rw_reply',
      lane: 'server',
      caption: 'The reply carries the status, the target’s pool map version and the epoch used.',
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
      caption: 'The client’s RPC completion callback reads the status out of the reply.',
      source: 'src/object/cli_shard.c',
    },
    {
      id: 'obj_comp_cb',
      lane: 'client',
      caption:
        'The object completion callback decides: retry (stale map, timeout …) or finish. The ' +
        'task completes and daos_obj_update returns the result to the application.',
      source: 'src/object/cli_obj.c',
    },
  ],
};

// DTX and retry steps (spec §3.9, §6): the resend check, the leader's sub-operation fan-out,
// the abort path and the client's retry.
insertAfter(DAOS_UPDATE.steps, 'process_epoch', [STEP.obj_handle_resend as StepDef]);
insertAfter(DAOS_UPDATE.steps, 'dtx_leader_begin', [STEP.dtx_leader_exec_ops as StepDef]);
insertAfter(DAOS_UPDATE.steps, 'dtx_leader_end', [
  STEP.dtx_abort as StepDef,
  optional(STEP.dtx_handler as StepDef),
  STEP.vos_dtx_abort as StepDef,
]);
insertAfter(DAOS_UPDATE.steps, 'obj_comp_cb', [
  STEP.dc_task_reinit as StepDef,
  STEP.obj_pool_query_task as StepDef,
]);
// TSE completion callbacks, LIFO (spec §3.9): dc_rw_cb → close_shard_cb → obj_comp_cb → task_comp_event.
insertAfter(DAOS_UPDATE.steps, 'dc_rw_cb', [STEP.close_shard_cb as StepDef]);
insertAfter(DAOS_UPDATE.steps, 'obj_pool_query_task', [STEP.task_comp_event as StepDef]);
