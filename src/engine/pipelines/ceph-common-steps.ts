/**
 * Step definitions shared by the Ceph pipelines (`ceph.write`, `ceph.read`, `ceph.recovery`):
 * the Objecter's submission chain, the OSD's dispatch and op queue, the primary's op
 * handling up to do_osd_ops, and the object stores' internal steps. One definition each, so a
 * caption fixed here is fixed in every pipeline that shows the step.
 */
import type { LaneDef, StepDef } from './types.ts';

export const CLIENT_LANE: LaneDef = {
  id: 'client',
  label: 'Client (librbd / librados / Objecter)',
};
export const PRIMARY_LANE: LaneDef = { id: 'osd', label: 'Primary OSD (PrimaryLogPG)' };
export const STORE_LANE: LaneDef = { id: 'store', label: 'Object store (FileStore / BlueStore)' };

/** Objecter::op_submit → … → _send_op (the same for reads and writes). */
export const OBJECTER_SUBMIT_STEPS: readonly StepDef[] = [
  {
    id: 'op_submit',
    lane: 'client',
    caption:
      'Objecter::op_submit takes the op (and its throttle budget: 1024 ops / 100 MiB in flight).',
    source: 'src/osdc/Objecter.cc',
  },
  {
    id: '_op_submit',
    lane: 'client',
    caption: '_op_submit: find the target, get the session, assign a tid, send.',
    source: 'src/osdc/Objecter.cc',
  },
  {
    id: '_calc_target',
    lane: 'client',
    caption:
      'Object name → ceph_str_hash_rjenkins → ceph_stable_mod(pg_num) → PG → CRUSH → up/acting set; the acting primary is the target.',
    source: 'src/osdc/Objecter.cc',
  },
  {
    id: '_get_session',
    lane: 'client',
    caption: 'The OSDSession (messenger connection) to the primary OSD, created on first use.',
    source: 'src/osdc/Objecter.cc',
  },
  {
    id: '_send_op',
    lane: 'client',
    caption:
      '_prepare_osd_op builds the MOSDOp (spg, object, ops, flags ondisk+write, map epoch) and the connection sends it.',
    source: 'src/osdc/Objecter.cc',
  },
];

/** OSD::ms_fast_dispatch → enqueue_op → dequeue_op with their client-op captions. */
export const OSD_DISPATCH_STEPS: readonly StepDef[] = [
  {
    id: 'ms_fast_dispatch',
    lane: 'osd',
    caption:
      'The OSD reads the message; OpTracker creates the request (initiated, throttled, header_read, all_read, dispatched).',
    source: 'src/osd/OSD.cc',
  },
  {
    id: 'enqueue_op',
    lane: 'osd',
    caption: 'queued_for_pg: the op goes into the sharded op queue, shard = pg seed % 5.',
    source: 'src/osd/OSD.cc',
  },
  {
    id: 'dequeue_op',
    lane: 'osd',
    caption: 'reached_pg: a shard thread takes it and holds the PG lock.',
    source: 'src/osd/OSD.cc',
  },
];

/** PrimaryLogPG::do_request → do_op → … → do_osd_ops (reads and writes alike). */
export const PRIMARY_OP_STEPS: readonly StepDef[] = [
  {
    id: 'do_request',
    lane: 'osd',
    caption:
      'PrimaryLogPG::do_request: is the PG active and are we primary? Else the op waits or is dropped.',
    source: 'src/osd/PrimaryLogPG.cc',
  },
  {
    id: 'misdirected',
    lane: 'osd',
    caption:
      'Not the primary in our map: the op is dropped; the client resends after it sees the new map.',
    source: 'src/osd/PrimaryLogPG.cc',
    optional: true,
  },
  {
    id: 'do_op',
    lane: 'osd',
    caption:
      'do_op checks: missing/degraded object, duplicate request (reqid in the PG log), object context.',
    source: 'src/osd/PrimaryLogPG.cc',
  },
  {
    id: 'already_complete',
    lane: 'osd',
    caption:
      'A resent request already in the PG log is answered with its recorded version, without running it again.',
    source: 'src/osd/PrimaryLogPG.cc',
    optional: true,
  },
  {
    id: 'get_object_context',
    lane: 'osd',
    caption: 'The object context (object_info_t from the "_" xattr, or the cached one).',
    source: 'src/osd/PrimaryLogPG.cc',
  },
  {
    id: 'create_object_context',
    lane: 'osd',
    caption: 'No such object yet: a fresh object context.',
    source: 'src/osd/PrimaryLogPG.cc',
    optional: true,
  },
  {
    id: 'execute_ctx',
    lane: 'osd',
    caption: 'started: execute_ctx prepares a transaction for the op.',
    source: 'src/osd/PrimaryLogPG.cc',
  },
  {
    id: 'do_osd_ops',
    lane: 'osd',
    caption:
      'Each OSDOp becomes ObjectStore transaction ops (write → t.write, writefull → truncate+write, call → class method) or reads the store.',
    source: 'src/osd/PrimaryLogPG.cc',
  },
];

/** ObjectStore::queue_transactions with the caption of the client write path. */
export const QUEUE_TRANSACTIONS_STEP: StepDef = {
  id: 'queue_transactions',
  lane: 'store',
  caption: 'The transaction (data + PG log + object_info) is handed to the object store.',
  source: 'src/os/filestore/FileStore.cc',
};

/** Inside the object stores: FileJournal/FileStore, then BlueStore (all optional). */
export const STORE_INTERNAL_STEPS: readonly StepDef[] = [
  {
    id: 'submit_entry',
    lane: 'store',
    caption: 'FileJournal::submit_entry: commit_queued_for_journal_write.',
    source: 'src/os/filestore/FileJournal.cc',
    optional: true,
  },
  {
    id: 'do_aio_write',
    lane: 'store',
    caption:
      'The journal write thread batches entries (write_thread_in_journal_buffer) and writes them with O_DIRECT aio.',
    source: 'src/os/filestore/FileJournal.cc',
    optional: true,
  },
  {
    id: '_journaled_ahead',
    lane: 'store',
    caption:
      'C_JournaledAhead: the entry is durable in the journal; the apply is queued and the commit callbacks go to the ondisk finisher.',
    source: 'src/os/filestore/FileStore.cc',
    optional: true,
  },
  {
    id: 'ondisk_finisher',
    lane: 'store',
    caption: 'The ondisk finisher runs the commit callback: the write is committed on this OSD.',
    source: 'src/os/filestore/FileStore.cc',
    optional: true,
  },
  {
    id: 'queue_completions_thru',
    lane: 'store',
    caption: 'journaled_completion_queued.',
    source: 'src/os/filestore/FileJournal.cc',
    optional: true,
  },
  {
    id: '_do_transactions',
    lane: 'store',
    caption:
      'The FileStore op thread applies the transaction to the file system (data lands in the object file).',
    source: 'src/os/filestore/FileStore.cc',
    optional: true,
  },
  {
    id: '_finish_op',
    lane: 'store',
    caption: 'Applied: the data is readable from the file system.',
    source: 'src/os/filestore/FileStore.cc',
    optional: true,
  },
  {
    id: '_txc_state_proc',
    lane: 'store',
    caption:
      'BlueStore TransContext state machine: PREPARE → AIO_WAIT → IO_DONE → KV_QUEUED → KV_SUBMITTED → KV_DONE → (DEFERRED_*) → FINISHING → DONE.',
    source: 'src/os/bluestore/BlueStore.cc',
    optional: true,
  },
  {
    id: 'submit_transaction_sync',
    lane: 'store',
    caption: 'kv_sync_thread: the RocksDB WAL is written and flushed — the durability point.',
    source: 'src/os/bluestore/BlueStore.cc',
    optional: true,
  },
  {
    id: '_kv_sync_thread',
    lane: 'store',
    caption:
      'kv_sync_thread batch: bdev flush (data stable), one checksummed RocksDB WAL record appended and flushed; sometimes the memtable is flushed to a table and the superblock switched.',
    source: 'src/os/bluestore/BlueStore.cc',
    optional: true,
  },
  {
    id: 'sync_entry',
    lane: 'store',
    caption:
      'FileStore commit: applies paused, object table snapshot at committed_seq, syncfs, table written and the superblock (commit_op_seq) switched; the journal before it is free.',
    source: 'src/os/filestore/FileStore.cc',
    optional: true,
  },
  {
    id: '_deferred_submit_unlock',
    lane: 'store',
    caption:
      'Deferred writes (small writes whose data rode in the WAL) go to their final location.',
    source: 'src/os/bluestore/BlueStore.cc',
    optional: true,
  },
];

/** MOSDBackoff: a PG below min_size (peered, not active) blocks the client's ops for it. */
export const BACKOFF_STEPS: readonly StepDef[] = [
  {
    id: 'add_backoff',
    lane: 'osd',
    caption:
      'The PG is peered but not active (fewer OSDs than min_size): the op is dropped and MOSDBackoff(block) tells the client to hold every op for this PG.',
    source: 'src/osd/PG.cc',
    optional: true,
  },
  {
    id: 'handle_osd_backoff',
    lane: 'client',
    caption:
      'The Objecter records the backoff on the OSD session (and acks it); on unblock it resends the held ops.',
    source: 'src/osdc/Objecter.cc',
    optional: true,
  },
  // The other way a session's ops are resent (fault_drop_messages on a client connection).
  {
    id: 'ms_handle_reset',
    lane: 'client',
    caption:
      'The lossy connection to the OSD faulted (a message was lost): the session is reopened and every op on it is resent (RETRY); the OSD answers an already applied write from its PG log.',
    source: 'src/osdc/Objecter.cc',
    optional: true,
  },
];

/** Objecter::op_cancel (shared by reads and writes). */
export const OP_CANCEL_STEP: StepDef = {
  id: 'op_cancel',
  lane: 'client',
  caption:
    'rados_osd_op_timeout (cluster.ceph.rados_osd_op_timeout, seconds; 0 = wait forever, the default) expired while the op was still blocked: cancelled with -ETIMEDOUT.',
  source: 'src/osdc/Objecter.cc',
  optional: true,
};

/** `steps` with other captions for some ids (the recovery pipeline's view of a step). */
export function recaptioned(
  steps: readonly StepDef[],
  captions: Readonly<Record<string, string>>,
  extra: Partial<StepDef> = {},
): StepDef[] {
  return steps.map((s) => ({ ...s, caption: captions[s.id] ?? s.caption, ...extra }));
}
