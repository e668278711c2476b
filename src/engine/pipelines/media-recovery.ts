/**
 * `media.recovery`: what reopening a target's media after a power cut or restart does
 * (src/engine/media). PMDK opens the pool and replays the undo log of the transaction that
 * was interrupted (lanes), rebuilds the heap's DRAM index, then VOS reloads VEA's free extents.
 */
import type { PipelineDef } from './types.ts';

export const MEDIA_RECOVERY: PipelineDef = {
  id: 'media.recovery',
  system: 'media',
  title: 'Media recovery after a power cut',
  summary:
    'Reopen the SCM pool: validate its header, roll back the interrupted transaction from its ' +
    'durable undo log, rebuild the allocator from SCM metadata (unpublished reservations are ' +
    'simply gone), then load the NVMe free-extent table.',
  lanes: [
    { id: 'scm', label: 'SCM (persistent memory)' },
    { id: 'nvme', label: 'NVMe (SPDK blob)' },
  ],
  steps: [
    {
      id: 'fault_power_cut',
      lane: 'scm',
      caption:
        'The power of a target goes away: every SCM line not yet drained and every NVMe block still in the volatile write cache is lost; the code running stops where it was.',
      source: 'src/engine/srv.c',
      optional: true,
    },
    {
      id: 'pmemobj_open',
      lane: 'scm',
      caption:
        'Open the persistent-memory pool and check its header (magic, layout, checksum) before trusting any byte in it.',
      source: 'src/libpmemobj/obj.c',
    },
    {
      id: 'lane_recover_and_section_boot',
      lane: 'scm',
      caption:
        'Walk the pool lanes: each lane holds the undo log of a transaction that may have been cut off mid-way.',
      source: 'src/libpmemobj/lane.c',
    },
    {
      id: 'ulog_recover',
      lane: 'scm',
      caption:
        'Replay the undo log: valid entries (right generation, good checksum) are copied back over the ranges they snapshotted, newest first, then the log is invalidated.',
      source: 'src/libpmemobj/ulog.c',
    },
    {
      id: 'heap_boot',
      lane: 'scm',
      caption:
        'Rebuild the allocator’s DRAM index from chunk headers and bitmaps in SCM; reservations that were never published did not persist, so they are free again.',
      source: 'src/libpmemobj/heap.c',
    },
    {
      id: 'vea_load',
      lane: 'nvme',
      caption:
        'Load the NVMe free-extent table from SCM into DRAM; extents reserved but never published are free again.',
      source: 'src/vea/vea_api.c',
      optional: true,
    },
  ],
};
