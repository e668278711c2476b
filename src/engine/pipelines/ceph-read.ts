/**
 * `ceph.read`: Ceph read. Step ids are the real Ceph function names the engine emits
 * (src/engine/ceph); order = the order a simple run reaches them (spec ceph-io-path.md).
 */
import type { PipelineDef } from './types.ts';

export const CEPH_READ: PipelineDef = {
  id: 'ceph.read',
  system: 'ceph',
  title: 'Ceph read',
  summary:
    'The client computes the primary exactly as for a write; the primary reads its store and replies at once.',
  lanes: [
    {
      id: 'client',
      label: 'Client (librbd / librados / Objecter)',
    },
    {
      id: 'osd',
      label: 'Primary OSD (PrimaryLogPG)',
    },
    {
      id: 'store',
      label: 'Object store (FileStore / BlueStore)',
    },
  ],
  steps: [
    {
      id: 'rbd_open',
      lane: 'client',
      caption: 'rbd_open: read the image id and the header.',
      source: 'src/librbd/librbd.cc',
      optional: true,
    },
    {
      id: 'librbd::open',
      lane: 'client',
      caption:
        'rbd.get_id on rbd_id.<name>, then size/order/features/object prefix from rbd_header.<id>.',
      source: 'src/librbd/image/OpenRequest.cc',
      optional: true,
    },
    {
      id: 'rbd_read',
      lane: 'client',
      caption: 'rbd_read: Image::read → ImageReadRequest.',
      source: 'src/librbd/librbd.cc',
      optional: true,
    },
    {
      id: 'file_to_extents',
      lane: 'client',
      caption: 'Striper::file_to_extents: which objects hold the range.',
      source: 'src/osdc/Striper.cc',
      optional: true,
    },
    {
      id: 'ObjectReadRequest::send',
      lane: 'client',
      caption:
        'One object read per extent: read (< 64 KiB) or sparse-read; an object the object map knows is absent reads as zeros.',
      source: 'src/librbd/io/ObjectRequest.cc',
      optional: true,
    },
    {
      id: 'rados_read',
      lane: 'client',
      caption: 'rados_read: read bytes of an object.',
      source: 'src/librados/librados_c.cc',
      optional: true,
    },
    {
      id: 'rados_stat',
      lane: 'client',
      caption: 'rados_stat: size of an object.',
      source: 'src/librados/librados_c.cc',
      optional: true,
    },
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
    {
      id: 'osd_op_reply',
      lane: 'osd',
      caption:
        'The data goes back in the MOSDOpReply at once: no replication, no PG log entry (done).',
      source: 'src/osd/PrimaryLogPG.cc',
    },
    {
      id: 'handle_osd_op_reply',
      lane: 'client',
      caption: 'The Objecter completes the read with the data.',
      source: 'src/osdc/Objecter.cc',
    },
    {
      id: 'handle_osd_map',
      lane: 'client',
      caption:
        'A new OSDMap: ops whose primary changed are resent The first map (at connect) carries the CRUSH hierarchy as osd_tree.',
      source: 'src/osdc/Objecter.cc',
      optional: true,
    },
    {
      id: 'op_cancel',
      lane: 'client',
      caption:
        'The op is still blocked when rados_osd_op_timeout expires (300 s in the simulation): cancelled with -ETIMEDOUT.',
      source: 'src/osdc/Objecter.cc',
      optional: true,
    },
    {
      id: 'queue_transactions',
      lane: 'store',
      caption: 'The transaction (data + PG log + object_info) is handed to the object store.',
      source: 'src/os/filestore/FileStore.cc',
    },
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
      id: '_deferred_submit_unlock',
      lane: 'store',
      caption:
        'Deferred writes (small writes whose data rode in the WAL) go to their final location.',
      source: 'src/os/bluestore/BlueStore.cc',
      optional: true,
    },
  ],
};
