/**
 * `ceph.write`: Ceph replicated write. Step ids are the real Ceph function names the engine emits
 * (src/engine/ceph); order = the order a simple run reaches them (spec ceph-io-path.md).
 */
import type { PipelineDef } from './types.ts';
import * as common from './ceph-common-steps.ts';

export const CEPH_WRITE: PipelineDef = {
  id: 'ceph.write',
  system: 'ceph',
  title: 'Ceph replicated write',
  summary:
    'librbd/librados \u2192 Objecter \u2192 CRUSH \u2192 primary OSD \u2192 replicas (MOSDRepOp first) \u2192 object store \u2192 ACK|ONDISK reply once every OSD of the acting set committed.',
  lanes: [
    common.CLIENT_LANE,
    common.PRIMARY_LANE,
    {
      id: 'replica',
      label: 'Replica OSDs',
      parallel: true,
    },
    common.STORE_LANE,
  ],
  steps: [
    {
      id: 'rbd_create',
      lane: 'client',
      caption: 'rbd_create: the id, header and object-map objects of a new image.',
      source: 'src/librbd/librbd.cc',
      optional: true,
    },
    {
      id: 'librbd::create',
      lane: 'client',
      caption:
        'Checks that the name is free, adds it to rbd_directory, creates rbd_id.<name>, rbd_header.<id> and rbd_object_map.<id>.',
      source: 'src/librbd/api/Image.cc',
      optional: true,
    },
    {
      id: 'rbd_write',
      lane: 'client',
      caption: 'rbd_write: Image::write → ImageWriteRequest.',
      source: 'src/librbd/librbd.cc',
      optional: true,
    },
    {
      id: 'file_to_extents',
      lane: 'client',
      caption:
        'Striper::file_to_extents: image offset → object number (offset >> order) and offset inside the object.',
      source: 'src/osdc/Striper.cc',
      optional: true,
    },
    {
      id: 'ExclusiveLock::acquire_lock',
      lane: 'client',
      caption:
        'First write: take the exclusive lock (header and object map) and load the object map.',
      source: 'src/librbd/ExclusiveLock.cc',
      optional: true,
    },
    {
      id: 'ObjectWriteRequest::send',
      lane: 'client',
      caption: 'One object request per extent.',
      source: 'src/librbd/io/ObjectRequest.cc',
      optional: true,
    },
    {
      id: 'pre_write_object_map_update',
      lane: 'client',
      caption: 'The object map marks the object EXISTS before the first write to it.',
      source: 'src/librbd/io/ObjectRequest.cc',
      optional: true,
    },
    {
      id: 'write_object',
      lane: 'client',
      caption:
        'set-alloc-hint (only for an object that may not exist) + write, or writefull for a whole object.',
      source: 'src/librbd/io/ObjectRequest.cc',
      optional: true,
    },
    {
      id: 'rados_write',
      lane: 'client',
      caption: 'rados_write: write bytes at an offset of an object.',
      source: 'src/librados/librados_c.cc',
      optional: true,
    },
    {
      id: 'rados_write_full',
      lane: 'client',
      caption: 'rados_write_full: replace the whole object.',
      source: 'src/librados/librados_c.cc',
      optional: true,
    },
    {
      id: 'rados_append',
      lane: 'client',
      caption: 'rados_append: write at the end of the object.',
      source: 'src/librados/librados_c.cc',
      optional: true,
    },
    {
      id: 'rados_remove',
      lane: 'client',
      caption: 'rados_remove: delete the object.',
      source: 'src/librados/librados_c.cc',
      optional: true,
    },
    ...common.OBJECTER_SUBMIT_STEPS,
    ...common.OSD_DISPATCH_STEPS,
    ...common.PRIMARY_OP_STEPS,
    ...common.BACKOFF_STEPS,
    {
      id: 'finish_ctx',
      lane: 'osd',
      caption:
        'A pg_log_entry_t at at_version = (map epoch, last version + 1) and the new object_info_t.',
      source: 'src/osd/PrimaryLogPG.cc',
    },
    {
      id: 'new_repop',
      lane: 'osd',
      caption:
        'A RepGather tracks the replicated write until every OSD of the acting set committed.',
      source: 'src/osd/PrimaryLogPG.cc',
    },
    {
      id: 'issue_repop',
      lane: 'osd',
      caption: 'issue_repop hands the transaction to the ReplicatedBackend.',
      source: 'src/osd/PrimaryLogPG.cc',
    },
    {
      id: 'issue_op',
      lane: 'osd',
      caption:
        'waiting for subops from …: one MOSDRepOp per replica is sent BEFORE the local write is queued.',
      source: 'src/osd/ReplicatedBackend.cc',
    },
    {
      id: 'append_log',
      lane: 'osd',
      caption:
        'The log entry and the PG info go into the same transaction (omap of the PG meta object).',
      source: 'src/osd/PrimaryLogPG.cc',
    },
    common.QUEUE_TRANSACTIONS_STEP,
    ...common.STORE_INTERNAL_STEPS,
    {
      id: 'do_repop',
      lane: 'replica',
      caption: 'Replica: do_repop decodes the transaction and the log entries (started).',
      source: 'src/osd/ReplicatedBackend.cc',
    },
    {
      id: 'discard_repop',
      lane: 'replica',
      caption: 'A repop from an older interval is dropped.',
      source: 'src/osd/ReplicatedBackend.cc',
      optional: true,
    },
    {
      id: 'repop_commit',
      lane: 'replica',
      caption:
        'The replica committed: commit_sent, MOSDRepOpReply(ONDISK) with its last_complete_ondisk.',
      source: 'src/osd/ReplicatedBackend.cc',
    },
    {
      id: 'sub_op_modify',
      lane: 'replica',
      caption:
        'Hammer replica: sub_op_modify decodes the transaction and log entries (started is marked twice).',
      source: 'src/osd/ReplicatedBackend.cc',
      optional: true,
    },
    {
      id: 'sub_op_modify_commit',
      lane: 'replica',
      caption:
        'Hammer replica: journaled (C_OSD_RepModifyCommit): commit_sent, MOSDRepOpReply(ONDISK) with its last_complete_ondisk.',
      source: 'src/osd/ReplicatedBackend.cc',
      optional: true,
    },
    {
      id: 'sub_op_modify_applied',
      lane: 'replica',
      caption:
        'Hammer replica: applied, readable (C_OSD_RepModifyApply): sub_op_applied; an ACK reply only if the ONDISK one has not gone yet.',
      source: 'src/osd/ReplicatedBackend.cc',
      optional: true,
    },
    {
      id: 'op_commit',
      lane: 'osd',
      caption: 'The local transaction committed (op_commit).',
      source: 'src/osd/ReplicatedBackend.cc',
    },
    {
      id: 'op_applied',
      lane: 'osd',
      caption:
        'Hammer: the local transaction is applied, readable (C_OSD_OnOpApplied): op_applied.',
      source: 'src/osd/ReplicatedBackend.cc',
      optional: true,
    },
    {
      id: 'do_repop_reply',
      lane: 'osd',
      caption: 'A replica reply is processed in the PG (sub_op_commit_rec).',
      source: 'src/osd/PrimaryLogPG.cc',
    },
    {
      id: 'sub_op_modify_reply',
      lane: 'osd',
      caption:
        'Hammer: a replica reply (sub_op_commit_rec from N for ONDISK, sub_op_applied_rec from N for ACK); either kind counts as applied.',
      source: 'src/osd/ReplicatedBackend.cc',
      optional: true,
    },
    {
      id: 'repop_all_applied',
      lane: 'osd',
      caption:
        'Hammer: every OSD of the acting set applied the write (C_OSD_RepopApplied); eval_repop may send the ACK reply.',
      source: 'src/osd/ReplicatedPG.cc',
      optional: true,
    },
    {
      id: 'repop_all_committed',
      lane: 'osd',
      caption: 'Every OSD of the acting set committed: last_complete_ondisk advances.',
      source: 'src/osd/PrimaryLogPG.cc',
    },
    {
      id: 'eval_repop',
      lane: 'osd',
      caption: 'eval_repop sends the replies of completed writes, in version order.',
      source: 'src/osd/PrimaryLogPG.cc',
    },
    {
      id: 'osd_op_reply',
      lane: 'osd',
      caption:
        'MOSDOpReply(ACK|ONDISK) to the client: commit_sent, then done. Hammer may first send a separate ACK reply when the write was applied everywhere before it was committed everywhere.',
      source: 'src/osd/PrimaryLogPG.cc',
    },
    {
      id: 'handle_osd_op_reply',
      lane: 'client',
      caption: 'The Objecter matches the reply to its tid and completes the call.',
      source: 'src/osdc/Objecter.cc',
    },
    {
      id: 'C_aio_Ack::finish',
      lane: 'client',
      caption:
        'Hammer librados aio: the first reply (ACK) sets complete — the write is readable on every replica.',
      source: 'src/librados/IoCtxImpl.cc',
      optional: true,
    },
    {
      id: 'C_aio_Safe::finish',
      lane: 'client',
      caption:
        'Hammer librados aio: the ONDISK reply sets safe — the write is journaled on every replica; librbd completes on it.',
      source: 'src/librados/IoCtxImpl.cc',
      optional: true,
    },
    {
      id: 'handle_osd_map',
      lane: 'client',
      caption:
        'A new OSDMap: _scan_requests re-runs _calc_target and resends ops whose primary changed (RETRY) The first map (at connect) carries the CRUSH hierarchy as osd_tree.',
      source: 'src/osdc/Objecter.cc',
      optional: true,
    },
    common.OP_CANCEL_STEP,
  ],
};
