/**
 * CPU time of the OSD's steps, in virtual ns, calibrated on the medians of the real 3-OSD
 * Pacific cluster (ceph-real-traces/ANALYSIS.md, 1000 QD=1 4 KiB write_fulls and reads):
 *
 *   primary write:  dispatched→queued_for_pg 1.2 µs, →reached_pg 8.8, →started 23, →waiting
 *                   for subops 30, last sub_op_commit_rec→commit_sent ≈ 10, →done 5
 *   replica repop:  →queued 1.2, →reached_pg 16, →started 5, commit_sent→done 11
 *   repop reply:    →queued 1, →reached_pg 12, →started 1, →done 9.5
 *   read:           →queued 0.2, →reached_pg 5.8, →started 9, →done 25 (incl. the store read)
 *   repop send:     "waiting for subops" → replica `initiated` 75 µs (encode + wire)
 *
 * The store (FileStore journal / BlueStore kv sync on the simulated device) adds its own time.
 */
export const T = {
  enqueue: 1_200,
  enqueueRead: 200,
  dequeueWrite: 8_800,
  dequeueRead: 5_800,
  dequeueRepop: 16_000,
  dequeueReply: 12_000,
  doOpToStarted: 23_000,
  readDoOpToStarted: 9_000,
  startedToSubops: 30_000,
  repopEncodePerReplica: 15_000,
  repopStarted: 5_000,
  replyStarted: 1_000,
  replyDone: 9_500,
  evalRepopToCommitSent: 8_000,
  commitSentToDone: 5_000,
  replicaDone: 11_000,
  replicaCommitDequeue: 2_000,
  readReply: 12_000,
  /** WaitUpThru ≈ one map epoch (observed 0.99 s). */
  waitUpThru: 1_000_000_000,
  /** Recovery reservations (WaitLocal/RemoteRecoveryReserved), observed ~0.9 s each. */
  recoveryReserve: 900_000_000,
} as const;
