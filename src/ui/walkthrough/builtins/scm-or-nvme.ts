/**
 * "Single value or array: SCM or NVMe?": two updates of the same dkey on one OC_SX object — a
 * 1 KiB single value (op 5) and an 8 KiB byte array (op 6) — side by side in VOS. The scenario
 * is inline (it is only this comparison). Facts stated by captions are in `expect` and are
 * checked against the engine by builtins.test.ts.
 */
import type { WalkthroughDoc } from '../doc.ts';

const SV = { akey: 'akey_sv', type: 'DAOS_IOD_SINGLE', size: 1024 };
const ARRAY = {
  akey: 'akey_array',
  type: 'DAOS_IOD_ARRAY',
  size: 1,
  recxs: [{ idx: 0, nr: 8192 }],
};

export const SCM_OR_NVME_WALKTHROUGH: WalkthroughDoc = {
  schema: 'iopath.walkthrough/1',
  title: 'Single value or array: SCM or NVMe?',
  description:
    'Two updates under dkey_0 of one object: a 1 KiB single value, then an 8 KiB byte array. VOS keeps values below the 4 KiB data threshold in SCM and puts larger ones on NVMe through VEA; the trees that index both stay in SCM.',
  scenario: {
    schema: 'iopath.scenario/1',
    seed: 1,
    title: 'SCM or NVMe: a 1 KiB single value and an 8 KiB array',
    description: 'One object (OC_SX); update a 1 KiB single value, then an 8 KiB byte array.',
    cluster: { daos: { engines: 2, targets_per_engine: 4 } },
    ops: [
      { op: 'daos_pool_connect', pool: 'tank' },
      { op: 'daos_cont_create', pool: 'tank', cont: 'example' },
      { op: 'daos_cont_open', pool: 'tank', cont: 'example' },
      {
        op: 'daos_obj_generate_oid',
        cont: 'example',
        otype: 'DAOS_OT_MULTI_HASHED',
        oclass: 'OC_SX',
        as: 'obj',
      },
      { op: 'daos_obj_open', obj: 'obj', mode: 'DAOS_OO_RW' },
      {
        op: 'daos_obj_update',
        obj: 'obj',
        dkey: 'dkey_0',
        iods: [SV],
        data: [{ fill: 'random', len: 1024, seed: 1 }],
      },
      {
        op: 'daos_obj_update',
        obj: 'obj',
        dkey: 'dkey_0',
        iods: [ARRAY],
        data: [{ fill: 'random', len: 8192, seed: 2 }],
      },
    ],
  },
  stops: [
    {
      at: { step: 'daos_obj_update', op: 5 },
      caption:
        'First update: akey `akey_sv`, type *DAOS_IOD_SINGLE*, **1024 bytes** — one value, written and read as a whole.',
      expect: {
        'data.iods.0.iod_name.iov_buf': 'akey_sv',
        'data.iods.0.iod_type': 'DAOS_IOD_SINGLE',
        'data.iods.0.iod_size': 1024,
      },
    },
    {
      at: { step: 'vos_space_hold', op: 5, phase: 'exit' },
      caption:
        '**vos_space_hold** checks the pool has room before anything is reserved: this update needs SCM only (*nvme 0*).',
      expect: { 'data.nvme': 0 },
    },
    {
      at: { step: 'vos_media_select', op: 5 },
      caption:
        "**vos_media_select** compares the size with the pool's data threshold: 1024 < 4096 (*vp_data_thresh*).",
      expect: { 'data.size': 1024, 'data.vp_data_thresh': 4096 },
    },
    {
      at: { step: 'vos_media_select', op: 5, phase: 'exit' },
      caption: 'Below the threshold: the value goes to **SCM**.',
      view: 'scm',
      expect: { 'data.media': 'DAOS_MEDIA_SCM' },
    },
    {
      at: { step: 'vos_reserve_single', op: 5, phase: 'exit' },
      caption:
        '**vos_reserve_single** reserved the value in SCM: the bio_iov address has *ba_type DAOS_MEDIA_SCM* and 1024 data bytes (after the single-value record header).',
      view: 'scm',
      expect: {
        'data.biov.bi_addr.ba_type': 'DAOS_MEDIA_SCM',
        'data.biov.bi_data_len': 1024,
      },
    },
    {
      at: { step: 'bio_iod_copy', op: 5, phase: 'exit' },
      caption:
        '**bio_iod_copy** writes the 1024 bytes straight into persistent memory: a store to SCM, then a flush of its cache lines.',
      view: 'scm',
      expect: {
        'effects.0.kind': 'scm.write',
        'effects.0.len': 1024,
        'effects.1.kind': 'scm.flush',
      },
    },
    {
      at: { step: 'daos_obj_update', op: 6 },
      caption:
        'Second update, same dkey: akey `akey_array`, type *DAOS_IOD_ARRAY*, record size 1, extent [0, 8192) — **8 KiB** of records.',
      expect: {
        'data.iods.0.iod_name.iov_buf': 'akey_array',
        'data.iods.0.iod_type': 'DAOS_IOD_ARRAY',
        'data.iods.0.iod_size': 1,
      },
    },
    {
      at: { step: 'vos_space_hold', op: 6, phase: 'exit' },
      caption:
        'This time **vos_space_hold** also holds 8192 bytes of NVMe: the data will not live in SCM.',
      expect: { 'data.nvme': 8192 },
    },
    {
      at: { step: 'vos_media_select', op: 6, phase: 'exit' },
      caption: '8192 ≥ 4096: **vos_media_select** picks *DAOS_MEDIA_NVME*.',
      view: 'nvme',
      expect: { 'data.media': 'DAOS_MEDIA_NVME' },
    },
    {
      at: { step: 'reserve_space', op: 6, phase: 'exit' },
      caption:
        'For an array extent **vos_reserve_recx** asks VEA, the NVMe block allocator, for space: 2 blocks of 4 KiB starting at block 1.',
      view: 'nvme',
      expect: {
        'effects.0.kind': 'vea.reserve',
        'effects.0.blk_off': 1,
        'effects.0.blk_cnt': 2,
      },
    },
    {
      at: { step: 'vos_reserve_recx', op: 6, phase: 'exit' },
      caption:
        'The reserved extent as a bio_iov: *ba_type DAOS_MEDIA_NVME*, offset 0x1000 (block 1), 8192 bytes.',
      view: 'nvme',
      expect: {
        'data.biov.bi_addr.ba_type': 'DAOS_MEDIA_NVME',
        'data.biov.bi_addr.ba_off': '0x1000',
        'data.biov.bi_data_len': 8192,
      },
    },
    {
      at: { step: 'bio_iod_copy', op: 6 },
      caption:
        "**bio_iod_copy** copies the 8192 bytes from the request's sgl into the I/O descriptor's buffers. For an NVMe extent that is a DMA buffer, not the device: the SSD is written only by bio_iod_post.",
      expect: { 'data.direction': 'sgl → media buffers', 'data.bytes': 8192 },
    },
    {
      at: { step: 'bio_iod_post', op: 6, phase: 'exit' },
      caption:
        '**bio_iod_post** submits the NVMe write: LBA 1, 2 blocks, with FUA — the data is durable on the SSD when it completes.',
      view: 'nvme',
      expect: {
        'effects.0.kind': 'nvme.submit',
        'effects.0.op': 'write',
        'effects.0.lba': 1,
        'effects.0.n': 2,
        'effects.0.fua': true,
        'effects.1.kind': 'nvme.complete',
      },
    },
    {
      at: { step: 'akey_update_recx', op: 6 },
      caption:
        "Only then does VOS index the extent: **akey_update_recx** inserts [0, 8191] into the akey's evtree (in SCM), pointing at the NVMe address.",
      view: 'evtree',
      expect: {
        'data.recx.rx_nr': 8192,
        'data.biov.bi_addr.ba_type': 'DAOS_MEDIA_NVME',
      },
    },
    {
      at: { step: 'vos_tx_publish', op: 6 },
      caption:
        '**vos_tx_publish** makes the reservation permanent in the same SCM transaction: no SCM reservation this time, one NVMe block extent.',
      expect: { 'data.rsrvd_scm': 0, 'data.blk_exts': 1 },
    },
  ],
};
