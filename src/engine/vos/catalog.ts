/**
 * The steps VOS emits inside the DAOS pipelines (the functions vos_update_begin, vos_update_end,
 * vos_fetch_begin, bio_iod_prep and vos_obj_punch call), as catalog entries. `addVosSteps()`
 * inserts them into the daos.* pipelines right after their caller, in the order a plain run
 * first reaches them. All are optional: which ones a run reaches depends on the data (SV or
 * array, SCM or NVMe, new or existing keys, node splits, errors).
 */
import { getPipeline } from '../pipelines/index.ts';
import type { StepDef } from '../pipelines/types.ts';

const s = (id: string, lane: string, source: string, caption: string): StepDef => ({
  id,
  lane,
  source,
  caption,
  optional: true,
});

const IO = 'src/vos/vos_io.c';
const TREE = 'src/vos/vos_tree.c';
const BTR = 'src/common/btree.c';
const ILOG = 'src/vos/vos_ilog.c';
const BIO = 'src/bio/bio_buffer.c';
const COMMON = 'src/vos/vos_common.c';
const MEM = 'src/common/mem.c';

/** [pipeline, parent step, inner steps in first-call order]. */
export const VOS_INNER_STEPS: [string, string, StepDef[]][] = [
  [
    'daos.update',
    'vos_update_begin',
    [
      s(
        'vos_ioc_create',
        'vos',
        IO,
        'VOS allocates the I/O context (vos_io_context): epoch range, bound, flags, one bio_sglist per iod.',
      ),
      s(
        'vos_check_akeys',
        'vos',
        IO,
        'Two iods naming the same akey in one update are refused (-DER_NO_PERM).',
      ),
      s(
        'vos_space_hold',
        'vos',
        'src/vos/vos_space.c',
        'A conservative estimate of the SCM and NVMe bytes this update may need is held; not enough free space → -DER_NOSPACE before anything is touched.',
      ),
      s(
        'dkey_update_begin',
        'vos',
        IO,
        'Walk the iods of the dkey to reserve space for every value.',
      ),
      s(
        'akey_update_begin',
        'vos',
        IO,
        'For one akey: every value (single value) or extent (array recx) gets a medium and a reserved address.',
      ),
      s(
        'vos_media_select',
        'vos',
        IO,
        'Values smaller than the pool data threshold (4 KiB) go to SCM, larger ones to NVMe — decided per extent.',
      ),
      s(
        'vos_reserve_single',
        'vos',
        IO,
        'A single value: reserve its vos_irec_df record in SCM (with the payload when it lives on SCM) and, for NVMe values, blocks on NVMe.',
      ),
      s(
        'vos_reserve_recx',
        'vos',
        IO,
        'An array extent: reserve its bytes on SCM or NVMe; a zero-size extent is a hole (punch) and reserves nothing.',
      ),
      s(
        'vos_dedup_lookup',
        'vos',
        IO,
        'Dedup (container property, bulk updates, extents ≥ the threshold): the extent’s checksum is looked up in the pool’s dedup table; a hit reuses the existing SCM extent or NVMe blocks (address flagged DEDUP) and reserves nothing.',
      ),
      s(
        'reserve_space',
        'vos',
        IO,
        'SCM: umem_reserve (a volatile reservation in the persistent heap). NVMe: vea_reserve of whole 4 KiB blocks. Nothing is persistent yet.',
      ),
      s(
        'iod_reserve',
        'vos',
        IO,
        'The reserved address becomes one bio_iov of the iod (ba_off, ba_type, data length).',
      ),
    ],
  ],
  [
    'daos.update',
    'bio_iod_prep',
    [
      s(
        'iterate_biov',
        'vos',
        BIO,
        'BIO walks every bio_iov of the I/O descriptor to give it a buffer.',
      ),
      s(
        'direct_scm_access',
        'scm',
        BIO,
        'An SCM address needs no DMA buffer: the bytes will be copied straight into persistent memory.',
      ),
      s(
        'dma_map_one',
        'nvme',
        BIO,
        'An NVMe address gets pages of the DMA buffer; the data waits there until bio_iod_post writes the blocks.',
      ),
    ],
  ],
  [
    'daos.update',
    'vos_update_end',
    [
      s(
        'vos_tx_begin',
        'vos',
        COMMON,
        'One umem (PMDK) transaction starts: every store from here on is undo-logged until commit.',
      ),
      s(
        'vos_obj_incarnate',
        'vos',
        'src/vos/vos_obj.c',
        'Find (or create) the object in the object index and make it visible at the epoch in its incarnation log.',
      ),
      s(
        'vos_oi_find',
        'vos',
        'src/vos/vos_obj_index.c',
        'Probe the object index btree for the unit object id.',
      ),
      s(
        'vos_oi_alloc',
        'vos',
        'src/vos/vos_obj_index.c',
        'A new object: a zeroed vos_obj_df is allocated and inserted into the object index.',
      ),
      s(
        'vos_ilog_update',
        'vos',
        ILOG,
        'The incarnation log learns that the entity exists from this epoch (nothing is written if it is already visible); conditional flags are checked here.',
      ),
      s(
        'dkey_update',
        'vos',
        IO,
        'Publish everything under the dkey: its key record, its ilog entry, then every akey.',
      ),
      s(
        'obj_tree_init',
        'vos',
        'src/vos/vos_obj.c',
        'Open the object’s dkey btree, creating its root on the first update.',
      ),
      s(
        'key_tree_prepare',
        'vos',
        TREE,
        'Look the key up in its btree; a new key gets a vos_krec_df record (header + key bytes) inserted.',
      ),
      s('dbtree_fetch', 'vos', BTR, 'btree probe with BTR_PROBE_EQ for the key’s hashed key.'),
      s(
        'dbtree_upsert',
        'vos',
        BTR,
        'Insert the new key record into the btree (inside the transaction).',
      ),
      s(
        'btr_insert',
        'vos',
        BTR,
        'The btree insert proper: find the leaf, insert, split full nodes.',
      ),
      s(
        'btr_node_insert_rec',
        'scm',
        BTR,
        'The record offset and hashed key are written into the leaf node in SCM.',
      ),
      s(
        'btr_node_split',
        'scm',
        BTR,
        'A full node is split in two inside SCM; the separator moves up (the root grows when it splits).',
      ),
      s(
        'akey_update',
        'vos',
        IO,
        'Publish one akey: its key record and ilog entry, then its value.',
      ),
      s(
        'akey_update_single',
        'vos',
        IO,
        'A single value: its reserved record is inserted into the SV btree under (epoch, minor epoch).',
      ),
      s(
        'dbtree_update',
        'vos',
        BTR,
        'SV btree insert; the same epoch and minor replaces (and frees) the previous record.',
      ),
      s(
        'akey_update_recx',
        'vos',
        IO,
        'An array extent: its rectangle (extent × epoch) goes into the evtree.',
      ),
      s(
        'evt_insert',
        'vos',
        'src/common/evtree.c',
        'R-tree insert of [lo, hi] × epoch; same epoch overlap rules, record-size check, node splits.',
      ),
      s(
        'vos_ts_set_check_conflict',
        'vos',
        'src/vos/vos_ts.c',
        'A read of these keys at or after this epoch by another transaction forbids the write (-DER_TX_RESTART).',
      ),
      s(
        'vos_tx_end',
        'vos',
        COMMON,
        'End of the update’s transaction: publish reservations, then commit.',
      ),
      s(
        'vos_tx_publish',
        'vos',
        COMMON,
        'SCM reservations become allocations and NVMe reservations become allocated extents, inside the transaction.',
      ),
      s(
        'umem_tx_commit',
        'scm',
        MEM,
        'Commit: every modified range is flushed and drained, then the undo log is invalidated — the update is durable.',
      ),
      s(
        'umem_tx_abort',
        'scm',
        MEM,
        'Abort: the undo log restores every snapshotted range; reservations are cancelled.',
      ),
      s(
        'vos_dedup_process',
        'vos',
        IO,
        'After the publish, the new SCM extents that were dedup candidates enter the pool’s dedup table; after a failure they are dropped with their cancelled reservations.',
      ),
      s('vos_space_unhold', 'vos', 'src/vos/vos_space.c', 'The held space estimate is released.'),
      s('vos_ioc_destroy', 'vos', IO, 'The I/O context is freed.'),
    ],
  ],
  [
    'daos.fetch',
    'vos_fetch_begin',
    [
      s(
        'vos_ioc_create',
        'vos',
        IO,
        'VOS allocates a read-only I/O context with epoch range [0, epoch].',
      ),
      s(
        'vos_obj_hold',
        'vos',
        'src/vos/vos_obj.c',
        'Find the object in the object index and check its incarnation log at the epoch; a missing object reads as empty.',
      ),
      s(
        'dkey_fetch',
        'vos',
        IO,
        'Look up the dkey and check that it exists at the epoch (a creation after its last punch).',
      ),
      s('key_tree_prepare', 'vos', TREE, 'Btree probe for the key record (no creation on fetch).'),
      s(
        'vos_ilog_fetch',
        'vos',
        ILOG,
        'Parse the incarnation log at the epoch: visible or not, and from which epoch.',
      ),
      s('akey_fetch', 'vos', IO, 'For one iod: look up the akey and find its visible value.'),
      s(
        'akey_fetch_single',
        'vos',
        IO,
        'Single value: probe the SV btree for the newest record at or below the epoch (BTR_PROBE_LE).',
      ),
      s('akey_fetch_recx', 'vos', IO, 'Array: find the visible pieces of the requested extent.'),
      s(
        'evt_find',
        'vos',
        'src/common/evtree.c',
        'Collect the evtree rectangles overlapping the extent below the epoch and keep, per index, the newest one; punched pieces are holes.',
      ),
      s(
        'ioc_trim_tail_holes',
        'vos',
        IO,
        'Holes at the end of a value are not returned (iov_len stops at the last data byte).',
      ),
    ],
  ],
  [
    'daos.fetch',
    'bio_iod_prep',
    [
      s('direct_scm_access', 'scm', BIO, 'SCM data is read straight from persistent memory.'),
      s('dma_rw', 'nvme', BIO, 'NVMe data is read block by block into DMA buffer pages.'),
      s(
        'daos_csummer_verify_iod',
        'vos',
        'src/common/checksum.c',
        'The data read does not match its stored checksum: the address is marked corrupted and the fetch fails with -DER_CSUM.',
      ),
    ],
  ],
  [
    'daos.punch',
    'vos_obj_punch',
    [
      s('vos_tx_begin', 'vos', COMMON, 'One umem transaction for the whole punch.'),
      s(
        'vos_oi_punch',
        'vos',
        'src/vos/vos_obj_index.c',
        'Object punch: a punch entry in the object incarnation log; every dkey is invisible from this epoch.',
      ),
      s(
        'key_tree_punch',
        'vos',
        TREE,
        'Key punch: a punch entry in the key’s incarnation log (the key record is created if needed).',
      ),
      s(
        'vos_propagate_check',
        'vos',
        'src/vos/vos_obj.c',
        'After an akey punch: a dkey left without visible akeys is punched as well.',
      ),
      s('umem_tx_commit', 'scm', MEM, 'The punch is committed.'),
      s('umem_tx_abort', 'scm', MEM, 'A failed punch is rolled back.'),
    ],
  ],
];

let added = false;

/** Insert the inner VOS steps into the daos.* pipelines (once). */
export function addVosSteps(): void {
  if (added) return;
  added = true;
  for (const [pid, parent, steps] of VOS_INNER_STEPS) {
    const p = getPipeline(pid);
    if (p === undefined) continue;
    const at = p.steps.findIndex((x) => x.id === parent);
    if (at < 0) continue;
    const fresh = steps.filter((st) => !p.steps.some((x) => x.id === st.id));
    p.steps.splice(at + 1, 0, ...fresh);
  }
}
