/**
 * OpTracker event → `ceph.write` / `ceph.read` catalog step. The mapping follows where Ceph
 * 16.2 marks each event (spec ceph-io-path.md §9; src/engine/ceph does the same marks at the
 * same steps):
 *
 * - `initiated`/`throttled`/`header_read`/`all_read`/`dispatched`: the messenger and
 *   OSD::ms_fast_dispatch → one `ms_fast_dispatch` enter (earliest stamp) … exit (`dispatched`).
 * - `queued_for_pg` → `enqueue_op`; `reached_pg` → `dequeue_op`.
 * - `started` → `execute_ctx` (osd_op), `do_repop` (osd_repop), `do_repop_reply` (reply).
 * - `waiting for subops from A,B` → `issue_op` (ReplicatedBackend::issue_op sends the repops).
 * - `op_commit` → `op_commit`; `sub_op_commit_rec` → `do_repop_reply`.
 * - `commit_sent` → `osd_op_reply` (primary) / `repop_commit` (replica), enter; `done` → its
 *   exit (the op is unregistered right after the reply is sent). A read has no `commit_sent`:
 *   its `done` is the `osd_op_reply` point.
 * - FileJournal marks: `commit_queued_for_journal_write` → `submit_entry`,
 *   `write_thread_in_journal_buffer` → `do_aio_write`, `journaled_completion_queued` →
 *   `queue_completions_thru`.
 * - Delays (flag point "delayed"): map/peering waits → `do_request`; object waits → `do_op`;
 *   `waiting for rw locks` → `execute_ctx`.
 */

export const MESSENGER_EVENTS = new Set([
  'initiated',
  'throttled',
  'header_read',
  'all_read',
  'dispatched',
]);

/** Events whose step does not depend on the op's kind. */
export const EVENT_STEP: Readonly<Record<string, string>> = {
  queued_for_pg: 'enqueue_op',
  reached_pg: 'dequeue_op',
  op_commit: 'op_commit',
  sub_op_commit_rec: 'do_repop_reply',
  commit_queued_for_journal_write: 'submit_entry',
  write_thread_in_journal_buffer: 'do_aio_write',
  journaled_completion_queued: 'queue_completions_thru',
  'waiting for peered': 'do_request',
  'waiting for active': 'do_request',
  'waiting for flush': 'do_request',
  'op must wait for map': 'do_request',
  'waiting_for_map not empty': 'do_request',
  'wait for new map': 'do_request',
  'waiting for readable': 'do_op',
  'waiting for missing object': 'do_op',
  'waiting for degraded object': 'do_op',
  'waiting for blocked object': 'do_op',
  'waiting for scrub': 'do_op',
  'waiting for ondisk': 'do_op',
  'waiting for cache not full': 'do_op',
  'waiting for rw locks': 'execute_ctx',
};

/** The step for an event, or null when the importer does not know it (kept as a warning). */
export function stepFor(
  kind: 'osd_op' | 'osd_repop' | 'osd_repop_reply',
  event: string,
): string | null {
  if (event === 'started') {
    return kind === 'osd_op' ? 'execute_ctx' : kind === 'osd_repop' ? 'do_repop' : 'do_repop_reply';
  }
  if (event.startsWith('waiting for subops from')) return 'issue_op';
  // Older releases: "sub_op_commit_rec from 2", "sub_op_applied_rec from 2".
  if (event.startsWith('sub_op_commit_rec')) return 'do_repop_reply';
  if (event === 'commit_sent') return kind === 'osd_repop' ? 'repop_commit' : 'osd_op_reply';
  return EVENT_STEP[event] ?? null;
}
