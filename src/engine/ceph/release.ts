/**
 * The Ceph release a simulated cluster behaves as (`cluster.ceph.release`). The default,
 * Pacific 16.2, is what the real traces were captured on; Hammer 0.94 is the seed's era
 * (spec §5, §3.5 Hammer). What differs in the simulation:
 *
 * | | Pacific | Hammer |
 * |---|---|---|
 * | client flags | ONDISK only, one completion | ACK + ONDISK: `C_aio_Ack` (complete) and `C_aio_Safe` (safe) |
 * | OSD replies | one ACK\|ONDISK reply on commit | commit reply ACK\|ONDISK when all committed; a separate ACK reply when all *applied* first |
 * | primary | `do_repop_reply`, done on all committed | `sub_op_modify_reply`, `op_applied`, `repop_all_applied`; done when committed AND applied |
 * | replica | `do_repop` → `repop_commit` | `sub_op_modify` → `sub_op_modify_commit` (ONDISK reply) + `sub_op_modify_applied` (ACK reply if not committed yet) |
 * | OpTracker | `initiated, throttled, header_read, …, queued_for_pg` | `initiated, header_read, throttled, all_read, dispatched`, no `queued_for_pg`; `op_applied`, `sub_op_applied`, `sub_op_applied_rec` |
 * | object store | BlueStore (default) or FileStore | FileStore + FileJournal only |
 */
export type CephRelease = 'hammer' | 'pacific';

/** FileStore journal mode: writeahead (XFS/ext4, the default) or parallel (btrfs). */
export type FileStoreJournalMode = 'writeahead' | 'parallel';

export const CEPH_RELEASES: readonly CephRelease[] = ['pacific', 'hammer'];
