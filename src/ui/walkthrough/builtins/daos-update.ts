/**
 * "Life of a DAOS update (the seed example)": the first `daos_obj_update` of the seed's
 * `example_daos_key_sv` (op 5 of the `daos-key-sv` built-in), client to VOS and back.
 * Every fact a caption states is listed in `expect` and checked against the engine by
 * builtins.test.ts.
 */
import type { WalkthroughDoc } from '../doc.ts';

export const DAOS_UPDATE_WALKTHROUGH: WalkthroughDoc = {
  schema: 'iopath.walkthrough/1',
  title: 'Life of a DAOS update (the seed example)',
  description:
    'The first daos_obj_update of example_daos_key_sv: one 1 KiB single value under dkey_0 / akey_sv, from the client API to the VOS trees and back.',
  scenario: 'daos-key-sv',
  stops: [
    {
      at: { step: 'daos_obj_update', op: 5 },
      caption:
        'The application calls **daos_obj_update** with dkey `dkey_0` and one iod: akey `akey_sv`, type *DAOS_IOD_SINGLE*, size 1024 — a single value, not an array.',
      expect: {
        'data.dkey.iov_buf': 'dkey_0',
        'data.iods.0.iod_name.iov_buf': 'akey_sv',
        'data.iods.0.iod_type': 'DAOS_IOD_SINGLE',
        'data.iods.0.iod_size': 1024,
      },
    },
    {
      at: { step: 'obj_req_fanout', op: 5 },
      caption:
        'The client hashes the dkey (**obj_req_fanout**) and picks the redundancy group. The object is *OC_SX*: 8 groups of 1 target on this 2-engine × 4-target system; `dkey_0` lands in group 3 — one target, no replicas.',
      expect: { 'data.grp_nr': 8, 'data.grp_size': 1, 'data.grp_idx': 3 },
    },
    {
      at: { step: 'crt_req_send', op: 5 },
      caption:
        'A **DAOS_OBJ_RPC_UPDATE** RPC goes to `engine1.tgt3`. The 1 KiB value is small enough to travel *inline* in the RPC: no bulk transfer.',
      view: 'sequence',
      expect: { 'data.opc': 'DAOS_OBJ_RPC_UPDATE', 'data.to': 'engine1.tgt3', 'data.inline': true },
    },
    {
      at: { step: 'ds_obj_rw_handler', op: 5 },
      caption:
        'On the engine, **ds_obj_rw_handler** takes the RPC on target `engine1.tgt3`: its obj_rw_in carries the object id, the dkey hash, the epoch and the DTX id of this update.',
      expect: {
        actor: 'engine1.tgt3',
        'data.opc': 'DAOS_OBJ_RPC_UPDATE',
        'data.orw_oid.id_shard': 3,
      },
    },
    {
      at: { step: 'vos_update_begin', op: 5 },
      caption:
        "**vos_update_begin** opens a VOS I/O context for dkey `dkey_0` at the update's epoch and reserves space for the value.",
      expect: { 'data.dkey.iov_buf': 'dkey_0', 'data.iod_nr': 1 },
    },
    {
      at: { step: 'vos_media_select', op: 5 },
      caption:
        '**vos_media_select**: 1024 bytes is below the 4 KiB data threshold, so the value goes to *SCM*, not NVMe.',
      view: 'scm',
      expect: { 'data.size': 1024, 'data.vp_data_thresh': 4096 },
    },
    {
      at: { step: 'iod_reserve', op: 5 },
      caption:
        "**iod_reserve** records the reserved SCM extent in a bio_iov: 1024 bytes at an offset inside the pool's SCM.",
      view: 'scm',
      expect: { 'data.biov.bi_addr.ba_type': 'DAOS_MEDIA_SCM', 'data.biov.bi_data_len': 1024 },
    },
    {
      at: { step: 'bio_iod_prep', op: 5 },
      caption:
        '**bio_iod_prep** prepares the I/O descriptor of this update (one sgl); SCM extents are addressed directly, no DMA buffer.',
      expect: { 'data.bd_type': 'BIO_IOD_TYPE_UPDATE', 'data.bd_sgl_cnt': 1 },
    },
    {
      at: { step: 'bio_iod_copy', op: 5 },
      caption:
        '**bio_iod_copy** copies the 1024 bytes that arrived inline in the RPC from the sgl into the reserved SCM.',
      view: 'scm',
      expect: { 'data.bytes': 1024 },
    },
    {
      at: { step: 'vos_update_end', op: 5 },
      caption:
        "**vos_update_end** publishes the reservation and inserts the keys into the object's dkey and akey trees: the value is now visible at its epoch.",
      expect: { 'data.err': 0, 'data.ic_io_size': 1024 },
    },
    {
      at: { step: 'crt_reply_send', op: 5 },
      caption: 'The engine answers the client: the reply carries the status and the epoch used.',
      view: 'sequence',
      expect: { 'data.to': 'client', 'data.opc': 'DAOS_OBJ_RPC_UPDATE' },
    },
    {
      at: { step: 'obj_comp_cb', op: 5 },
      caption:
        'Back on the client, **obj_comp_cb** completes the task with result 0: the update succeeded.',
      expect: { 'data.result': 0 },
    },
  ],
};
