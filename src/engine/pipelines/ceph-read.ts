/**
 * `ceph.read`: Ceph read. Step ids are the real Ceph function names the engine emits
 * (src/engine/ceph); order = the order a simple run reaches them (spec ceph-io-path.md).
 */
import type { PipelineDef } from './types.ts';
import * as common from './ceph-common-steps.ts';

export const CEPH_READ: PipelineDef = {
  id: 'ceph.read',
  system: 'ceph',
  title: 'Ceph read',
  summary:
    'The client computes the primary exactly as for a write; the primary reads its store and replies at once.',
  lanes: [common.CLIENT_LANE, common.PRIMARY_LANE, common.STORE_LANE],
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
    ...common.OBJECTER_SUBMIT_STEPS,
    ...common.OSD_DISPATCH_STEPS,
    ...common.PRIMARY_OP_STEPS,
    ...common.BACKOFF_STEPS,
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
    common.OP_CANCEL_STEP,
    common.QUEUE_TRANSACTIONS_STEP,
    ...common.STORE_INTERNAL_STEPS,
  ],
};
