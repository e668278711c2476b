/**
 * Step definitions of the DTX machinery (spec §6), shared by `daos.update`, `daos.fetch`,
 * `daos.rw.replicated` and `dtx.commit`, plus the client's retry steps (§3.9).
 */
import type { StepDef } from './types.ts';

const DTX = 'src/dtx/dtx_common.c';
const DTX_RPC = 'src/dtx/dtx_rpc.c';
const VOS_DTX = 'src/vos/vos_dtx.c';

export const STEP: Record<string, StepDef> = {
  obj_handle_resend: {
    id: 'obj_handle_resend',
    lane: 'server',
    caption:
      'A resent update (ORF_RESEND, same DTX id): the leader looks the DTX up. Already ' +
      'committed or committable → success without running it again.',
    source: 'src/object/srv_obj.c',
    optional: true,
  },
  dtx_leader_exec_ops: {
    id: 'dtx_leader_exec_ops',
    lane: 'server',
    caption:
      'The leader starts the sub-operations: first it forwards the update to every replica, ' +
      'then runs its own local update, then waits for all of them.',
    source: DTX,
  },
  dtx_begin_replica: {
    id: 'dtx_begin',
    lane: 'server',
    caption:
      'The replica opens its side of the DTX with the leader’s id and epoch; DTXs the leader ' +
      'piggybacked as committable (orw_dti_cos) are committed in the same local transaction.',
    source: DTX,
  },
  dtx_end_replica: {
    id: 'dtx_end',
    lane: 'server',
    caption:
      'The local update is done: the replica’s DTX entry is persisted as PREPARED. Readers of ' +
      'this replica must ask the leader until it is committed.',
    source: DTX,
  },
  dtx_cos_add: {
    id: 'dtx_cos_add',
    lane: 'server',
    caption:
      'Every replica prepared: the DTX becomes COMMITTABLE and goes into the leader’s ' +
      'commit-on-share cache. The client gets its reply now; the commit comes later, batched ' +
      'or piggybacked on the next update of the same dkey.',
    source: 'src/dtx/dtx_cos.c',
  },
  dtx_commit: {
    id: 'dtx_commit',
    lane: 'server',
    caption:
      'Commit: one DTX_COMMIT RPC per other participant with the list of DTX ids, then the ' +
      'leader commits locally.',
    source: DTX_RPC,
  },
  dtx_handler: {
    id: 'dtx_handler',
    lane: 'server',
    caption: 'A participant handles a DTX RPC (commit, abort) from the leader.',
    source: 'src/dtx/dtx_srv.c',
  },
  vos_dtx_commit: {
    id: 'vos_dtx_commit',
    lane: 'vos',
    caption:
      'VOS marks the DTX entries committed: their records become visible to every reader and ' +
      'the entries move to the committed table.',
    source: VOS_DTX,
  },
  dtx_abort: {
    id: 'dtx_abort',
    lane: 'server',
    caption:
      'A participant failed: the leader aborts the DTX on the replicas that prepared it, then ' +
      'locally. The client gets the error and may retry.',
    source: DTX_RPC,
    optional: true,
  },
  vos_dtx_abort: {
    id: 'vos_dtx_abort',
    lane: 'vos',
    caption: 'VOS marks the DTX aborted: its modifications are invisible from now on.',
    source: VOS_DTX,
    optional: true,
  },
  vos_dtx_check_availability: {
    id: 'vos_dtx_check_availability',
    lane: 'vos',
    caption:
      'The value to read belongs to a DTX that is only PREPARED on this replica: the reader ' +
      'cannot tell yet whether it will commit, so the replica asks the DTX leader.',
    source: VOS_DTX,
    optional: true,
  },
  dtx_refresh: {
    id: 'dtx_refresh',
    lane: 'server',
    caption:
      'DTX_REFRESH to the leader: committable or committed → commit here and read; aborted → ' +
      'abort here; still undecided → -DER_INPROGRESS and the client retries at the leader.',
    source: DTX_RPC,
    optional: true,
  },
  dtx_batched_commit: {
    id: 'dtx_batched_commit',
    lane: 'server',
    caption:
      'The batched-commit ULT of a target: more committable DTXs than the threshold, or one ' +
      'older than 10 s → commit them in batches.',
    source: DTX,
  },
  dtx_fetch_committable: {
    id: 'dtx_fetch_committable',
    lane: 'server',
    caption: 'Take up to 512 committable DTXs from the commit-on-share cache, oldest first.',
    source: 'src/dtx/dtx_cos.c',
  },
  dc_task_reinit: {
    id: 'dc_task_reinit',
    lane: 'client',
    caption:
      'A retryable error (-DER_STALE, -DER_TIMEDOUT, -DER_INPROGRESS): the task is ' +
      're-initialised and run again after a short random delay, with the same DTX id.',
    source: 'src/client/api/task.c',
    optional: true,
  },
  close_shard_cb: {
    id: 'close_shard_cb',
    lane: 'client',
    caption:
      'Completion callbacks run last-registered first: after the reply callback, the shard ' +
      'object opened for this request is closed.',
    source: 'src/object/cli_obj.c',
  },
  task_comp_event: {
    id: 'task_comp_event',
    lane: 'client',
    caption:
      'The last callback of the task (registered first, at creation): it completes the ' +
      'private event with the task result, which wakes the blocked caller.',
    source: 'src/client/api/task.c',
  },
  obj_shard_task_sched: {
    id: 'obj_shard_task_sched',
    lane: 'client',
    caption:
      'Several targets to contact: one shard sub-task per target, each a dependency of the ' +
      'object task, which completes after all of them.',
    source: 'src/object/cli_obj.c',
    optional: true,
  },
  // daos_obj_query_key (spec §1.7 daos_array_get_size): reached only by array size queries.
  daos_obj_query_key: {
    id: 'daos_obj_query_key',
    lane: 'client',
    caption:
      'Ask for the highest (or lowest) dkey, akey or extent of an object — how an array ' +
      'learns its size without reading it.',
    source: 'src/client/api/object.c',
    optional: true,
  },
  dc_obj_query_key: {
    id: 'dc_obj_query_key',
    lane: 'client',
    caption:
      'The task body: with DAOS_GET_DKEY the highest dkey may be in any group, so one shard ' +
      'of every group is asked.',
    source: 'src/object/cli_obj.c',
    optional: true,
  },
  dc_obj_shard_query_key: {
    id: 'dc_obj_shard_query_key',
    lane: 'client',
    caption: 'One QUERY_KEY RPC to a live shard of a group; the answers are merged (max wins).',
    source: 'src/object/cli_shard.c',
    optional: true,
  },
  ds_obj_query_key_handler: {
    id: 'ds_obj_query_key_handler',
    lane: 'server',
    caption: 'The target checks the request and asks its VOS for the extreme key or extent.',
    source: 'src/object/srv_obj.c',
    optional: true,
  },
  vos_obj_query_key: {
    id: 'vos_obj_query_key',
    lane: 'vos',
    caption:
      'VOS walks to the last (or first) visible dkey, akey and extent at the epoch; punched ' +
      'extents are holes and do not count.',
    source: 'src/vos/vos_query.c',
    optional: true,
  },
  obj_pool_query_task: {
    id: 'obj_pool_query_task',
    lane: 'client',
    caption:
      'Before the retry the client refreshes its pool map: excluded targets are skipped and a ' +
      'new leader is chosen when the old one is down.',
    source: 'src/object/cli_obj.c',
    optional: true,
  },
};

/** A copy of `def` that is optional. */
export function optional(def: StepDef): StepDef {
  return { ...def, optional: true };
}

/** Insert `add` after the step `after` (or at the end when it is absent); skips present ids. */
export function insertAfter(steps: StepDef[], after: string, add: StepDef[]): void {
  const fresh = add.filter((a) => !steps.some((s) => s.id === a.id));
  const at = steps.findIndex((s) => s.id === after);
  steps.splice(at < 0 ? steps.length : at + 1, 0, ...fresh);
}
