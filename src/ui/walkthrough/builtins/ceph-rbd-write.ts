/**
 * "Ceph RBD write: from an image offset to three OSDs": the seed's `image.write('foo' * 200, 0)`
 * (op 2 of the `ceph-rbd-write` built-in). Facts stated by captions are in `expect` and are
 * checked against the engine by builtins.test.ts.
 */
import type { WalkthroughDoc } from '../doc.ts';

const OBJ = 'rbd_data.101c4284f418.0000000000000000';

export const CEPH_RBD_WRITE_WALKTHROUGH: WalkthroughDoc = {
  schema: 'iopath.walkthrough/1',
  title: 'Ceph RBD write: from an image offset to three OSDs',
  description:
    "The seed's python example writes 600 bytes ('foo' * 200) at offset 0 of a fresh 4 GiB image; follow them from librbd to the primary OSD and its two replicas.",
  scenario: 'ceph-rbd-write',
  stops: [
    {
      at: { step: 'rbd_write', op: 2 },
      caption: '**rbd_write**: 600 bytes at image offset 0 of `myimage`.',
      expect: { 'data.image': 'myimage', 'data.offset': 0, 'data.len': 600 },
    },
    {
      at: { step: 'file_to_extents', op: 2 },
      caption:
        '**Striper::file_to_extents** cuts the range into object extents. Objects are 4 MiB (order 22), so 600 bytes at 0 fit in *one* extent of object 0.',
      expect: { 'data.object_size': 4194304, 'data.extents': 1, 'data.length': 600 },
    },
    {
      at: { step: 'ExclusiveLock::acquire_lock', op: 2 },
      caption:
        "This is the image's first write: librbd first takes the **exclusive lock** on the header and loads the object map.",
    },
    {
      at: { step: 'pre_write_object_map_update', op: 2 },
      caption:
        'Object 0 does not exist yet, so the object map marks it *EXISTS* **before** the data is written.',
      expect: { 'data.object_no': 0, 'data.new_state': 1 },
    },
    {
      at: { step: 'write_object', op: 2 },
      caption: `The object request for \`${OBJ}\`: **set-alloc-hint** + **write** (not writefull: 600 bytes are not the whole object).`,
      expect: { 'data.oid': OBJ, 'data.writefull': false, 'data.alloc_hint': true },
    },
    {
      at: { step: '_calc_target', op: 2, occurrence: 6 },
      caption:
        '**_calc_target**: rjenkins hash of the object name → PG `1.3c` → CRUSH → acting set [0, 2, 4]. The first OSD, **osd.0**, is the primary.',
      view: 'placement',
      expect: { 'data.oid': OBJ, 'data.pgid': '1.3c', 'data.acting': [0, 2, 4], 'data.primary': 0 },
    },
    {
      at: { step: 'execute_ctx', op: 2, actor: 'osd.0' },
      caption:
        'On **osd.0** the op reached the PG; *execute_ctx* turns the OSD ops into an ObjectStore transaction.',
      expect: { actor: 'osd.0', 'data.pg': '1.3c' },
    },
    {
      at: { step: 'issue_op', op: 2, actor: 'osd.0' },
      caption:
        "**issue_op** sends one MOSDRepOp to each replica, osd.2 and osd.4, *before* the primary queues its own write. The log entry has version 1'1.",
      view: 'sequence',
      expect: { 'data.replicas': [2, 4], 'data.version': "1'1" },
    },
    {
      at: { step: 'do_repop', op: 2, actor: 'osd.2' },
      caption:
        'Replica **osd.2** applies the same transaction (do_repop) and appends the same log entry.',
      expect: { actor: 'osd.2', 'data.version': "1'1" },
    },
    {
      at: { step: 'repop_commit', op: 2, actor: 'osd.2' },
      caption: 'osd.2 committed to its journal and replies ONDISK to the primary.',
      view: 'sequence',
      expect: { actor: 'osd.2' },
    },
    {
      at: { step: 'do_repop_reply', op: 2, actor: 'osd.0' },
      caption: 'The primary records the first replica reply (sub_op_commit_rec).',
      expect: { 'data.ack_type': 4 },
    },
    {
      at: { step: 'osd_op_reply', op: 2, actor: 'osd.0' },
      caption:
        "All three OSDs committed: the primary answers the client **ack+ondisk** with version 1'1.",
      expect: { 'data.result': 0, 'data.flags': 'ack+ondisk', 'data.version': "1'1" },
    },
    {
      at: { step: 'handle_osd_op_reply', op: 2, occurrence: 6 },
      caption: 'The Objecter matches the reply to its tid and completes the write with result 0.',
      expect: { 'data.result': 0 },
    },
  ],
};
